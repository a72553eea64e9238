"""Dashboard: the KPI cards say what the analytics service says, follow new data, cycle
charts at 80x24, and every figure is computed in the "dashboard" thread worker; how it
looks at 80x24 and 120x40."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from rich.text import Text
from textual.color import Color

from crm_tui.domain.money import display_money
from crm_tui.services.crm import Crm
from crm_tui.services.to_do import to_do
from crm_tui.store import StoreError
from crm_tui.tui.screens import dashboard
from crm_tui.tui.screens.dashboard import CHARTS, DashboardScreen
from crm_tui.tui.widgets.charts import Chart, ChartPlot
from crm_tui.tui.widgets.kpi import KpiCard, percent

from ..conftest import AS_OF
from .conftest import NARROW, WIDE, SnapCompare, make_app, settle


def day(offset: int) -> str:
    return (AS_OF + dt.timedelta(days=offset)).isoformat()


def add_history(crm: Crm, people: dict[str, int]) -> None:
    """The fixture's people get a month of history: products, deals, follow-ups, tasks."""
    laptop = crm.products.create({"name": "Laptop", "price": "1200"})
    crm.sales.record({"customer_id": people["ann"], "product_id": laptop, "unit_price": "1200",
                      "date": day(-40)})
    crm.sales.record({"customer_id": people["cyan"], "item": "Support plan", "total": "300",
                      "date": day(-3)})
    crm.pipeline.create({"customer_id": people["cyan"], "name": "Rollout", "value": "10000",
                         "stage": "Proposal"})
    crm.pipeline.create({"customer_id": people["bob"], "name": "Trial", "value": "2000"})
    crm.interactions.log({"customer_id": people["ann"], "channel": "email", "date": day(-2),
                          "follow_up_date": day(0)})
    crm.interactions.log({"customer_id": people["bob"], "channel": "phone", "date": day(-9),
                          "follow_up_date": day(-5)})
    crm.tasks.create({"title": "Send quote", "customer_id": people["cyan"],
                      "due_date": day(-1)})


@pytest.fixture
def business(crm: Crm, people: dict[str, int]) -> dict[str, int]:
    add_history(crm, people)
    return people


def card(app: object, key: str) -> KpiCard:
    return app.screen.query_one(f"#kpi-{key}", KpiCard)  # type: ignore[attr-defined]


async def open_dashboard(pilot: object) -> DashboardScreen:
    await settle(pilot)
    # Escape first: on a slow start the Customers screen may leave focus in its search box,
    # where "1" would be typed rather than open the dashboard.
    await pilot.press("escape", "1")  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, DashboardScreen)
    return screen


