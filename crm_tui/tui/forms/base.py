"""The keyboard form every record uses: fields from a declaration, inline errors, ctrl+s.

A form subclass declares its fields and two methods: `initial_values()` (for edits and
defaults) and `submit(values)` (calls one service; raises ValidationError). The service
decides what is valid; each message it returns is shown under the field it names, and the
first bad field gets the focus. Escape asks before throwing typed work away.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.tui.screens.confirm import ConfirmScreen

from .fields import CustomerPicker, DateInput

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

KINDS = ("text", "multiline", "choice", "date", "money", "int", "bool", "customer")


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    placeholder: str = ""
    required: bool = False


def field_id(name: str) -> str:
    return "field-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


class RecordForm(ModalScreen[bool]):
    TITLE: ClassVar[str] = "Record"
    FIELDS: ClassVar[list[FormField]] = []
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, crm: Crm, *, record_id: int | None = None,
                 customer_id: int | None = None) -> None:
        super().__init__()
        self.crm = crm
        self.record_id = record_id
        self.customer_id = customer_id
        self._initial: dict[str, Any] = {}

    @property
    def today(self) -> dt.date:
        return self.crm.ctx.clock.today()

    # ----- to override -------------------------------------------------------------------
    def title_text(self) -> str:
        return self.TITLE

    def initial_values(self) -> dict[str, Any]:
        return {}

    def submit(self, values: dict[str, Any]) -> object:
        raise NotImplementedError

    def error_field(self, name: str) -> str:
        """Map a service error's field name to a form field (nested names, aliases)."""
        return name

    # ----- building ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self.title_text(), id="form-title")
            with VerticalScroll(id="form-fields"):
                for spec in self.FIELDS:
                    with Horizontal(classes="form-row"):
                        yield Label(spec.label + (" *" if spec.required else ""),
                                    classes="form-label")
                        with Vertical(classes="form-input"):
                            yield self._widget(spec)
                            yield Static("", id=f"error-{field_id(spec.name)}",
                                         classes="form-error")
            yield Static("ctrl+s save   escape cancel   tab / shift+tab move", id="form-keys")

    def _widget(self, spec: FormField) -> Widget:
        wid = field_id(spec.name)
        if spec.kind == "choice":
            return Select([(c, c) for c in spec.choices], id=wid, compact=True,
                          prompt=spec.placeholder or "choose")
        if spec.kind == "bool":
            return Checkbox(id=wid, compact=True)
        if spec.kind == "multiline":
            return TextArea(id=wid, classes="form-multiline")
        if spec.kind == "date":
            return DateInput(self.today, id=wid)
        if spec.kind == "customer":
            return CustomerPicker(self.crm, id=wid)
        return Input(placeholder=spec.placeholder, id=wid, compact=True)

    def on_mount(self) -> None:
        self._initial = self.initial_values()
        for spec in self.FIELDS:
            self._set(spec, self._initial.get(spec.name))
        self._initial = self.values()
        first = self.query_one(f"#{field_id(self.FIELDS[0].name)}") if self.FIELDS else None
        if first is not None:
            first.focus()

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
        for spec in self.FIELDS:
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
        self._clear_errors()
        try:
            self.submit(self.values())
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except NotFoundError as exc:
            self.notify(str(exc), title="Not saved", severity="error")
            return
        self.dismiss(True)

    def _clear_errors(self) -> None:
        for error in self.query(".form-error"):
            if isinstance(error, Static):
                error.update("")
                error.remove_class("shown")

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message under its field; the first bad field gets the focus."""
        names = {spec.name for spec in self.FIELDS}
        unplaced: list[str] = []
        first: str | None = None
        for name, message in errors.items():
            target = self.error_field(name)
            if target not in names:
                unplaced.append(f"{name}: {message}")
                continue
            error = self.query_one(f"#error-{field_id(target)}", Static)
            error.update(message)
            error.add_class("shown")
            first = first or target
        if first is not None:
            self.query_one(f"#{field_id(first)}").focus()
        summary = "; ".join(unplaced) or f"{len(errors)} field(s) need attention"
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
