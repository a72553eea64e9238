"""Settings: every threshold of the business rules as a form, and the theme chooser.

Each setting is typed as people write it (money in dollars, lists with commas, tiers and
stages as "Gold 1000, ..."); every keystroke re-validates the whole set through
`Settings.from_dict`, and errors appear under the field they name (`lifecycle.vip_orders`).
ctrl+s saves through the settings service; the data change makes every screen recompute
its badges and counts. The theme applies as soon as it is chosen and the app remembers it.

Switching RFM to quintile mode ranks every customer for the break points first: a worker
does that, the screen says so and takes keys meanwhile, and the save lands when the break
points come back (or the refusal, naming rfm.mode, shows).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Header, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.settings import RFM_MODES, RfmBreaks
from crm_tui.domain.wording import agreeing, counted
from crm_tui.services.settings_service import (
    SECTIONS,
    SETTINGS,
    SettingsService,
    owner,
    read,
    show,
)
from crm_tui.tui.keymap import hinted
from crm_tui.tui.messages import QuintileBreaksRanked
from crm_tui.tui.widgets.footer import Footer

from .base import CrmScreen
from .confirm import ConfirmScreen

RANKING = "Ranking the customers for the RFM quintiles… the settings save when done"


def widget_id(path: str) -> str:
    return "set-" + path.replace(".", "-")


class SettingsScreen(CrmScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="settings.save", priority=True),
        Binding("escape", "back", "Leave field / discard", id="settings.back"),
    ]
    AUTO_FOCUS = None  # number keys switch screens until tab enters the form

    def __init__(self) -> None:
        super().__init__()
        self._shown: dict[str, str] = {}  # what was filled in: edits differ from it
        # The settings being saved while a worker ranks the customers for their break points.
        self._ranking = False  # a save waits for the customers to be ranked

    @property
    def service(self) -> SettingsService:
        return self.crm.settings

    def compose(self) -> ComposeResult:
        yield Header()
        # Empty until mounted: the screen focuses it first, and focusing a container
        # restyles everything in it.
        yield VerticalScroll(id="settings-form")
        yield Static("", id="settings-status")
        yield Footer()

    def _rows(self) -> Iterator[Widget]:
        """The form's lines: a heading per section, a labelled field per setting, each
        with its error line under it."""
        yield Static("Appearance", classes="settings-heading")
        yield Horizontal(
            Label("Theme", classes="settings-label"),
            Select([(name, name) for name in sorted(self.app.available_themes)],
                   value=self.app.theme, id="theme", compact=True, allow_blank=False),
            classes="settings-row")
        for heading, group in SECTIONS:
            yield Static(heading, classes="settings-heading")
            for setting in group:
                wid = widget_id(setting.path)
                field: Widget
                if setting.kind == "choice":
                    field = Select([(m, m) for m in RFM_MODES], id=wid, compact=True,
                                   allow_blank=False)
                else:
                    # Checked by the form (errors under the field), not by Input: its
                    # own validation restyled each field as it was filled.
                    field = Input(id=wid, validate_on=(),
                                  placeholder="never" if setting.kind == "int?" else "")
                yield Horizontal(Label(setting.label, classes="settings-label"), field,
                                 classes="settings-row")
                yield Static("", id=f"error-{wid}", classes="settings-error")

    async def on_mount(self) -> None:
        self.sub_title = "Settings"
        await self.query_one("#settings-form").mount_all(self._rows())
        self._fill()

    # ----- filling and reading -----------------------------------------------------------
    def _texts(self) -> dict[str, str]:
        texts = {}
        for setting in SETTINGS:
            widget = self.query_one(f"#{widget_id(setting.path)}")
            texts[setting.path] = str(widget.value) if isinstance(widget, Select | Input) else ""
        return texts

    def _fill(self) -> None:
        stored = self.service.get().to_dict()
        # One check of the filled form, not one per field filled.
        with self.prevent(Input.Changed, Select.Changed):
            for setting in SETTINGS:
                section, key = setting.path.split(".")
                text = self._shown[setting.path] = show(setting, stored[section][key])
                widget = self.query_one(f"#{widget_id(setting.path)}")
                if isinstance(widget, Select | Input):
                    widget.value = text
        self.check()

    @property
    def dirty(self) -> bool:
        return self._texts() != self._shown

    def refresh_data(self) -> None:
        if not self.dirty:  # never overwrite what someone is typing
            self._fill()
        self.query_one("#theme", Select).value = self.app.theme

    def check(self) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        """The typed settings and every problem with them, shown under their fields."""
        data: dict[str, dict[str, Any]] = {}
        errors: dict[str, str] = {}
        texts = self._texts()
        for setting in SETTINGS:
            section, key = setting.path.split(".")
            try:
                data.setdefault(section, {})[key] = read(setting, texts[setting.path])
            except ValidationError as exc:
                errors.update(exc.errors)
        if not errors:
            try:  # rules across fields (at risk before inactive, tiers ascending...)
                self.service.merged(data)
            except ValidationError as exc:
                errors.update(exc.errors)
        self._show_errors(errors)
        return data, errors

    def _show_errors(self, errors: dict[str, str]) -> None:
        placed: dict[str, str] = {}
        loose = []
        for name, message in errors.items():
            setting = owner(name)
            if setting is None:
                loose.append(f"{name}: {message}")
            else:
                placed.setdefault(setting.path, f"{name}: {message}")
        for setting in SETTINGS:
            error = self.query_one(f"#error-{widget_id(setting.path)}", Static)
            text = placed.get(setting.path, "")
            if error.content != text:  # each change lays the form out again
                error.update(text)
                error.set_class(bool(text), "shown")
        idle = (RANKING if self._ranking else
                hinted(self, "{settings.save} saves · tab moves · changes apply everywhere"))
        status = "; ".join(loose) or (f"{counted(len(errors), 'problem')}: fix "
                                      f"{agreeing(len(errors), 'it', 'them')} to save"
                                      if errors else idle)
        self.query_one("#settings-status", Static).update(status)
        self.query_one("#settings-status").set_class(bool(errors), "error")

    @on(Input.Changed)
    @on(Select.Changed)
    def _edited(self, event: Input.Changed | Select.Changed) -> None:
        if event.control.id == "theme":
            if isinstance(event.value, str) and event.value != self.app.theme:
                self.app.theme = event.value  # the app remembers it in the user's config
            return
        self.check()

    # ----- saving ------------------------------------------------------------------------
    def action_save(self) -> None:
        data, errors = self.check()
        if errors:
            self._not_saved(errors)
            return
        if self._ranking:
            self.notify(RANKING, timeout=3)
            return
        merged = self.service.merged(data)
        if merged == self.service.get():
            self.notify("Nothing changed", timeout=2)
            return
        if self.service.needs_breaks(merged):
            self._ranking = True
            self.check()  # the status line says it is ranking
            self.rank(self.service)
            return
        self._save(data, None)

    def _not_saved(self, errors: dict[str, str]) -> None:
        """Say why nothing was saved, with the first field at fault focused."""
        first = owner(next(iter(errors)))
        if first is not None:
            self.query_one(f"#{widget_id(first.path)}").focus()
        self.notify(next(iter(errors)) + ": " + next(iter(errors.values())),
                    title="Not saved", severity="error")

    def _save(self, data: dict[str, dict[str, Any]], breaks: RfmBreaks | None) -> None:
        if self.crm_app.run_change(lambda: self.service.update(data, breaks),
                                   "Settings saved: badges and counts follow"):
            self._fill()

    @work(thread=True, exclusive=True, group="settings-breaks", exit_on_error=False)
    def rank(self, service: SettingsService) -> None:
        """The quintile break points, from a scan of every customer, off the UI thread."""
        try:
            breaks, refusal = service.quintile_breaks(), None
        except ValidationError as exc:
            breaks, refusal = None, exc
        self.post_message(QuintileBreaksRanked(breaks, refusal))

    def on_quintile_breaks_ranked(self, message: QuintileBreaksRanked) -> None:
        self._ranking = False
        if message.refusal is not None:
            self._show_errors(message.refusal.errors)
            self.notify(message.refusal.describe(), title="Not saved", severity="error")
            return
        # What the form holds now is saved: a setting edited while the customers were
        # ranked goes with the rest instead of being refilled away by the saved values.
        data, errors = self.check()
        if errors:
            self._not_saved(errors)
            return
        needed = self.service.needs_breaks(self.service.merged(data))
        self._save(data, message.breaks if needed else None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A scan that failed (a database file gone bad) is reported; nothing is saved."""
        if event.worker.group == "settings-breaks" and event.state == WorkerState.ERROR:
            self._ranking = False
            self.check()
            self.notify(f"Settings not saved: {event.worker.error}", title="Not saved",
                        severity="error", timeout=10)

    def action_back(self) -> None:
        if self.focused is not None:
            self.set_focus(None)  # keys 1-8 move between screens again
        elif self.dirty:
            def answered(discard: bool | None) -> None:
                if discard:
                    self._fill()

            self.app.push_screen(ConfirmScreen("Discard the unsaved settings?"), answered)
