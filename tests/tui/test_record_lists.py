"""The segments and products lists: their first and last rows on the keys the customers
table and the other lists use (home/g, end/G), scrolled into view; figures too wide for
their column widen it rather than being cut short."""

from __future__ import annotations

import pytest

from crm_tui.services.crm import Crm
from crm_tui.tui.screens.products import ProductsScreen
from crm_tui.tui.screens.record_list import RecordListScreen, RecordTable
from crm_tui.tui.screens.segments import SegmentsScreen

from .conftest import AT_BOTH_SIZES, cell, make_app, settle


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
