"""Form field widgets beyond Textual's: a type-to-filter customer picker, a date input and
a yes/no box that reads without colour."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Checkbox, Input, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from crm_tui.domain.dates import parse_date
from crm_tui.domain.errors import ValidationError
from crm_tui.services.customer_list import ListQuery

if TYPE_CHECKING:
    from textual.widget import Widget

    from crm_tui.services.crm import Crm

PICKER_ROWS = 6


@dataclass(frozen=True)
class Found:
    """A customer the picker lists."""
    customer_id: int
    name: str
    email: str


class CustomerPicker(Vertical):
    """Type part of a name, email, phone or company; arrows and enter pick a customer.

    A chosen customer stays chosen until another is picked: typing over the name only
    searches, and leaving the field without picking shows the chosen name again. Emptying
    the field (backspace, ctrl+u) is what clears the choice.

    Each keystroke's search runs in a worker (a big database answers in tens of
    milliseconds, too long to hold the keyboard); only the answer to the text in the
    field now is shown. Enter typed before that answer picks its first customer.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: before the text field's own enter (which moves to the next field).
        Binding("down", "move(1)", "Next customer", show=False, id="picker.down",
                priority=True),
        Binding("up", "move(-1)", "Previous customer", show=False, id="picker.up",
                priority=True),
        Binding("enter", "pick", "Pick the customer", id="picker.pick", priority=True),
    ]
    DEFAULT_CSS = """
    CustomerPicker { height: auto; }
    CustomerPicker > OptionList { height: auto; max-height: 6; display: none; }
    CustomerPicker.open > OptionList { display: block; }
    """

    class Chosen(Message):
        """The chosen customer changed (picked, or cleared by emptying the field)."""

    class Answered(Message):
        """The customers matching `text` (posted from the search's worker)."""

        def __init__(self, text: str, found: list[Found]) -> None:
            super().__init__()
            self.text = text
            self.found = found

    def __init__(self, crm: Crm, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.crm = crm
        self.listing = crm.customer_list  # the session's: a picker adds no observer
        self.customer_id: int | None = None
        self._asked: str | None = None  # the text searched for, until its answer is shown
        self._pick_first = False  # enter came before the answer

    def compose(self) -> ComposeResult:
        yield FieldInput(placeholder="type to find a customer", compact=True)
        options = OptionList(compact=True)
        options.can_focus = False  # tab goes on to the next field; arrows move in the list
        yield options

    @property
    def value(self) -> int | None:
        return self.customer_id

    def set_customer(self, customer_id: int | None) -> None:
        self.customer_id = customer_id
        self._show_chosen()
        self.post_message(self.Chosen())

    def _show_chosen(self) -> None:
        """The chosen customer's name in the field (empty when none), the list closed."""
        cid = self.customer_id
        text = self.listing.row(cid).name if cid is not None else ""
        field = self.query_one(Input)
        with field.prevent(Input.Changed):
            field.value = text
        field.cursor_position = len(text)  # so ctrl+u empties it all
        self._asked, self._pick_first = None, False
        self._open(False)

    def _open(self, shown: bool) -> None:
        self.set_class(shown, "open")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The list's keys work while it is shown (enter also while a search is on its
        way); else they are the text field's."""
        if action == "pick":
            return self.has_class("open") or self._asked is not None
        if action == "move":
            return self.has_class("open")
        return True

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.customer_id = None  # emptied on purpose: no customer chosen any more
            self.post_message(self.Chosen())
            self._asked, self._pick_first = None, False
            self.query_one(OptionList).clear_options()
            self._open(False)
            return
        self._asked = event.value
        self.search(event.value)

    @work(thread=True, exclusive=True, group="customer-picker")
    def search(self, text: str) -> None:
        found = [Found(cid, row.name, row.email)
                 for cid in self.listing.query(ListQuery(text=text))[:PICKER_ROWS]
                 for row in [self.listing.row(cid)]]
        if not get_current_worker().is_cancelled:
            self.post_message(self.Answered(text, found))

    @on(Answered)
    def _answered(self, event: Answered) -> None:
        event.stop()
        if event.text != self._asked:
            return  # typed on meanwhile: the answer to the newer text is on its way
        self._asked = None
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(f"{f.name}  {f.email}", id=str(f.customer_id))
                            for f in event.found)
        self._open(options.option_count > 0)
        if options.option_count:
            options.highlighted = 0
        if self._pick_first:
            self._pick_first = False
            self.action_pick()

    def action_pick(self) -> None:
        if self._asked is not None:
            self._pick_first = True  # picked when the answer comes
            return
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            self.set_customer(int(option.id or 0))

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

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
    state reads at any width and without colour (the stock box always shows an X).

    Space and enter toggle it in the order they were typed: answered as the stock box's
    bindings, from the app's side, a space typed just before a tab (which the form takes
    at once) would toggle the next field's box instead."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("no", compact=True, **kwargs)  # type: ignore[arg-type]
        self.BUTTON_INNER = " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        self.label = "yes" if self.value else "no"
        super().watch_value()

    async def _on_key(self, event: events.Key) -> None:
        if not await answer_in_order(self, event, TOGGLE_KEYS):
            await super()._on_key(event)


def own_keys(bindings: list[BindingType], leave: tuple[str, ...] = ()) -> dict[str, str]:
    """A stock widget's bindings as key -> action, but the keys in `leave`."""
    return {binding.key: binding.action for binding in Binding.make_bindings(bindings)
            if binding.key not in leave}


# Input's editing keys (backspace, delete, arrows, ctrl+u...), but enter, which moves on
# to the next field through the form.
EDITING_KEYS = own_keys(Input.BINDINGS, leave=("enter",))
TOGGLE_KEYS = own_keys(Checkbox.BINDINGS)


async def answer_in_order(widget: Widget, event: events.Key, keys: dict[str, str]) -> bool:
    """Run the action of `keys` that `event` names on `widget` now, as the key is read; say
    whether it did (the caller hands other keys on)."""
    action = keys.get(event.key)
    if action is None:
        return False
    event.stop()
    event.prevent_default()
    await widget.run_action(action)
    return True


class FieldInput(Input):
    """A form's text field that answers its editing keys in the order they were typed.

    The stock field answers them as bindings, from the app's side, once the key has gone up
    past the form: a character typed right behind (backspace then 4, read at once) is put
    in first and then deleted."""

    async def _on_key(self, event: events.Key) -> None:
        if not await answer_in_order(self, event, EDITING_KEYS):
            await super()._on_key(event)


class DateInput(FieldInput):
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
