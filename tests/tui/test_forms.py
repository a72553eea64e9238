"""Record forms, keyboard only at 80x24: open with the screen's key, type, ctrl+s saves,
a bad value is refused with the reason under its field, escape asks before discarding; how
each form looks at 80x24 and 120x40."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from textual.widgets import Input

from crm_tui.services.crm import Crm
from crm_tui.tui.forms.base import RecordForm
from crm_tui.tui.forms.opportunity_form import OpportunityForm
from crm_tui.tui.forms.purchase_form import PurchaseForm
from crm_tui.tui.screens.customers import CustomersScreen
from crm_tui.tui.widgets.customer_table import CustomerTable
from crm_tui.tui.widgets.detail_pane import DetailPane

from .conftest import AT_BOTH_SIZES, NARROW, WIDE, SnapCompare, make_app, settle

People = dict[str, int]
PICK_EMAIL = ("enter", *"email", "enter")  # open a picker, type to find, choose
TO_REDEEM = ("down", "down", "r")  # Cyan Corp: the one with points to spend


def records(crm: Crm, name: str, people: People) -> list[dict[str, Any]]:
    """The records of the form's kind (newest first), read through the services."""
    ann, cyan = people["ann"], people["cyan"]
    return {
        "purchase": lambda: crm.sales.for_customer(ann),
        "interaction": lambda: crm.interactions.for_customer(ann),
        "note": lambda: crm.customers.notes(ann),
        "task": lambda: crm.tasks.for_customer(ann),
        "feedback": lambda: crm.feedback.for_customer(ann),
        "redeem": lambda: crm.loyalty.ledger(cyan),
        "opportunity": lambda: crm.pipeline.for_customer(ann),
        "product": lambda: sorted(crm.products.all(), key=lambda p: -p["id"]),
    }[name]()


def count(crm: Crm, name: str, people: People) -> int:
    return len(records(crm, name, people))


@dataclass(frozen=True)
class Case:
    name: str
    opens: tuple[str, ...]  # keys on the customers screen (the first field then has focus)
    fill: tuple[str, ...]  # keys that fill the form with good values
    expect: dict[str, object]  # what the saved record holds
    bad: tuple[str, ...]  # keys that type one bad value
    field: str  # where its message shows
    reason: str  # a word of that message


CASES = [
    Case("purchase", ("p",), (*"Desk", "tab", "tab", *"1,200.50"),
         {"item": "Desk", "quantity": 1, "total": 120050, "date": "2026-06-15"},
         (*"Desk", "tab", "tab", *"-5"), "unit_price", "negative"),
    Case("interaction", ("i",), (*PICK_EMAIL, "tab", "tab", "tab", "tab", *"Quote"),
         {"channel": "email", "direction": "outbound", "subject": "Quote"},
         (*PICK_EMAIL, "tab", "tab", "tab", *"soon"), "date", "soon"),
    Case("note", ("a",), (*"Prefers calls", "shift+tab", "space"),
         {"type": "internal", "pinned": True, "text": "Prefers calls", "author": "alice"},
         ("shift+tab", "space"), "text", "required"),
    Case("task", ("t",), (*"Call Ann", "tab", "tab", "tab", "tab", *"+7d"),
         {"title": "Call Ann", "due_date": "2026-06-22", "assigned_to": "alice"},
         (*"Call Ann", "tab", "tab", "tab", "tab", *"soon"), "due_date", "soon"),
    Case("feedback", ("f",), ("4", "tab", "9"),
         {"rating": 4, "recommend_score": 9, "service_type": "general"},
         ("7",), "rating", "1 to 5"),
    Case("redeem", TO_REDEEM, (*"50", "tab", *"Mug"),
         {"kind": "redeem", "points": -50, "note": "Mug"},
         (*"99999",), "points", "balance"),
    Case("opportunity", ("o",), (*"Renewal", "tab", *"12,000"),
         {"name": "Renewal", "value": 1200000, "stage": "Prospecting", "probability": 10,
          "owner": "alice"},
         (*"Renewal", "tab", *"-1"), "value", "negative"),
    Case("product", ("ctrl+p", *"product: new", "enter"), (*"Desk", "tab", "tab", *"99.90"),
         {"name": "Desk", "price": 9990, "active": True},
         (*"Desk", "tab", "tab", *"cheap"), "price", "cheap"),
]
IDS = [case.name for case in CASES]


