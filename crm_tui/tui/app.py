"""The Textual application: screens, global keys, themes, live refresh, undo.

The app holds one `Crm` session. Screens call its services; every save goes through
`run_change`, which reports validation errors, refreshes what is on screen, and is undone
by ctrl+z. A timer notices other sessions' commits (the store's generation number) and
refreshes the visible screen, so badges and counts follow without a refresh key.

A database that cannot take changes (read-only here, or found damaged) is shown with a
banner on every screen; keys that would change data say why instead of opening a form,
and damage met while reading is reported instead of ending the app.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar, Literal, overload

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen, ScreenResultCallbackType, ScreenResultType
from textual.theme import Theme
from textual.widget import AwaitMount
from textual.worker import WorkerFailed

from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.edits import EditConflict
from crm_tui.store import CorruptFileError

from .commands.actions import ActionCommands
from .commands.customers import CustomerCommands
from .commands.deals import DealCommands
from .commands.products import ProductCommands
from .commands.screens import ScreenCommands
from .commands.tasks import TaskCommands
from .commands.views import ViewCommands
from .config import UserConfig
from .failures import WRITE_FAILURES, failure_message
from .keymap import (
    CheckedKeymap,
    binding_scopes,
    bound_keys,
    check_keymap,
    hint_key,
    key_hint,
    widget_places,
)
from .messages import (
    CustomerDetailReady,
    DatabaseStateSeen,
    DataChanged,
    GenerationSeen,
    UpgradeEnded,
)
from .screens.base import CrmScreen
from .screens.confirm import ConfirmScreen
from .screens.conflict import Choice, ConflictScreen, Guarded, rows_of
from .screens.help import HelpScreen
from .screens.registry import available
from .screens.welcome import WelcomeScreen
from .themes import DEFAULT_THEME, load_themes
from .widgets.banner import Banner, banner_text, refusal

if TYPE_CHECKING:  # imported when first used: most sessions open no 360 screen
    from .screens.customer_detail import CustomerOpener

POLL_SECONDS = 1.0
# A database an older crm-tui wrote is rewritten once in the background (Crm.open).
UPGRADING = ("Preparing this database for fast reading: a one-time rewrite of its files, in "
             "the background. Until it ends, a save may wait a few seconds.")
UPGRADED = "This database is ready for fast reading."
UPGRADE_STOPPED = ("The rewrite of this database's files stopped: it works as before, with "
                   "slower first views. 'crm check' says why.")

MAIN_SCREENS = available()

# What this process knows stops the database taking changes: why it is read-only, the
# damage met so far.
DatabaseState = tuple[str | None, tuple[CorruptFileError, ...]]

# Every screen's stylesheet is read with the app's, once: a screen that brought its own
# would have Textual parse every stylesheet again and restyle the screen it leaves, the
# first time it is shown.
STYLESHEETS: list[str | PurePath] = ["app.tcss", *sorted(f"screens/{path.name}" for path in
                                   (Path(__file__).parent / "screens").glob("*.tcss"))]


class CrmApp(App[None]):
    TITLE = "crm-tui"
    CSS_PATH = STYLESHEETS
    COMMANDS = App.COMMANDS | {ScreenCommands, CustomerCommands, ActionCommands, ViewCommands,
                                DealCommands, TaskCommands, ProductCommands}
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
                 config: UserConfig | None = None) -> None:
        super().__init__()
        self.crm = crm
        self.config = config if config is not None else UserConfig.load()
        self._requested_theme = theme_name
        self._generation = -1
        self._welcomed_once = False
        self._database: DatabaseState = (None, ())
        # Checked now, applied on mount: the first screen composes its hints before that.
        self._keymap_checked = self._check_keymap(self.config.keymap)
        self._customer_opener: CustomerOpener | None = None  # made when first needed
        self.keymap: dict[str, str] = self._keymap_checked.keymap  # the entries that apply

    @property
    def db_path(self) -> Path:
        return self.crm.db.path

    # ----- start-up ----------------------------------------------------------------------
    def on_mount(self) -> None:
        self.sub_title = str(self.db_path)
        self._apply_theme()
        for problem in self.config.problems:
            self.notify(problem, title="Settings", severity="warning", timeout=20)
        self._apply_keymap()
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.screen_change_signal.subscribe(self, self.show_banner)
        # Damage is looked at off this thread: the store's lock may be held by a worker
        # loading a big table, and the UI never waits for it.
        self._database_changed((self.crm.db.read_only_reason, ()))
        if self.crm.upgrading is not None:
            self.notify(UPGRADING, title="Database", timeout=10)
        self.poll()
        self.set_interval(POLL_SECONDS, self.poll)

    def offer_welcome(self) -> None:
        """Called by the customers screen when the database turns out to be empty."""
        if not self._welcomed_once and self.refusal is None:  # it offers to add data
            self._welcomed_once = True
            self.push_screen(WelcomeScreen(self.crm), self._welcomed)

    def _welcomed(self, choice: str | None) -> None:
        if choice == "new":
            self.open_form("customer")
        elif choice == "demo":
            screens = [key_hint(self.keymap, f"goto.{s.name}") for s in MAIN_SCREENS]
            self.notify(f"Demo data loaded: explore with {screens[0]}-{screens[-1]}, "
                        f"{hint_key(self.COMMAND_PALETTE_BINDING)}, and "
                        f"{hint_key(bound_keys(self.keymap, 'help')[-1])} for help")
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
        if not self.config.readable:  # nowhere to remember it: applying it is no change
            self.config.theme = wanted
        self.theme = wanted
        if self._requested_theme and wanted == self._requested_theme:
            self._remember_theme(self.current_theme)

    def _check_keymap(self, keymap: dict[str, Any]) -> CheckedKeymap:
        """The keymap's good entries, and why the others are left out (see `keymap`)."""
        if not keymap:
            return CheckedKeymap({}, [])
        everywhere = [b for b in Binding.make_bindings(self.BINDINGS) if b.priority]
        everywhere.append(Binding(self.COMMAND_PALETTE_BINDING, "command_palette",
                                  "the command palette"))
        return check_keymap(keymap, binding_scopes(), everywhere, widget_places())

    def _apply_keymap(self) -> None:
        """Apply the keymap's good entries; name the others."""
        checked = self._keymap_checked
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

    # ----- the database's state ----------------------------------------------------------
    def _database_state(self) -> DatabaseState:
        """(Off the UI thread: reading the damage takes the store's lock.)"""
        return self.crm.db.read_only_reason, tuple(self.crm.db.damage)

    def _database_changed(self, state: DatabaseState) -> None:
        self._database = state
        for screen in self.screen_stack:
            self.show_banner(screen)

    @property
    def refusal(self) -> str | None:
        """Why changes cannot be saved (None: they can), as the last look found it."""
        return refusal(*self._database)

    def show_banner(self, screen: Screen[Any]) -> None:
        """Put the banner on a main screen, or take it away, as the database is now."""
        if not isinstance(screen, CrmScreen):
            return
        text = banner_text(self.db_path, *self._database)
        shown = screen.query(Banner)
        if text is None:
            shown.remove()
        elif shown:
            shown.first().show(text, damaged=bool(self._database[1]))
        else:
            banner = Banner()
            banner.show(text, damaged=bool(self._database[1]))
            screen.mount(banner, before=0)  # above the screen's own rows (the header docks)

    def refuse_change(self) -> bool:
        """True, after saying why, when changes cannot be saved: for keys that would."""
        reason = self.refusal
        if reason is not None:
            self.notify(reason, severity="warning", timeout=6)
        return reason is not None

    @overload
    def push_screen(self, screen: Screen[ScreenResultType] | str,
                    callback: ScreenResultCallbackType[ScreenResultType] | None = None,
                    wait_for_dismiss: Literal[False] = False, *,
                    mode: str | None = None) -> AwaitMount: ...

    @overload
    def push_screen(self, screen: Screen[ScreenResultType] | str,
                    callback: ScreenResultCallbackType[ScreenResultType] | None = None,
                    wait_for_dismiss: Literal[True] = True, *,
                    mode: str | None = None) -> asyncio.Future[ScreenResultType]: ...

    def push_screen(self, screen: Screen[ScreenResultType] | str,
                    callback: ScreenResultCallbackType[ScreenResultType] | None = None,
                    wait_for_dismiss: bool = False, *, mode: str | None = None,
                    ) -> AwaitMount | asyncio.Future[ScreenResultType]:
        """Forms and other editors open only when what they save can be saved."""
        if isinstance(screen, Screen) and self.refusal is not None and saves(screen):
            self.refuse_change()
            if wait_for_dismiss:  # the caller waits for a result: there will be none
                raise asyncio.CancelledError("changes cannot be saved")
            return AwaitMount(self.screen, [])
        if wait_for_dismiss:
            return super().push_screen(screen, callback, wait_for_dismiss=True, mode=mode)
        return super().push_screen(screen, callback, mode=mode)

    def _handle_exception(self, error: Exception) -> None:
        """Damage met while reading (a screen's table, a customer's purchases) is said
        and shown in the banner; what else can be read stays usable. Anything else ends
        the app as Textual does."""
        damage = corrupt_file_in(error)
        if damage is None:
            super()._handle_exception(error)
            return
        self.notify(f"{damage} (run: crm check --repair)", title="Could not read",
                    severity="error", timeout=20)
        self.poll()  # the banner follows

    # ----- live refresh ------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="poll")
    def poll(self) -> None:
        """Another session committed? (a stat of the journal; catch-up applies its lines)
        Damage found since? (by a read here, or when catching up)"""
        generation = self.crm.db.generation
        if generation != self._generation:
            self.post_message(GenerationSeen(generation))
        state = self._database_state()
        if state != self._database:
            self.post_message(DatabaseStateSeen(state))
        upgrading = self.crm.upgrading
        if upgrading is not None and not upgrading.is_alive():
            self.crm.upgrading = None
            self.post_message(UpgradeEnded(self.crm.db.outdated))

    def on_generation_seen(self, message: GenerationSeen) -> None:
        self.data_changed(message.generation)

    def on_database_state_seen(self, message: DatabaseStateSeen) -> None:
        self._database_changed(message.state)

    def on_upgrade_ended(self, message: UpgradeEnded) -> None:
        if message.outdated:  # stopped by damage or a full disk: the banner or `crm check` says
            self.notify(UPGRADE_STOPPED, title="Database", severity="warning", timeout=20)
        else:
            self.notify(UPGRADED, title="Database", timeout=6)

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
        if self.screen_stack:  # none left when this arrives as the app shuts down
            self.screen.post_message(DataChanged())

    # ----- doing things ------------------------------------------------------------------
    def run_change(self, change: Callable[[], object], done: str | None = None, *,
                   guarded: Guarded | None = None) -> bool:
        """Run one use case; report what went wrong in words; refresh on success.

        A change made over what the screen showed (a deal moved on the board) may meet
        another session's change to the same record: the conflict dialog says who, when
        and what, and the change is made again over the record as it is now if the person
        chooses to overwrite (else the screen shows theirs)."""
        if self.refuse_change():
            return False
        try:
            change()
        except EditConflict as exc:
            if guarded is None:  # a change that never meets one: say it, as a refusal
                self.notify(exc.describe(), title="Not saved", severity="error")
            else:
                self._conflicted(exc, guarded, done)
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

    def _conflicted(self, conflict: EditConflict, guarded: Guarded, done: str | None) -> None:
        def chosen(choice: Choice | None) -> None:
            if choice == "mine":
                current = conflict.current
                self.run_change(lambda: guarded.overwrite(current), done, guarded=guarded)
            else:
                self.data_changed()  # theirs, as it is now

        rows = rows_of(conflict, about=guarded.about)
        self.push_screen(ConflictScreen(guarded.subject, rows, since=guarded.since,
                                        reload_hint="reload (show it as it is now)"), chosen)

    def confirm(self, question: str, change: Callable[[], object], done: str) -> None:
        if self.refuse_change():
            return

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
        """The customer's 360 screen, opened once their view is read (customer_detail.py)."""
        if self._customer_opener is None:
            from .screens.customer_detail import CustomerOpener

            self._customer_opener = CustomerOpener(self)
        self._customer_opener.open(customer_id)

    def on_customer_detail_ready(self, message: CustomerDetailReady) -> None:
        if self._customer_opener is not None:  # what `open_customer` read
            self._customer_opener.arrived(message.detail)

    def open_deals(self, customer_id: int, deal_id: int | None = None, *,
                   closed: bool = False) -> None:
        """One customer's deals on the board (`closed`: the won and lost), `deal_id`
        selected; escape comes back."""
        from .screens.pipeline import PipelineScreen

        self.push_screen(PipelineScreen(customer_id, deal_id=deal_id, closed=closed))

    def ask(self, title: str, then: Callable[[str], object], *, value: str = "",
            placeholder: str = "") -> None:
        """Ask for one value and pass it to `then` (nothing on escape); widgets ask through
        here, as they confirm, since a question is a screen."""
        from .screens.ask import TextDialog

        def answered(text: str | None) -> None:
            if text:
                then(text)

        self.push_screen(TextDialog(title, value=value, placeholder=placeholder), answered)

    async def run_in_thread(self, call: Callable[[], Any]) -> Any:
        """Run blocking service work off the event loop (palette searches)."""
        return await asyncio.to_thread(call)

    def action_goto(self, name: str) -> None:
        self.switch_mode(name)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, self.keymap))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's commands, with Help in place of its "Keys" panel: that panel lists
        Textual's raw key names and none of the keymap ids."""
        for command in super().get_system_commands(screen):
            if command.title == "Keys":
                yield SystemCommand("Help", "every key of this screen and its keymap id",
                                    self.action_help)
            else:
                yield command

    def action_undo(self) -> None:
        labels = self.crm.changes.undo_labels
        if not labels:
            self.notify("Nothing to undo in this session", timeout=3)
            return
        self.run_change(self.crm.undo, f"Undone: {labels[0]}")


def saves(screen: Screen[Any]) -> bool:
    """A form, the segment editor or the resolve dialog: screens there to save something.
    (Imported here only when changes cannot be saved.)"""
    from .forms.base import RecordForm
    from .screens.feedback import ResolveScreen
    from .widgets.rule_editor import RuleEditor

    return isinstance(screen, (RecordForm, RuleEditor, ResolveScreen))


def corrupt_file_in(error: BaseException | None) -> CorruptFileError | None:
    """The damaged file behind an error (a worker's failure wraps it), if any."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, CorruptFileError):
            return error
        error = error.error if isinstance(error, WorkerFailed) else error.__cause__
        seen += 1
    return None
