"""The segments and products lists: their first and last rows on the keys the customers
table and the other lists use (home/g, end/G), scrolled into view; figures too wide for
their column widen it rather than being cut short; a summary line too long for the screen
wraps rather than being cut."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pytest
from textual.widgets import Static

from crm_tui.services.crm import Crm
from crm_tui.tui.screens import feedback
from crm_tui.tui.screens.products import ProductsScreen
from crm_tui.tui.screens.record_list import Listing, RecordListScreen, RecordTable
from crm_tui.tui.screens.segments import SegmentsScreen

from .conftest import AT_BOTH_SIZES, NARROW, cell, make_app, settle


@AT_BOTH_SIZES
@pytest.mark.parametrize("screen_key,kind", [("5", SegmentsScreen), ("6", ProductsScreen)],
                         ids=["segments", "products"])
async def test_first_and_last_row_keys(demo: Crm, size: tuple[int, int], screen_key: str,
                                       kind: type[RecordListScreen]) -> None:
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press(screen_key)
        await settle(pilot)
        assert isinstance(app.screen, kind)
        table = app.screen.query_one(RecordTable)
        last = table.row_count - 1
        assert last > 10
        for key, row in (("end", last), ("home", 0), ("G", last), ("g", 0)):
            await pilot.press(key)
            await settle(pilot)
            assert table.cursor_row == row, key
            assert table.scroll_y == (table.max_scroll_y if row else 0), key  # in view


@AT_BOTH_SIZES
async def test_big_figures_are_never_cut_short(crm: Crm, people: dict[str, int],
                                               size: tuple[int, int]) -> None:
    oil = crm.products.create({"name": "Argan Oil (100 ml)", "category": "Beauty",
                               "price": "29"})
    crm.sales.record({"customer_id": people["ann"], "product_id": oil, "quantity": 364479,
                      "date": "2026-06-02"})
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        screen = app.screen
        key = str(oil)
        assert cell(screen, key, "Sold") == "364,479"
        assert cell(screen, key, "Revenue") == "$10,569,891.00"
        assert cell(screen, key, "Product").startswith("Argan Oil")
        table = screen.query_one(RecordTable)
        assert sum(column.get_render_width(table) for column in table.columns.values()) <= (
            size[0])  # still no sideways scroll


async def test_a_summary_too_long_for_one_line_takes_two(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    # At 100k customers the segments' summary is 82 characters long.
    fetch = SegmentsScreen.fetch

    def at_100k(screen: SegmentsScreen, theme: Mapping[str, str]) -> Listing:
        listing = fetch(screen, theme)
        return replace(listing, summary=str(listing.summary).replace("3 ", "100,000 ", 1))

    monkeypatch.setattr(SegmentsScreen, "fetch", at_100k)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        summary = app.screen.query_one("#list-summary", Static)
        words = str(summary.render())
        assert words.startswith("100,000 customers") and words.endswith("first match wins")
        assert summary.size.height == 2  # wrapped, not cut at the screen's edge


async def test_the_feedback_summary_wraps_too(crm: Crm, people: dict[str, int],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # At 100k customers: every count has thousands.
    long = ("NPS +25 · promoters 7,461, passives 4,138, detractors 3,641 · 9,321 open of "
            "19,240")
    monkeypatch.setattr(feedback, "summary_line", lambda inbox: long)
    crm.feedback.submit({"customer_id": people["ann"], "rating": 5})
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        summary = app.screen.query_one("#list-summary", Static)
        assert str(summary.render()) == long and summary.size.height == 2
