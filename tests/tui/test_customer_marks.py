"""Marking customers, bulk actions on the marked, saved views and the filter line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Static

from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import ListQuery
from crm_tui.tui.screens.ask import ChoiceDialog, TextDialog
from crm_tui.tui.screens.confirm import ConfirmScreen
from crm_tui.tui.screens.customers import CustomersScreen
from crm_tui.tui.widgets.customer_table import CustomerTable

from .conftest import AT_BOTH_SIZES, NARROW, WIDE, SnapCompare, make_app, settle


def customers(app: Any) -> CustomersScreen:
    screen = app.screen
    assert isinstance(screen, CustomersScreen)
    return screen


def text_of(app: Any, selector: str) -> str:
    return str(customers(app).query_one(selector, Static).render())


async def choose(pilot: Any, choice: str) -> None:
    """In the open ChoiceDialog, the option `choice`, then enter."""
    dialog = pilot.app.screen
    assert isinstance(dialog, ChoiceDialog)
    listing = dialog.query_one(OptionList)
    listing.highlighted = listing.get_option_index(choice)
    await pilot.press("enter")
    await settle(pilot)


async def answer(pilot: Any, text: str) -> None:
    """In the open TextDialog, replace the value by `text`, then enter."""
    dialog = pilot.app.screen
    assert isinstance(dialog, TextDialog)
    dialog.query_one(Input).value = text
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("size", [NARROW, WIDE])
async def test_space_and_shift_arrows_mark_by_customer(crm: Crm, people: dict[str, int],
                                                       size: tuple[int, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = customers(app)
        table = screen.query_one(CustomerTable)
        assert table.ids == [people["ann"], people["bob"], people["cyan"]]
        await pilot.press("space")  # Ann marked, the cursor on to Bob
        assert screen.marks == {people["ann"]} and table.cursor == 1
        await pilot.press("space")  # Bob too
        await pilot.press("up", "space")  # Bob unmarked again
        assert screen.marks == {people["ann"]}
        assert table.cursor == 2
        await pilot.press("up", "shift+down")  # Bob and Cyan
        assert screen.marks == set(people.values())
        assert "3 marked" in text_of(app, "#count")
        assert table.render_line(1).text.startswith("✓ Ann Lee")
        await pilot.press("C")
        assert not screen.marks and "marked" not in text_of(app, "#count")
        assert table.render_line(1).text.startswith("Ann Lee")


async def test_marks_survive_sorts_and_searches(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = customers(app)
        await pilot.press("space")  # Ann
        await pilot.press("S")  # reversed: Ann is last now
        await settle(pilot)
        table = screen.query_one(CustomerTable)
        assert table.ids[-1] == people["ann"] and screen.marks == {people["ann"]}
        assert table.render_line(3).text.startswith("✓ Ann Lee")
        await pilot.press("slash", *"stone", "enter")
        await settle(pilot)
        assert table.ids == [people["bob"]] and screen.marks == {people["ann"]}
        assert screen.bulk_targets() == [people["ann"]]


async def test_mark_all_matching_marks_what_the_search_lists(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = customers(app)
        await pilot.press("slash", *"example", "enter")
        await settle(pilot)
        await pilot.press("M")
        assert screen.marks == set(screen.query_one(CustomerTable).ids) == set(people.values())
        await pilot.press("slash", *"ann", "enter")  # narrower, marks stay
        await settle(pilot)
        await pilot.press("C", "M")
        assert screen.marks == {people["ann"]}


async def test_bulk_tag_through_the_dialog_is_one_undo(crm: Crm,
                                                       people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "b")  # Ann and Bob
        await settle(pilot)
        assert "2 customers" in str(app.screen.query_one(".title", Static).render())
        await choose(pilot, "tag")
        await answer(pilot, "promo")
        assert isinstance(app.screen, CustomersScreen)
        tags = {name: crm.customers.get(i).get("tags") for name, i in people.items()}
        assert tags == {"ann": ["newsletter", "promo"], "bob": ["promo"],
                        "cyan": ["vip", "b2b"]}
        assert crm.changes.undo_labels[0] == "Tag 2 customers with promo"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert crm.customers.get(people["ann"])["tags"] == ["newsletter"]
        assert crm.customers.get(people["bob"])["tags"] == []


async def test_bulk_status_acts_on_the_cursor_row_when_none_is_marked(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("down", "b")  # Bob
        await settle(pilot)
        await choose(pilot, "status")
        await choose(pilot, "inactive")
        assert [crm.customers.get(i)["status"] for i in people.values()] == [
            "active", "inactive", "active"]


async def test_delete_of_the_marked_asks_with_the_count(crm: Crm,
                                                        people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question.startswith("Delete 2 customers?")
        await pilot.press("n")
        await settle(pilot)
        assert len(list(crm.customers.all())) == 3
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert [c["id"] for c in crm.customers.all()] == [people["cyan"]]
        assert not customers(app).marks
        assert customers(app).query_one(CustomerTable).ids == [people["cyan"]]


async def test_export_the_marked_to_a_csv(crm: Crm, people: dict[str, int],
                                          tmp_path: Path) -> None:
    target = tmp_path / "marked.csv"
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("down", "space", "space", "b")  # Bob and Cyan
        await settle(pilot)
        await choose(pilot, "export")
        assert app.screen.query_one(Input).value == "~/crm-export-2026-06-15.csv"
        await answer(pilot, str(target))
    lines = target.read_text().splitlines()
    assert lines[0].startswith("id,external_id,name,")
    assert [line.split(",")[0] for line in lines[1:]] == [str(people["bob"]),
                                                          str(people["cyan"])]


async def test_escape_clears_the_segments_members_filter(crm: Crm,
                                                         people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert app.screen.select("lifecycle:vip")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        table = customers(app).query_one(CustomerTable)
        assert table.ids == [people["cyan"]]
        line = text_of(app, "#filters")
        assert line.startswith("Filtered: segment lifecycle: vip") and "escape clears" in line
        await pilot.press("escape")
        await settle(pilot)
        assert len(table.ids) == 3 and customers(app).query_state == ListQuery()
        assert table.current_id == people["cyan"]  # the cursor stays on the customer
        assert not customers(app).query_one("#filters").display


async def test_escape_clears_search_and_filters_but_keeps_the_sort(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = customers(app)
        await pilot.press("S", "slash", *"e", "enter")
        await settle(pilot)
        screen.apply_query(ListQuery(text="e", tag="vip", descending=True))
        await settle(pilot)
        assert screen.query_one(CustomerTable).ids == [people["cyan"]]
        assert text_of(app, "#filters") == (
            "Filtered: search \u201ce\u201d · tag vip — sorted by Name▼ — escape clears")
        await pilot.press("escape")
        await settle(pilot)
        assert screen.query_state == ListQuery(descending=True)
        assert screen.query_one("#search", Input).value == ""


async def test_saved_views_from_the_palette(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = customers(app)
        screen.apply_query(ListQuery(tag="vip", sort="spent", descending=True))
        await settle(pilot)
        await pilot.press("ctrl+p", *"view: save")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await answer(pilot, "Big ones")
        assert crm.views.get("big ones").query == screen.query_state
        assert text_of(app, "#filters").startswith("View Big ones: tag vip")
        await pilot.press("escape")
        await settle(pilot)
        assert screen.query_state == ListQuery(sort="spent", descending=True)
        await pilot.press("ctrl+p", *"view: big")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_state == crm.views.get("Big ones").query
        await pilot.press("ctrl+p", *"view: delete big")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert crm.views.all() == []
        assert screen.query_one(CustomerTable).ids == [people["cyan"]]


@AT_BOTH_SIZES
def test_marks_and_the_filter_line_look_right(crm: Crm, people: dict[str, int],
                                              snap_compare: SnapCompare,
                                              size: tuple[int, int]) -> None:
    async def mark_and_filter(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.screen.apply_query(ListQuery(text="example", status="active",
                                               sort="spent", descending=True))
        await settle(pilot)
        await pilot.press("home", "space", "space")  # the two biggest spenders
        await settle(pilot)

    assert snap_compare(make_app(crm), terminal_size=size, run_before=mark_and_filter)
