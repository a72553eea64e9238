"""The Textual application shell. (Screens arrive with the TUI issues; this opens the database.)"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Static

from crm_tui.store import Database


class CrmApp(App[None]):
    TITLE = "crm-tui"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(self, database: Database, *, theme_name: str | None = None) -> None:
        super().__init__()
        self.database = database
        if theme_name:
            self.theme = theme_name

    def compose(self) -> ComposeResult:
        yield Header()
        counts = ", ".join(
            f"{name}: {len(self.database.table(name))}" for name in sorted(self.database.tables())
        ) or "empty database"
        yield Static(f"Database {self.database.path}\n{counts}", id="summary")
        yield Footer()
