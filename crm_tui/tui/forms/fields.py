"""Form field widgets beyond Textual's: a type-to-filter customer picker, a date input and
a yes/no box that reads without colour."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, OptionList
from textual.widgets.option_list import Option

from crm_tui.domain.dates import parse_date
from crm_tui.domain.errors import ValidationError
from crm_tui.services.customer_list import ListQuery

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

PICKER_ROWS = 6


class CustomerPicker(Vertical):
    """Type part of a name, email, phone or company; arrows and enter pick a customer.

    A chosen customer stays chosen until another is picked: typing over the name only
    searches, and leaving the field without picking shows the chosen name again. Emptying
    the field (backspace, ctrl+u) is what clears the choice.
    """

    DEFAULT_CSS = """
    CustomerPicker { height: auto; }
    CustomerPicker > OptionList { height: auto; max-height: 6; display: none; }
    CustomerPicker.open > OptionList { display: block; }
    """

    def __init__(self, crm: Crm, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.crm = crm
        self.listing = crm.customer_list  # the session's: a picker adds no observer
        self.customer_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="type to find a customer", compact=True)
        options = OptionList(compact=True)
        options.can_focus = False  # tab goes on to the next field; arrows move in the list
        yield options

    @property
    def value(self) -> int | None:
        return self.customer_id

    def set_customer(self, customer_id: int | None) -> None:
        self.customer_id = customer_id
        self._show_chosen()

    def _show_chosen(self) -> None:
        """The chosen customer's name in the field (empty when none), the list closed."""
        cid = self.customer_id
        text = self.listing.row(cid).name if cid is not None else ""
        field = self.query_one(Input)
        with field.prevent(Input.Changed):
            field.value = text
        field.cursor_position = len(text)  # so ctrl+u empties it all
        self.remove_class("open")

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if not event.value.strip():
            self.customer_id = None  # emptied on purpose: no customer chosen any more
        options = self.query_one(OptionList)
        options.clear_options()
        if event.value.strip():
            for cid in self.listing.query(ListQuery(text=event.value))[:PICKER_ROWS]:
                row = self.listing.row(cid)
                options.add_option(Option(f"{row.name}  {row.email}", id=str(cid)))
        self.set_class(options.option_count > 0, "open")
        if options.option_count:
            options.highlighted = 0

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        options = self.query_one(OptionList)
        if not self.has_class("open") or key not in ("up", "down", "enter"):
            return
        if key == "enter" and options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            self.set_customer(int(option.id or 0))
        elif key in ("up", "down") and options.option_count:
            step = -1 if key == "up" else 1
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))
        getattr(event, "stop", lambda: None)()
        getattr(event, "prevent_default", lambda: None)()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.set_customer(int(event.option.id or 0))

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        """A search typed over a chosen customer but not picked from is dropped."""
        event.stop()
        if self.customer_id is not None:
            self._show_chosen()


class YesNoBox(Checkbox):
    """A checkbox that says "yes" or "no" beside its box, and marks it only when on: the
    state reads at any width and without colour (the stock box always shows an X)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("no", compact=True, **kwargs)  # type: ignore[arg-type]
        self.BUTTON_INNER = " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        self.label = "yes" if self.value else "no"
        super().watch_value()


class DateInput(Input):
    """A date typed as YYYY-MM-DD or a shortcut (today, +7d); shows what it means on blur."""

    def __init__(self, today: dt.date, **kwargs: object) -> None:
        super().__init__(placeholder="YYYY-MM-DD, today, +7d", compact=True, **kwargs)  # type: ignore[arg-type]
        self.today = today

    def on_blur(self) -> None:
        text = self.value.strip()
        if not text or (text[:1].isdigit() and len(text) == 10):
            return
        with suppress(ValidationError):  # else the form reports it on save, naming the field
            self.value = parse_date(text, "date", self.today).isoformat()