async def test_kpi_cards_show_the_analytics_numbers(crm: Crm, business: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_dashboard(pilot)
        analytics = crm.analytics
        people = analytics.customer_figures(AS_OF)
        summary = people.summary
        month = analytics.sales_summary(AS_OF.replace(day=1), as_of=AS_OF).revenue_cents
        pipeline = analytics.pipeline(AS_OF).summary
        team = to_do(crm, "team", AS_OF, days=0)
        assert card(app, "customers").value == f"{summary.total:,}"
        assert card(app, "active").value == f"{summary.active:,}"
        assert card(app, "ltv").value == display_money(summary.average_ltv_cents or 0)
        assert card(app, "revenue").value == display_money(month) == "$320.00"
        assert card(app, "repeat").value == percent(people.repeat_rate)
        assert card(app, "retention").value == percent(analytics.retention_rate(as_of=AS_OF))
        assert card(app, "forecast").value == display_money(pipeline.weighted_cents)
        assert card(app, "forecast").value == "$5,200.00"  # 10,000 x 50% + 2,000 x 10%
        assert (team.due, team.overdue) == (1, 2)
        assert card(app, "follow-ups").value == "1"
        assert card(app, "follow-ups").note == "2 overdue"
        assert card(app, "follow-ups").has_class("-bad")
        # The charts' figures are the service's too.
        figures = screen.figures
        assert figures is not None
        assert figures.revenue_by_day == tuple(analytics.revenue_by_day(AS_OF).items())
        assert figures.revenue_by_month == tuple(analytics.revenue_by_month(AS_OF).items())
        assert figures.top_customers == tuple(
            (c.name, c.ltv_cents) for c in people.top)
        assert dict(figures.channels) == {"email": 1, "phone": 1}
        assert figures.products[0] == ("Server", 480000)


async def test_recording_a_purchase_updates_the_revenue_card(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DashboardScreen, "REFRESH_GAP", 0.0)  # no debounce wait in the test
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await open_dashboard(pilot)
        assert card(app, "revenue").value == "$20.00"
        crm.sales.record({"customer_id": people["bob"], "item": "Dock", "total": "180.50",
                          "date": AS_OF.isoformat()})
        app.data_changed()
        await settle(pilot)
        assert card(app, "revenue").value == "$200.50"
        assert card(app, "customers").value == "3"
        top = app.screen.query_one("#chart-top", Chart).data
        assert top is not None and ("Bob Stone", 18050) in top.rows


def computations(screen: DashboardScreen, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The computations the screen starts from now on, seen by wrapping its worker."""
    started: list[object] = []
    compute = screen.compute

    def counting(*args: Any) -> Any:
        started.append(args)
        return compute(*args)

    monkeypatch.setattr(screen, "compute", counting)
    return started


async def test_changes_within_a_second_start_one_computation(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]  # the screen's clock, moved by hand
    monkeypatch.setattr(dashboard, "time", SimpleNamespace(monotonic=lambda: now[0]))
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_dashboard(pilot)
        started = computations(screen, monkeypatch)
        now[0] += 0.5
        crm.sales.record({"customer_id": people["bob"], "item": "Pen", "total": "3"})
        for _ in range(5):
            screen.refresh_data()
        assert started == []  # none yet: one is due when the second is up
        assert screen._timer is not None
        await settle(pilot)
        assert len(started) <= 1  # the five became at most one


async def test_keys_cycle_the_charts_at_80x24(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_dashboard(pilot)

        def shown() -> list[str]:
            return [c.id or "" for c in screen.query(Chart) if c.display and c.size.height]

        assert shown() == ["chart-revenue"]
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert shown() == ["chart-top"]
        await pilot.press("tab", "tab")
        await pilot.pause()
        assert shown() == ["chart-rfm"]
        await pilot.press("left_square_bracket", "left_square_bracket", "shift+tab", "shift+tab")
        await pilot.pause()
        assert shown() == [f"chart-{CHARTS[-1][0]}"]  # wraps round
        await pilot.press("right_square_bracket", "m")
        await pilot.pause()
        revenue = screen.query_one("#chart-revenue", Chart).data
        assert revenue is not None and len(revenue.rows) == 12  # the monthly trend


async def test_every_chart_shows_at_once_at_120x40(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.has_class("-grid")
        assert all(c.display and c.size.height >= 8 for c in screen.query(Chart))
        await pilot.press("right_square_bracket")  # nothing to cycle: every chart is there
        assert screen.current == 0


async def test_charts_follow_the_theme(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_dashboard(pilot)
        plot = screen.query_one("#chart-revenue").query_one(ChartPlot)
        for theme in ("crm-light", "crm-high-contrast", "crm-dark"):
            app.theme = theme
            await pilot.pause()
            primary = Color.parse(app.theme_variables["primary"]).rgb
            text = plot.render()
            assert isinstance(text, Text)
            bars = {tuple(span.style.color.triplet)  # type: ignore[union-attr]
                    for span in text.spans
                    if "█" in text.plain[span.start:span.end] and span.style.color}  # type: ignore[union-attr]
            assert bars == {primary}, theme


async def test_figures_are_computed_in_the_dashboard_worker_thread(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, bool]] = []
    real = dashboard.collect_figures

    def spy(session: Crm) -> dashboard.DashboardFigures:
        worker = dashboard.get_current_worker()
        seen.append((worker.group, threading.current_thread() is threading.main_thread()))
        return real(session)

    monkeypatch.setattr(dashboard, "collect_figures", spy)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_dashboard(pilot)
        assert seen == [("dashboard", False)]
        assert screen.figures is not None and screen.figures.customers == 3
        assert not screen.query_one("#dash-body").loading


async def test_a_failed_scan_is_reported_not_fatal(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(session: Crm) -> dashboard.DashboardFigures:
        raise StoreError("purchases.json: unreadable at offset 12")

    monkeypatch.setattr(dashboard, "collect_figures", broken)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_dashboard(pilot)
        assert app.is_running and screen.figures is None
        assert not screen.query_one("#dash-body").loading
        assert any("offset 12" in n.message for n in app._notifications)


async def test_nothing_committed_means_no_new_scan(crm: Crm, people: dict[str, int],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_dashboard(pilot)
        started = computations(screen, monkeypatch)
        for _ in range(3):
            screen.refresh_data()
        await settle(pilot)
        assert started == [] and screen._timer is None


# ----- how it looks: 80x24 (cards and one chart) and 120x40 (the grid), on fixed data as of
# the fixtures' fixed date, so the charts come out the same every run ----------------------
async def open_drawn(pilot: Any) -> None:
    screen = await open_dashboard(pilot)
    # plotext lays out axis labels for the size it is drawn at: draw every chart again
    # now that the grid has its final size, so the picture does not depend on timing.
    for chart in screen.query(ChartPlot):
        chart.refresh()
    await settle(pilot)


class TestDashboardSnapshots:
    def test_80x24_cards_and_one_chart(self, crm: Crm, business: dict[str, int],
                                       snap_compare: SnapCompare) -> None:
        assert snap_compare(make_app(crm), terminal_size=NARROW, run_before=open_drawn)

    def test_80x24_next_chart(self, crm: Crm, business: dict[str, int],
                              snap_compare: SnapCompare) -> None:
        async def top_customers(pilot: Any) -> None:
            await open_drawn(pilot)
            await pilot.press("right_square_bracket")
            await pilot.pause()

        assert snap_compare(make_app(crm), terminal_size=NARROW, run_before=top_customers)

    def test_120x40_grid(self, crm: Crm, business: dict[str, int],
                         snap_compare: SnapCompare) -> None:
        async def twelve_months(pilot: Any) -> None:
            await open_drawn(pilot)
            await pilot.press("m")  # the 12-month trend: the daily one's labels can move
            await settle(pilot)

        assert snap_compare(make_app(crm), terminal_size=WIDE, run_before=twelve_months)
