"""Help: every key active where you were, generated from the bindings (never written twice)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.table import Table
from textual.app import ActiveBinding, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = (
    "crm-tui keeps every change in a crash-safe journal; several people can work at once.\n"
    "ctrl+p opens the command palette: go to any customer, screen or action by typing.\n"
    "Forms: tab / shift+tab between fields, ctrl+s saves, escape cancels.\n"
    "Dates: YYYY-MM-DD, or today, tomorrow, +7d, -2w, +1m."
)


def key_label(key: str) -> str:
    return {"question_mark": "?", "slash": "/", "escape": "esc"}.get(key, key)


def bindings_table(bindings: Mapping[str, ActiveBinding]) -> Table:
    """One row per action: its keys (merged), what it does, and its id for the keymap."""
    rows: dict[tuple[str, str], list[str]] = {}
    for key, active in bindings.items():
        binding = active.binding
        if not binding.description:
            continue
        rows.setdefault((binding.description, binding.id or ""), []).append(key_label(key))
    table = Table(box=None, show_header=True, header_style="bold", expand=True)
    table.add_column("keys", no_wrap=True)
    table.add_column("does")
    table.add_column("keymap id", style="dim", no_wrap=True)
    for (description, binding_id), keys in sorted(rows.items(), key=lambda r: r[0][1]):
        table.add_row(", ".join(keys), description, binding_id)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "app.pop_screen", "Close help", id="help.close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; height: 90%; border: thick $primary;
                                  background: $surface; padding: 0 1; }
    HelpScreen #help-intro { margin-bottom: 1; color: $text-muted; }
    """

    def __init__(self, bindings: Mapping[str, ActiveBinding]) -> None:
        super().__init__()
        self.bindings = dict(bindings)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("[b]Keys[/b]  (remap any of them by id in config.json \"keymap\")")
            yield Static(INTRO, id="help-intro")
            yield Static(bindings_table(self.bindings), id="help-keys")
