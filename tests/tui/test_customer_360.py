"""The navigable 360 view: every record selectable, enter opens it in its form, the keys
that fit it change the database as the service would, "… and N more" expands, `y` copies,
escape gives the focus back. At 120x40 the view is the pane beside the table (enter on a
row focuses it); at 80x24 enter opens it as a screen of its own."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from crm_tui.services.crm import Crm
from crm_tui.services.tasks import snoozed_date
from crm_tui.tui.app import CrmApp
from crm_tui.tui.screens.customer_detail import CustomerDetailScreen
from crm_tui.tui.screens.pipeline import PipelineScreen
from crm_tui.tui.widgets.customer_table import CustomerTable
from crm_tui.tui.widgets.detail_pane import DetailList

from ..conftest import AS_OF
from .conftest import AT_BOTH_SIZES, make_app, settle


@pytest.fixture
def ann(crm: Crm, people: dict[str, int]) -> int:
    """Ann (first in the list) with one record of every kind the 360 view acts on."""
    who = people["ann"]
    crm.tasks.create({"customer_id": who, "title": "Send the invoice",
                      "due_date": "2026-06-20"})
    crm.interactions.log({"customer_id": who, "channel": "phone", "direction": "outbound",
                          "subject": "Check the delivery", "follow_up_date": "2026-06-18"})
    crm.customers.add_note(who, {"type": "reminder", "text": "Prefers mornings"})
    crm.feedback.submit({"customer_id": who, "rating": 2, "comments": "Late parcel"})
    crm.pipeline.create({"customer_id": who, "name": "Cables for HQ", "value": "900"})
    return who


async def open_360(pilot: Pilot[Any]) -> DetailList:
    """Enter on the first customer (Ann): the pane takes the focus, or the 360 screen opens."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    entries = pilot.app.screen.query_one(DetailList)
    assert pilot.app.focused is entries
    return entries


def shown(entries: DetailList) -> str:
    """The selected row's text."""
    option = entries.highlighted_option
    assert option is not None
    return str(option.prompt)


async def select(pilot: Pilot[Any], words: str) -> None:
    """Press down until the selected row says `words` (as someone looking for it would)."""
    entries = pilot.app.screen.query_one(DetailList)
    for _ in range(entries.option_count):
        if words in shown(entries):
            return
        await pilot.press("down")
    raise AssertionError(f"no row says {words!r}")


async def act(pilot: Pilot[Any], words: str, *keys: str) -> None:
    await select(pilot, words)
    await pilot.press(*keys)
    await settle(pilot)


def last_notice(app: CrmApp) -> str:
    return list(app._notifications)[-1].message


def rows_of(entries: DetailList, section: str) -> int:
    """How many rows a section shows under its heading."""
    return sum((o.id or "").startswith(f"{section}:") and not o.disabled
               for o in entries.options)


def offered(app: CrmApp) -> set[str]:
    """The ids of the 360 view's keys offered for the selected row."""
    return {b.binding.id or "" for b in app.active_bindings.values()
            if (b.binding.id or "").startswith("detail.")}


