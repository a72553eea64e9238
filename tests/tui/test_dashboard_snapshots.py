"""Dashboard snapshots at 80x24 (cards and one chart) and 120x40 (the grid), on fixed data
as of the fixtures' fixed date, so the charts come out the same every run."""

from __future__ import annotations

from typing import Any

import pytest

from crm_tui.services.crm import Crm
from crm_tui.tui.widgets.charts import ChartPlot

from .conftest import NARROW, WIDE, make_app, settle
from .test_dashboard import add_history


@pytest.fixture
def business(crm: Crm, people: dict[str, int]) -> Crm:
    add_history(crm, people)
    return crm


async def open_dashboard(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("escape", "1")  # escape: leave the search box if focus is there
    await settle(pilot)
    # plotext lays out axis labels for the size it is drawn at: draw every chart again
    # now that the grid has its final size, so the picture does not depend on timing.
    for chart in pilot.app.screen.query(ChartPlot):
        chart.refresh()
    await settle(pilot)


class TestDashboardSnapshots:
    def test_80x24_cards_and_one_chart(self, business: Crm, snap_compare: Any) -> None:
        assert snap_compare(make_app(business), terminal_size=NARROW,
                            run_before=open_dashboard)

    def test_80x24_next_chart(self, business: Crm, snap_compare: Any) -> None:
        async def top_customers(pilot: Any) -> None:
            await open_dashboard(pilot)
            await pilot.press("right_square_bracket")
            await pilot.pause()

        assert snap_compare(make_app(business), terminal_size=NARROW,
                            run_before=top_customers)

    def test_120x40_grid(self, business: Crm, snap_compare: Any) -> None:
        async def twelve_months(pilot: Any) -> None:
            await open_dashboard(pilot)
            await pilot.press("m")  # the 12-month trend: the daily one's labels can move
            await settle(pilot)

        assert snap_compare(make_app(business), terminal_size=WIDE, run_before=twelve_months)
