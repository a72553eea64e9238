"""Sorting the customers by choosing a column: s lists every sortable column with the
current sort marked; choosing the current one reverses it; the header shows the sort."""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList

from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import SORT_KEYS
from crm_tui.tui.screens.sort_picker import SortPicker
from crm_tui.tui.widgets.customer_table import CustomerTable

from .conftest import NARROW, make_app, settle


async def pick(pilot: Any, key: str | None) -> None:
    """s, then the column `key` (None: the highlighted one, the current sort) and enter."""
    await pilot.press("s")
    await settle(pilot)
    picker = pilot.app.screen
    assert isinstance(picker, SortPicker)
    listing = picker.query_one(OptionList)
    if key is not None:
        listing.highlighted = listing.get_option_index(key)
    await pilot.press("enter")
    await settle(pilot)


def names(app: Any) -> list[str]:
    table = app.screen.query_one(CustomerTable)
    return [table._row_of(i).name for i in table.ids]


async def test_choose_a_column_then_again_to_reverse(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("escape", "s")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, SortPicker)
        listing = picker.query_one(OptionList)
        listed = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert sorted(listed) == sorted(SORT_KEYS)  # every sortable column, hidden ones too
        current = listing.highlighted_option
        assert current is not None and current.id == "name"
        assert "Name ▲" in str(current.prompt)
        await pilot.press("j", "j", "k")
        assert listing.highlighted == 1
        await pilot.press("escape")  # leaves the sort as it was
        await settle(pilot)
        assert app.screen.query_state.sort == "name"

        await pick(pilot, "spent")  # money: biggest first
        state = app.screen.query_state
        assert (state.sort, state.descending) == ("spent", True)
        assert names(app) == ["Cyan Corp", "Ann Lee", "Bob Stone"]
        table = app.screen.query_one(CustomerTable)
        assert table.cursor == 0  # the new order from its top, not Ann where she went
        header = app.screen.query_one(CustomerTable).render_line(0).text
        assert "Spent▼" in header and "Name▲" not in header

        await pick(pilot, None)  # the current column again: reversed
        state = app.screen.query_state
        assert (state.sort, state.descending) == ("spent", False)
        assert names(app)[0] == "Bob Stone"
        assert "Spent▲" in app.screen.query_one(CustomerTable).render_line(0).text


async def test_a_sort_with_no_column_on_screen_is_named_in_the_header(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await pick(pilot, "created")  # no column for it at any width
        header = app.screen.query_one(CustomerTable).render_line(0).text
        assert header.rstrip().endswith("by Added▼")
        assert "▲" not in header


def test_the_sort_picker_looks_right(crm: Crm, people: dict[str, int],
                                     snap_compare: Any) -> None:
    async def open_picker(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("escape")
        await pick(pilot, "spent")
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(make_app(crm), terminal_size=NARROW, run_before=open_picker)
