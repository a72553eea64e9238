"""The segments and products lists go to their first and last rows on the keys the
customers table and the other lists use (home/g, end/G), scrolled into view."""

from __future__ import annotations

import pytest

from crm_tui.services.crm import Crm
from crm_tui.tui.screens.products import ProductsScreen
from crm_tui.tui.screens.record_list import RecordListScreen, RecordTable
from crm_tui.tui.screens.segments import SegmentsScreen

from .conftest import AT_BOTH_SIZES, make_app, settle


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
