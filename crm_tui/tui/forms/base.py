"""The keyboard form every record uses: fields from a declaration, inline errors, ctrl+s.

A form subclass declares its fields and: `defaults()` for a new record, `load()` and
`record_values(record)` for an edit, and `submit(values)` (calls one service; raises
ValidationError). The service decides what is valid; each message it returns is shown
under the field it names, and the first bad field gets the focus. Escape asks before
throwing typed work away.

Typed fast (a whole line pasted into a terminal, keys sent over SSH), every key lands where
it would have landed typed slowly: keys that come while the form opens, before a field has
the focus, wait for the field that gets it; tab and shift+tab move on at once, in the
order they came, not after the characters typed behind them. A message under a field is
about the value it refused: it goes as soon as that value is changed.

An edit remembers the record as it was read (`stored`): the base its save is checked
against, so a field someone else changed meanwhile is never overwritten silently. Such a
save comes back as an EditConflict; the conflict dialog shows who, when and both values,
and the person keeps theirs, overwrites, or reloads (`rebase`). A save the database
refuses (disk full, read-only, no access) leaves the form open with what was typed and
says why in it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.domain.wording import agreeing, counted
from crm_tui.services.edits import Clash, EditConflict
from crm_tui.tui.failures import WRITE_FAILURES, failure_message
from crm_tui.tui.keymap import hint, hinted
from crm_tui.tui.screens.confirm import ConfirmScreen
from crm_tui.tui.screens.conflict import Choice, ConflictScreen, field_label, rows_of, shown_value

from .fields import CustomerPicker, DateInput, FieldInput, YesNoBox

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

KINDS = ("text", "multiline", "choice", "date", "money", "int", "bool", "customer")
PICKED_KINDS = ("choice", "bool")  # chosen with keys, not typed: a form does not start there


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    placeholder: str = ""
    required: bool = False
    # How a choice reads on screen when its stored value is not a word (at_risk: "at risk").
    shown: Callable[[str], str] = str


class SaveAsked(Message):
    """ctrl+s, on its way from the field that has the focus to the form."""


def field_id(name: str) -> str:
    return "field-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


class RecordForm(ModalScreen[bool]):
    TITLE: ClassVar[str] = "Record"
    # The form gives the focus itself (starting_field); the first widget must not take it
    # first, with the keys typed while the form opened.
    AUTO_FOCUS = ""
    FIELDS: ClassVar[list[FormField]] = []
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("f1", "app.help", "Help", id="form.help"),  # a modal leaves out the app's
        # Priority: taken in the order typed. Left to bubble up from the field, a tab comes
        # after the characters typed behind it, which then land in the field it left.
        Binding("tab", "next_field", "Next field", show=False, id="form.next", priority=True),
        Binding("shift+tab", "previous_field", "Previous field", show=False,
                id="form.previous", priority=True),
    ]

    def __init__(self, crm: Crm, *, record_id: int | None = None,
                 customer_id: int | None = None) -> None:
        super().__init__()
        self.crm = crm
        self.record_id = record_id
        self.customer_id = customer_id
        # The form's own copy: a form may offer choices known only once open.
        self.fields: list[FormField] = list(self.FIELDS)
        self._initial: dict[str, Any] = {}
        # Keys typed before a field has the focus (None once one has): the app hands them
        # to the screen, which has nothing to type them into.
        self._early_keys: list[events.Key] | None = []
        # Each message shown under a field, with the value it was about.
        self._refused: dict[str, Any] = {}
        self._saved = False

    @property
    def today(self) -> dt.date:
        return self.crm.ctx.clock.today()

    # ----- to override -------------------------------------------------------------------
    def title_text(self) -> str:
        return self.TITLE

    @property
    def editing(self) -> bool:
        """Whether the form edits a stored record (else it makes a new one)."""
        return False

    def defaults(self) -> dict[str, Any]:
        return {}

    def load(self) -> dict[str, Any]:
        """The record an edit starts from, as the service gives it."""
        raise NotImplementedError

    def record_values(self, record: dict[str, Any]) -> dict[str, Any]:
        """A stored record as the fields show it."""
        return {spec.name: record.get(spec.name) for spec in self.fields}

    def submit(self, values: dict[str, Any]) -> object:
        raise NotImplementedError

    def error_field(self, name: str) -> str:
        """Map a service error's field name to a form field (nested names, aliases)."""
        return name

    @cached_property
    def stored(self) -> dict[str, Any]:
        """The record being edited, as read when the form opened (or last rebased): what
        the fields started from, and the base its save is checked against."""
        return self.load()

    def initial_values(self) -> dict[str, Any]:
        return self.record_values(self.stored) if self.editing else self.defaults()

    # ----- building ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self.title_text(), id="form-title")
            with VerticalScroll(id="form-fields"):
                for spec in self.fields:
                    with Horizontal(classes="form-row"):
                        yield Label(spec.label + (" *" if spec.required else ""),
                                    classes="form-label")
                        with Vertical(classes="form-input"):
                            yield self._widget(spec)
                            yield Static("", id=f"error-{field_id(spec.name)}",
                                         classes="form-error")
            yield Static("", id="form-status", classes="form-error")
            yield Static(hinted(self, "{form.save} save   {form.cancel} cancel   "
                                      "tab / shift+tab move"), id="form-keys")

    def _widget(self, spec: FormField) -> Widget:
        wid = field_id(spec.name)
        if spec.kind == "choice":
            return Select([(spec.shown(c), c) for c in spec.choices], id=wid, compact=True,
                          prompt=spec.placeholder or "choose")
        if spec.kind == "bool":
            return YesNoBox(id=wid)
        if spec.kind == "multiline":
            # Content, not markup: a placeholder such as "[SKU]" is shown as typed
            return TextArea(id=wid, classes="form-multiline",
                            placeholder=Content(spec.placeholder))
        if spec.kind == "date":
            return DateInput(self.today, id=wid)
        if spec.kind == "customer":
            return CustomerPicker(self.crm, id=wid)
        return FieldInput(placeholder=spec.placeholder, id=wid, compact=True)

    def on_mount(self) -> None:
        self._initial = self.initial_values()
        for spec in self.fields:
            self._set(spec, self._initial.get(spec.name))
        self._initial = self.values()
        first = self.starting_field()
        if first is not None:
            self.focus_field(first)

    def starting_field(self) -> str | None:
        """Where the form opens: on a new record, the first required field still empty (a
        customer to pick, a channel to choose), else the first empty field one types in;
        on an edit (or when all are filled), the first field one types in (a drop-down, a
        checkbox or a chosen customer mostly stays as it is); else the first."""
        shown = [spec for spec in self.fields
                 if not self.query_one(f"#{field_id(spec.name)}").disabled]
        empty = [] if self.editing else [s for s in shown if self._initial.get(s.name) is None]
        typed = [s for s in shown if s.kind not in PICKED_KINDS
                 and not (s.kind == "customer" and self._initial.get(s.name) is not None)]
        for candidates in ([s for s in empty if s.required], [s for s in empty if s in typed],
                           typed, shown):
            if candidates:
                return candidates[0].name
        return None

    # ----- keys typed fast -----------------------------------------------------------------
    def _forward_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self._early_keys is not None:
            self._early_keys.append(event)
            return
        super()._forward_event(event)

    def _move(self, step: int) -> None:
        if self._early_keys is not None:  # typed before the form had a field to leave
            self._early_keys.append(events.Key("tab" if step > 0 else "shift+tab", None))
        elif step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_next_field(self) -> None:
        self._move(1)

    def action_previous_field(self) -> None:
        self._move(-1)

    def _replay_early_keys(self) -> None:
        """The keys typed while the form opened, into the field that has the focus now."""
        early, self._early_keys = self._early_keys or [], None
        for key in early:
            if key.key in ("tab", "shift+tab"):
                self._move(1 if key.key == "tab" else -1)
            elif key.key == "ctrl+s":
                self.action_save()
            elif self.focused is not None:
                self.focused._forward_event(key)

    def focus_field(self, name: str) -> None:
        widget = self.query_one(f"#{field_id(name)}")
        # The picker is a container: its text box is what takes the keys.
        target = widget.query_one(Input) if isinstance(widget, CustomerPicker) else widget
        # At once, not on the app's next turn (as widget.focus() would): the app hands each
        # key it reads next to this field, and those typed so far follow it here.
        self.set_focus(target)
        self._replay_early_keys()

    def _set(self, spec: FormField, value: Any) -> None:
        widget = self.query_one(f"#{field_id(spec.name)}")
        if isinstance(widget, Select):
            widget.value = value if value in spec.choices else Select.NULL
        elif isinstance(widget, Checkbox):
            widget.value = bool(value)
        elif isinstance(widget, TextArea):
            widget.text = "" if value is None else str(value)
        elif isinstance(widget, CustomerPicker):
            widget.set_customer(value)
        elif isinstance(widget, Input):
            widget.value = "" if value is None else str(value)

    def values(self) -> dict[str, Any]:
        """What is typed, as the services take it (text; None for an empty choice)."""
        result: dict[str, Any] = {}
        for spec in self.fields:
            widget = self.query_one(f"#{field_id(spec.name)}")
            if isinstance(widget, Select):
                result[spec.name] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, Checkbox):
                result[spec.name] = widget.value
            elif isinstance(widget, TextArea):
                result[spec.name] = widget.text.strip() or None
            elif isinstance(widget, CustomerPicker):
                result[spec.name] = widget.value
            elif isinstance(widget, Input):
                result[spec.name] = widget.value.strip() or None
        return result

    @property
    def dirty(self) -> bool:
        return self.values() != self._initial

    # ----- saving ------------------------------------------------------------------------
    def action_save(self) -> None:
        # ctrl+s is taken as soon as the app reads it, but the keys typed before it may
        # still wait in the field's queue: the save waits behind them.
        if self._early_keys is not None:
            self._early_keys.append(events.Key("ctrl+s", None))
        elif not self._saved:
            # Sent after them through the field and up to the app, as a key the field does
            # not take goes (space on a yes/no box): the save comes after such keys too.
            (self.focused or self).post_message(SaveAsked())

    @on(SaveAsked)
    def _save_asked(self, event: SaveAsked) -> None:
        event.stop()
        self.app.call_later(self._save)

    def _save(self) -> None:
        if self._saved:  # ctrl+s pressed twice: one record
            return
        self._clear_errors()
        try:
            self.submit(self.values())
        except EditConflict as exc:
            self.show_conflict(exc)
            return
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except NotFoundError as exc:
            self.notify(str(exc), title="Not saved", severity="error")
            return
        except WRITE_FAILURES as exc:
            self.show_status(f"Not saved: {failure_message(exc)}. What you typed is still "
                             f"here: {hint(self, 'form.save')} tries again.")
            self.notify(failure_message(exc), title="Not saved", severity="error", timeout=15)
            return
        self._saved = True
        self.dismiss(True)

    def show_status(self, message: str) -> None:
        """A message for the whole form, above its keys."""
        status = self.query_one("#form-status", Static)
        status.update(message)
        status.add_class("shown")

    # ----- someone else changed the record -----------------------------------------------
    def _labels(self) -> dict[str, str]:
        return {spec.name: spec.label for spec in self.fields}

    def show_conflict(self, conflict: EditConflict) -> None:
        """The conflict dialog, with the fields as this form shows them."""
        labels, typed = self._labels(), self.values()
        theirs = self.record_values(conflict.current)

        def as_shown(values: dict[str, Any], stored: Callable[[Clash], Any]
                     ) -> Callable[[Clash], Any]:
            """A field of this form as it shows it; another (one the save derived) as stored."""
            return lambda c: values[c.field] if c.field in labels else stored(c)

        rows = rows_of(conflict, label=lambda name: labels.get(name) or field_label(name),
                       theirs=as_shown(theirs, lambda c: c.theirs),
                       mine=as_shown(typed, lambda c: c.mine))
        subject = self.title_text().removeprefix("Edit ")
        self.app.push_screen(ConflictScreen(subject, rows),
                             lambda choice: self._resolve(conflict, choice))

    def _resolve(self, conflict: EditConflict, choice: Choice | None) -> None:
        fields = [c.field for c in conflict.clashes]
        if choice == "theirs":  # their values in those fields; the rest saved as typed
            self.rebase(conflict.current, take=fields)
            self.action_save()
        elif choice == "mine":  # saved again over the record as it is now
            self.rebase(conflict.current)
            self.action_save()
        elif choice == "reload":
            typed = self.values()
            self.rebase(conflict.current, take=fields)
            self._explain(conflict.clashes, typed)

    def rebase(self, record: dict[str, Any], *, take: Iterable[str] = ()) -> None:
        """Start over from `record` (the record as stored now): every field shows it, but
        for what the person changed since the form opened, which stays as typed unless
        named in `take`."""
        taken = set(take)
        typed, before = self.values(), self._initial
        self.stored = record
        fresh = self.initial_values()
        for spec in self.fields:
            self._set(spec, fresh.get(spec.name))
        self._initial = self.values()
        for spec in self.fields:
            name = spec.name
            if name not in taken and typed.get(name) != before.get(name):
                self._set(spec, typed.get(name))

    def _explain(self, clashes: list[Clash], typed: dict[str, Any]) -> None:
        """After a reload: under each field someone else changed, who did and what had
        been typed there (to copy back, or merge, by hand)."""
        labels = self._labels()
        for clash in clashes:
            if clash.field in labels:
                self._show_under(clash.field,
                                 f"as {clash.who or 'someone else'} saved it; you had typed: "
                                 f"{shown_value(typed.get(clash.field))}")
        self.show_status("Reloaded: the record as it is now; your other changes are kept. "
                         f"{hint(self, 'form.save')} saves.")

    def _clear_errors(self) -> None:
        self._refused = {}
        for error in self.query(".form-error"):
            if isinstance(error, Static):
                _hide(error)

    def _show_under(self, name: str, message: str) -> None:
        """A message under a field, about the value it holds now."""
        error = self.query_one(f"#error-{field_id(name)}", Static)
        error.update(message)
        error.add_class("shown")
        self._refused[name] = self.values().get(name)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(CustomerPicker.Chosen)
    def _value_changed(self) -> None:
        """A message under a field goes once the value it was about is changed: left until
        the next save, it would say a good value is wrong."""
        if not self._refused:
            return
        values = self.values()
        for name, refused in list(self._refused.items()):
            if values.get(name) != refused:
                del self._refused[name]
                _hide(self.query_one(f"#error-{field_id(name)}", Static))

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message under its field; the first bad field gets the focus."""
        names = {spec.name for spec in self.fields}
        unplaced: list[str] = []
        first: str | None = None
        for name, message in errors.items():
            target = self.error_field(name)
            if target not in names:
                unplaced.append(f"{name}: {message}")
                continue
            self._show_under(target, message)
            first = first or target
        if first is not None:
            self.focus_field(first)
        fields = len(errors)
        summary = "; ".join(unplaced) or (f"{counted(fields, 'field')} "
                                          f"{agreeing(fields, 'needs', 'need')} attention")
        self.notify(summary, title="Not saved", severity="error")

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(False)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(ConfirmScreen("Discard what you typed?"), answered)

    @on(Input.Submitted)
    def _enter_moves_on(self) -> None:
        self.focus_next()


def _hide(error: Static) -> None:
    error.update("")
    error.remove_class("shown")