async def open_case(pilot: object, case: Case) -> RecordForm:
    await settle(pilot)
    # escape: back to the table (the screen may start with the search box focused when
    # its first query is slow: it focuses the table while the table is still loading).
    for key in ("escape", *case.opens):  # one at a time: the palette searches as typed
        await pilot.press(key)  # type: ignore[attr-defined]
        await settle(pilot)
    form = pilot.app.screen  # type: ignore[attr-defined]
    assert isinstance(form, RecordForm)
    return form


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_typed_values_save(crm: Crm, people: People, case: Case) -> None:
    before = count(crm, case.name, people)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await open_case(pilot, case)
        await pilot.press(*case.fill, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
    assert count(crm, case.name, people) == before + 1
    saved = records(crm, case.name, people)[0]
    assert {k: saved.get(k) for k in case.expect} == case.expect


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_a_bad_value_is_refused_under_its_field(crm: Crm, people: People,
                                                      case: Case) -> None:
    before = count(crm, case.name, people)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        form = await open_case(pilot, case)
        await pilot.press(*case.bad, "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        message = str(form.query_one(f"#error-field-{case.field}").render())
        assert case.reason in message
        assert form.query_one(f"#error-field-{case.field}").display
    assert count(crm, case.name, people) == before


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_escape_asks_before_discarding(crm: Crm, people: People, case: Case) -> None:
    before = count(crm, case.name, people)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        form = await open_case(pilot, case)
        await pilot.press("escape")  # nothing typed yet: closes at once
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
        form = await open_case(pilot, case)
        await pilot.press(*case.fill, "escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and form.dirty  # kept, as typed
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
    assert count(crm, case.name, people) == before


async def test_a_second_order_makes_the_customer_returning(crm: Crm, people: People) -> None:
    """The must-show: Ann (one order, "new") buys again through `p`; row and pane follow."""
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("escape")  # the table has the keys (see open_case)
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        assert table.current_id == people["ann"]
        assert table._row_of(people["ann"]).standing.lifecycle == "new"
        await pilot.press("p", *"Chair", "tab", "tab", *"80", "ctrl+s")
        await settle(pilot)
        assert table._row_of(people["ann"]).standing.lifecycle == "returning"
        title = str(app.screen.query_one(DetailPane).query_one("#detail-title").render())
        assert "returning" in title


async def test_a_product_fills_item_and_price(crm: Crm, people: People) -> None:
    crm.products.create({"name": "Lamp", "price": "45"})
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("escape", "p", "shift+tab", "enter", *"Lamp", "enter", "tab", "tab",
                          *"3")
        await settle(pilot)
        assert app.screen.query_one("#field-item").value == "Lamp"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
    purchase = crm.sales.for_customer(people["ann"])[0]
    assert (purchase["item"], purchase["quantity"], purchase["total"]) == ("Lamp", 3, 13500)
    assert purchase["product_id"] == crm.products.find_by_name("Lamp")["id"]  # type: ignore[index]


async def test_without_a_customer_the_picker_finds_one(crm: Crm, people: People) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        app.open_form("note")  # as the palette would: no customer given
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", "tab", *"Met at the fair", "ctrl+s")
        await settle(pilot)
        error = app.screen.query_one("#error-field-customer_id")
        assert "required" in str(error.render())
        await pilot.press(*"stone", "enter")  # the focus is back in the picker
        await settle(pilot)
        assert not error.has_class("shown")  # a customer is chosen: the message goes
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
    assert crm.customers.notes(people["bob"])[0]["text"] == "Met at the fair"


@pytest.mark.parametrize("form_class, keys, expect", [
    (PurchaseForm, ("tab", *"4"), {"quantity": 4, "total": 8000}),
    (OpportunityForm, ("tab", "tab", "tab", *"60"), {"probability": 60, "value": 50000}),
])
async def test_an_edit_sends_only_what_changed(crm: Crm, people: People, form_class: type,
                                               keys: tuple[str, ...],
                                               expect: dict[str, object]) -> None:
    """A new quantity recomputes the total; an untouched value stays as stored."""
    ann = people["ann"]
    existing: dict[type, Callable[[], int]] = {
        PurchaseForm: lambda: crm.sales.for_customer(ann)[0]["id"],
        OpportunityForm: lambda: crm.pipeline.create({"customer_id": ann, "name": "Deal",
                                                      "value": "500"}),
    }
    record_id = existing[form_class]()
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await app.push_screen(form_class(crm, record_id=record_id))
        await settle(pilot)
        assert app.screen.title_text().startswith("Edit")  # type: ignore[attr-defined]
        await pilot.press(*keys, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
    service = crm.sales if form_class is PurchaseForm else crm.pipeline
    saved = service.get(record_id)
    assert {k: saved[k] for k in expect} == expect


@pytest.mark.parametrize(("keys", "said"), [(("7",), "1 field needs attention"),
                                             (("7", "tab", *"99"), "2 fields need attention")],
                         ids=["one", "two"])
async def test_the_refusal_counts_the_fields(crm: Crm, people: People, keys: tuple[str, ...],
                                             said: str) -> None:
    feedback = next(case for case in CASES if case.name == "feedback")
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await open_case(pilot, feedback)
        await pilot.press(*keys, "ctrl+s")
        await settle(pilot)
        assert [n.message for n in app._notifications][-1] == said


def opening(case: Case, *keys: str) -> Callable[[Any], Awaitable[None]]:
    """Open the case's form, then press `keys`, with nothing left to chance."""
    async def run_before(pilot: Any) -> None:
        # The detail pane (seen around the form when wide) colours its headings with the
        # theme as it is when shown, which may be before the app applied its theme: show
        # it again so the picture never depends on that race.
        await settle(pilot)
        await pilot.press("escape", "down", "up")  # escape: see open_case
        form = await open_case(pilot, case)
        for field in form.query(Input):  # a blinking cursor would flip between runs
            field.cursor_blink = False
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


@AT_BOTH_SIZES
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_form_looks_right(snap_compare: SnapCompare, crm: Crm, people: dict[str, int], case: Case,
                          size: tuple[int, int]) -> None:
    assert snap_compare(make_app(crm), terminal_size=size, run_before=opening(case))


def test_a_refused_value_shows_its_reason(snap_compare: SnapCompare, crm: Crm,
                                          people: dict[str, int]) -> None:
    feedback = next(case for case in CASES if case.name == "feedback")
    run_before = opening(feedback, *feedback.bad, "ctrl+s")
    assert snap_compare(make_app(crm), terminal_size=NARROW, run_before=run_before)
