"""The first screen on an empty database: load the demo data on one key, or how to import."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static

from crm_tui.services.crm import Crm
from crm_tui.tui.keymap import hint
from crm_tui.tui.messages import DemoLoaded, DemoProgress

DEMO_CUSTOMERS = 300

TEXT = """[b]Welcome to crm-tui[/b]

This database is empty.

  {demo}load demo data ({customers} customers with two years of history)
  {new}add your first customer
  {close}start with the empty database

To bring in your own customers, quit ({quit}) and run:

  crm import customers customers.csv        (add --dry-run to check first)
  crm import purchases purchases.csv

Column names are matched by name (Email, E-mail, Customer ID...); see crm import --help.
"""


class WelcomeScreen(ModalScreen[str | None]):
    """Dismissed with "demo" after loading the demo, "new" for the customer form, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "demo", "Load demo data", id="welcome.demo"),
        Binding("n", "dismiss('new')", "New customer", id="welcome.new"),
        Binding("escape", "dismiss(None)", "Start empty", id="welcome.close"),
    ]
    DEFAULT_CSS = """
    WelcomeScreen { align: center middle; }
    WelcomeScreen > Vertical { width: 78; height: auto; max-height: 100%; padding: 1 2;
                               border: thick $primary; background: $surface; }
    WelcomeScreen ProgressBar { display: none; }
    WelcomeScreen.loading ProgressBar { display: block; }
    """

    def __init__(self, crm: Crm) -> None:
        super().__init__()
        self.crm = crm

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(TEXT.format(customers=DEMO_CUSTOMERS, quit=escape(hint(self, "quit")),
                                     **{name: self._key(f"welcome.{name}")
                                        for name in ("demo", "new", "close")}),
                         id="welcome-text")
            yield ProgressBar(total=DEMO_CUSTOMERS, id="welcome-progress")

    def _key(self, binding_id: str) -> str:
        """A key in bold, in a column of its own."""
        key = hint(self, binding_id)
        return f"[b]{escape(key)}[/b]" + " " * max(1, 8 - len(key))

    def action_demo(self) -> None:
        if not self.has_class("loading"):
            self.add_class("loading")
            self.load_demo()

    def on_demo_progress(self, message: DemoProgress) -> None:
        self.query_one(ProgressBar).update(progress=message.done)

    def on_demo_loaded(self) -> None:
        self.dismiss("demo")

    @work(thread=True, exclusive=True, group="demo")
    def load_demo(self) -> None:
        from crm_tui.services.demo import fill_demo

        def progress(done: int, _total: int) -> None:
            self.post_message(DemoProgress(done))

        fill_demo(self.crm, customers=DEMO_CUSTOMERS, progress=progress)
        self.post_message(DemoLoaded())
