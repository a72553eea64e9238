"""The Textual application: screens, global keys, themes, live refresh, undo.

The app holds one `Crm` session. Screens call its services; every save goes through
`run_change`, which reports validation errors, refreshes what is on screen, and is undone
by ctrl+z. A timer notices other sessions' commits (the store's generation number) and
refreshes the visible screen, so badges and counts follow without a refresh key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.theme import Theme

from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.edits import EditConflict
from crm_tui.services.list_preview import PreviewProcess

from .commands.actions import ActionCommands
from .commands.customers import CustomerCommands
from .commands.screens import ScreenCommands
from .config import UserConfig
from .failures import WRITE_FAILURES, failure_message
from .keymap import binding_scopes, check_keymap
from .messages import DataChanged, Deliver, deliver
from .screens.confirm import ConfirmScreen
from .screens.conflict import Choice, ConflictScreen, rows_of
from .screens.help import HelpScreen
from .screens.registry import available
from .screens.welcome import WelcomeScreen
from .themes import DEFAULT_THEME, load_themes

POLL_SECONDS = 1.0

MAIN_SCREENS = available()


class CrmApp(App[None]):
    TITLE = "crm-tui"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ScreenCommands, CustomerCommands, ActionCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(s.key, f"goto('{s.name}')", s.title, id=f"goto.{s.name}")
          for s in MAIN_SCREENS),
        Binding("f1,question_mark", "help", "Help", id="help"),
        Binding("ctrl+z", "undo", "Undo", id="undo"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]
    MODES: ClassVar[dict[str, Any]] = {s.name: s.factory() for s in MAIN_SCREENS}
    DEFAULT_MODE = "customers"

    def __init__(self, crm: Crm, *, theme_name: str | None = None,
                 config: UserConfig | None = None,
                 preview: PreviewProcess | None = None) -> None:
        super().__init__()
        self.crm = crm
        self.config = config if config is not None else UserConfig.load()
        self._preview = preview
        self._requested_theme = theme_name
        self._generation = -1
        self._welcomed_once = False

    @property
    def db_path(self) -> Path:
        return self.crm.db.path

    # ----- start-up ----------------------------------------------------------------------
    def on_mount(self) -> None:
        self.sub_title = str(self.db_path)
        self._apply_theme()
        for problem in self.config.problems:
            self.notify(problem, title="Settings", severity="warning", timeout=20)
        if self.config.keymap:
            self._apply_keymap(self.config.keymap)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.set_interval(POLL_SECONDS, self.poll)

    def take_preview(self) -> PreviewProcess | None:
        """The customers table's preview started with the app (see `list_preview`; its
        starter closes it), for the first customers screen to draw from; None after."""
        preview, self._preview = self._preview, None
        return preview

    def offer_welcome(self) -> None:
        """Called by the customers screen when the database turns out to be empty."""
        if not self._welcomed_once:
            self._welcomed_once = True
            self.push_screen(WelcomeScreen(self.crm), self._welcomed)

    def _welcomed(self, choice: str | None) -> None:
        if choice == "new":
            self.open_form("customer")
        elif choice == "demo":
            self.notify("Demo data loaded: explore with 1-8, ctrl+p, and ? for help")
            self.data_changed()

    def _apply_theme(self) -> None:
        themes, problems = load_themes()
        for theme in themes:
            self.register_theme(theme)
        for problem in problems:
            self.notify(problem, severity="warning")
        wanted = self._requested_theme or self.config.theme or DEFAULT_THEME
        if wanted not in self.available_themes:
            if self._requested_theme:
                self.notify(f"no theme named {wanted!r}; using {DEFAULT_THEME}",
                            severity="warning")
            wanted = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        self.theme = wanted
        if self._requested_theme and wanted == self._requested_theme:
            self._remember_theme(self.current_theme)

    def _apply_keymap(self, keymap: dict[str, Any]) -> None:
        """Apply the keymap's good entries; name the others (see `keymap`)."""
        everywhere = [b for b in Binding.make_bindings(self.BINDINGS) if b.priority]
        everywhere.append(Binding(self.COMMAND_PALETTE_BINDING, "command_palette",
                                  "the command palette"))
        checked = check_keymap(keymap, binding_scopes(), everywhere)
        if checked.keymap:
            self.set_keymap(checked.keymap)
        if checked.problems:
            self.notify("\n".join(checked.problems), title="Keymap entries left out",
                        severity="warning", timeout=30)

    def _remember_theme(self, theme: Theme) -> None:
        if self.config.theme != theme.name:
            self.config.theme = theme.name
            if not self.config.save() and not self.config.readable:
                self.notify("The theme is for this session only: the settings file could "
                            "not be read, so it is left as it is", severity="warning")

    # ----- live refresh ------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="poll")
    def poll(self) -> None:
        """Another session committed? (a stat of the journal; catch-up applies its lines)"""
        generation = self.crm.db.generation
        if generation != self._generation:
            deliver(self, self.data_changed, generation)

    def on_deliver(self, message: Deliver) -> None:
        message.apply(*message.args)

    def data_changed(self, generation: int | None = None) -> None:
        """Refresh the visible screen: after a save here (no argument), or when the poll
        saw another session's commit (the generation it saw; the first look is a baseline)."""
        if generation is None:
            self._generation = self.crm.db.generation
        else:
            first = self._generation < 0
            self._generation = generation
            if first:
                return
        self.screen.post_message(DataChanged())

    # ----- doing things ------------------------------------------------------------------
    def run_change(self, change: Callable[[], object], done: str | None = None, *,
                   overwrite: Callable[[dict[str, Any]], object] | None = None,
                   subject: str = "") -> bool:
        """Run one use case; report what went wrong in words; refresh on success.

        A change made over what the screen showed (a deal moved on the board) may meet
        another session's change to the same record: the conflict dialog says who, when
        and what, and `overwrite(current)` makes the change again over the record as it is
        now if the person chooses so (else the screen shows theirs)."""
        try:
            change()
        except EditConflict as exc:
            self._conflicted(exc, overwrite, done, subject)
            return False
        except ValidationError as exc:
            self.notify(exc.describe(), title="Not saved", severity="error")
            return False
        except NotFoundError as exc:
            self.notify(str(exc), title="Not found", severity="error")
            return False
        except WRITE_FAILURES as exc:
            self.notify(failure_message(exc), title="Not saved", severity="error", timeout=15)
            return False
        if done:
            self.notify(done, timeout=3)
        self.data_changed()
        return True

    def _conflicted(self, conflict: EditConflict,
                    overwrite: Callable[[dict[str, Any]], object] | None, done: str | None,
                    subject: str) -> None:
        def chosen(choice: Choice | None) -> None:
            if choice == "mine" and overwrite is not None:
                current = conflict.current
                self.run_change(lambda: overwrite(current), done, overwrite=overwrite,
                                subject=subject)
            else:
                self.data_changed()  # theirs, as it is now

        self.push_screen(ConflictScreen(subject or "this record", rows_of(conflict),
                                        reload_hint="reload (show it as it is now)"), chosen)

    def confirm(self, question: str, change: Callable[[], object], done: str) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.run_change(change, done)

        self.push_screen(ConfirmScreen(question), answered)

    def open_form(self, name: str, *, customer_id: int | None = None,
                  record_id: int | None = None) -> None:
        """Open a form by name: new, or editing `record_id`."""
        from .forms.registry import make_form

        form = make_form(name, self.crm, customer_id, record_id)
        if form is None:
            self.notify(f"No form named {name!r}", severity="error")
            return
        self.push_screen(form, lambda saved: self.data_changed() if saved else None)

    def open_customer(self, customer_id: int) -> None:
        from .screens.customer_detail import CustomerDetailScreen

        self.push_screen(CustomerDetailScreen(customer_id))

    async def run_in_thread(self, call: Callable[[], Any]) -> Any:
        """Run blocking service work off the event loop (palette searches)."""
        return await asyncio.to_thread(call)

    def action_goto(self, name: str) -> None:
        self.switch_mode(name)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, self.config.keymap))

    def action_undo(self) -> None:
        labels = self.crm.changes.undo_labels
        if not labels:
            self.notify("Nothing to undo in this session", timeout=3)
            return
        self.run_change(self.crm.undo, f"Undone: {labels[0]}")