class TestActions:
    @AT_BOTH_SIZES
    async def test_a_task_is_done_snoozed_and_rescheduled(
            self, crm: Crm, ann: int, size: tuple[int, int]) -> None:
        task = crm.tasks.for_customer(ann)[0]
        app = make_app(crm)
        async with app.run_test(size=size) as pilot:
            await open_360(pilot)
            await act(pilot, "Send the invoice", "z")
            assert crm.tasks.get(task["id"])["due_date"] == snoozed_date("2026-06-20", AS_OF, 1)
            await act(pilot, "Send the invoice", "Z")
            assert crm.tasks.get(task["id"])["due_date"] == "2026-06-28"
            await act(pilot, "Send the invoice", "w")
            dialog = app.screen.query_one(Input)
            assert dialog.value == "2026-06-28"
            dialog.value = ""
            await pilot.press(*"+1w", "enter")
            await settle(pilot)
            assert crm.tasks.get(task["id"])["due_date"] == "2026-06-22"
            await act(pilot, "Send the invoice", "c")
            assert crm.tasks.get(task["id"])["status"] == "done"
            assert isinstance(app.focused, DetailList)
            assert "[done]" in shown(app.focused)  # still selected, as it is now
            assert "detail.done" not in offered(app)

    @AT_BOTH_SIZES
    async def test_a_follow_up_is_snoozed_then_done(self, crm: Crm, ann: int,
                                                    size: tuple[int, int]) -> None:
        call = crm.interactions.for_customer(ann)[0]
        app = make_app(crm)
        async with app.run_test(size=size) as pilot:
            await open_360(pilot)
            await act(pilot, "Check the delivery", "z")
            assert crm.interactions.get(call["id"])["follow_up_date"] == "2026-06-19"
            await act(pilot, "Check the delivery", "c")
            assert crm.interactions.get(call["id"])["follow_up_done"] is True

    @AT_BOTH_SIZES
    async def test_a_purchase_is_refunded_then_voided_after_asking(
            self, crm: Crm, ann: int, size: tuple[int, int]) -> None:
        app = make_app(crm)
        async with app.run_test(size=size) as pilot:
            await open_360(pilot)
            await act(pilot, "Cable", "R")
            assert type(app.screen).__name__ == "ConfirmScreen"
            await pilot.press("y")
            await settle(pilot)
            assert [p["status"] for p in crm.sales.for_customer(ann)] == ["refunded"]
            assert crm.customers.profile(ann).totals.order_count == 0
            assert "[refunded]" in shown(app.screen.query_one(DetailList))
            assert "[refunded]" in app.export_screenshot()  # drawn as text, not as markup
            assert "detail.refund" not in offered(app) and "detail.void" in offered(app)
            await act(pilot, "Cable", "v")
            await pilot.press("n")  # asked first: no, and nothing changes
            await settle(pilot)
            assert len(crm.sales.for_customer(ann)) == 1
            await act(pilot, "Cable", "v")
            await pilot.press("y")
            await settle(pilot)
            assert crm.sales.for_customer(ann) == []
            assert "none yet" in shown(app.screen.query_one(DetailList))

    @AT_BOTH_SIZES
    async def test_a_note_is_pinned_and_feedback_resolved(self, crm: Crm, ann: int,
                                                          size: tuple[int, int]) -> None:
        app = make_app(crm)
        async with app.run_test(size=size) as pilot:
            await open_360(pilot)
            await act(pilot, "Prefers mornings", "P")
            assert crm.customers.notes(ann)[0]["pinned"] is True
            assert shown(app.screen.query_one(DetailList)).lstrip().startswith("pinned")
            await act(pilot, "Late parcel", "c")
            assert crm.feedback.for_customer(ann)[0]["resolved"] is True
            assert "detail.resolve" not in offered(app)

    @AT_BOTH_SIZES
    async def test_a_deal_opens_on_the_board_and_escape_comes_back(
            self, crm: Crm, ann: int, size: tuple[int, int]) -> None:
        app = make_app(crm)
        async with app.run_test(size=size) as pilot:
            await open_360(pilot)
            await act(pilot, "Cables for HQ", "B")
            board = app.screen
            assert isinstance(board, PipelineScreen) and board.view.customer_id == ann
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.focused, DetailList)
            assert "Cables for HQ" in shown(app.focused)

    @AT_BOTH_SIZES
    async def test_enter_opens_the_record_in_its_form(self, crm: Crm, ann: int,
                                                      size: tuple[int, int]) -> None:
        task = crm.tasks.for_customer(ann)[0]
        app = make_app(crm)
        async with app.run_test(size=size) as pilot:
            await open_360(pilot)
            await act(pilot, "Send the invoice", "enter")
            form = app.screen
            assert type(form).__name__ == "TaskForm"
            assert (form.record_id, form.customer_id) == (task["id"], ann)  # type: ignore[attr-defined]
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.focused, DetailList)
            assert "Send the invoice" in shown(app.focused)
            await pilot.press("home")  # a profile line: the customer's own form
            await act(pilot, "ann@acme.example", "enter")
            assert type(app.screen).__name__ == "CustomerForm"
            assert app.screen.customer_id == ann  # type: ignore[attr-defined]

    @AT_BOTH_SIZES
    async def test_only_the_keys_that_fit_are_offered(self, crm: Crm, ann: int,
                                                      size: tuple[int, int]) -> None:
        app = make_app(crm)
        async with app.run_test(size=size) as pilot:
            await open_360(pilot)
            await select(pilot, "Cable")
            assert offered(app) >= {"detail.void", "detail.refund", "detail.copy"}
            assert not offered(app) & {"detail.done", "detail.pin", "detail.board"}
            await pilot.press("c")  # a purchase is not done: the key does nothing here
            await settle(pilot)
            assert crm.tasks.for_customer(ann)[0]["status"] == "open"


class TestMoving:
    @AT_BOTH_SIZES
    async def test_escape_gives_the_focus_back(self, crm: Crm, ann: int,
                                               size: tuple[int, int]) -> None:
        app = make_app(crm)
        async with app.run_test(size=size) as pilot:
            await open_360(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.focused, CustomerTable)
            assert app.screen.query_one(CustomerTable).current_id == ann

    @AT_BOTH_SIZES
    async def test_more_expands_the_section(self, crm: Crm, ann: int,
                                            size: tuple[int, int]) -> None:
        for day in range(1, 11):
            crm.sales.record({"customer_id": ann, "item": f"Plug {day}", "total": "5",
                              "date": f"2026-05-{day:02}"})
        app = make_app(crm)
        async with app.run_test(size=size) as pilot:
            entries = await open_360(pilot)
            await select(pilot, "… and 3 more")
            await pilot.press("enter")
            await settle(pilot)
            assert rows_of(entries, "purchases") == 11 and "more" not in shown(entries)
            assert "Plug 3" in shown(entries)  # the first it uncovered (newest first)
            crm.tasks.create({"customer_id": ann, "title": "Call back"})
            app.data_changed()  # a change elsewhere: the section stays open
            await settle(pilot)
            assert rows_of(entries, "purchases") == 11

    @AT_BOTH_SIZES
    async def test_brackets_jump_between_sections(self, crm: Crm, ann: int,
                                                  size: tuple[int, int]) -> None:
        app = make_app(crm)
        async with app.run_test(size=size) as pilot:
            entries = await open_360(pilot)
            await pilot.press("right_square_bracket")
            assert (entries.highlighted_option.id or "").startswith("standing:")  # type: ignore[union-attr]
            await pilot.press("right_square_bracket", "right_square_bracket")
            assert (entries.highlighted_option.id or "").startswith("preferences:")  # type: ignore[union-attr]
            await pilot.press("left_square_bracket")
            assert (entries.highlighted_option.id or "").startswith("addresses:")  # type: ignore[union-attr]


class TestCopy:
    @AT_BOTH_SIZES
    async def test_y_copies_the_selected_value_or_the_email(self, crm: Crm, ann: int,
                                                            size: tuple[int, int]) -> None:
        app = make_app(crm)
        async with app.run_test(size=size) as pilot:
            await open_360(pilot)
            await act(pilot, "Send the invoice", "y")
            assert app.clipboard == "Send the invoice"
            assert last_notice(app) == "Copied task: Send the invoice"
            await act(pilot, "none yet", "y")  # no record: the customer's email
            assert app.clipboard == "ann@acme.example"
            assert last_notice(app) == "Copied email: ann@acme.example"


@AT_BOTH_SIZES
def test_the_360_view_looks_right(demo: Crm, snap_compare: Any, size: tuple[int, int]) -> None:
    """The demo customer with an overdue task and the most purchases, on the 360 screen:
    the purchases expanded, then the overdue task selected (its keys in the footer)."""
    late = {t["customer_id"] for t in demo.tasks.agenda().overdue if t.get("customer_id")}
    who = max(late, key=lambda c: (len(demo.sales.for_customer(c)), -c))

    async def expand_then_select_the_task(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.push_screen(CustomerDetailScreen(who))
        await settle(pilot)
        await pilot.press(*["right_square_bracket"] * 5, *["down"] * 8)  # "… and N more"
        assert "more" in shown(pilot.app.screen.query_one(DetailList))
        await pilot.press("enter", *["right_square_bracket"] * 3)  # interactions, deals, tasks
        await settle(pilot)
        assert "overdue" in shown(pilot.app.screen.query_one(DetailList))

    assert snap_compare(make_app(demo), terminal_size=size,
                        run_before=expand_then_select_the_task)
