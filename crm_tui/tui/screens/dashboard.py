"""Dashboard: KPI cards and charts of the business, as of the session's today.

Every figure is gathered by `collect_figures` (widgets/kpi.py) in one thread worker into a
plain `DashboardFigures`; the screen only words and draws them. On 100,000 customers the
scans take a while, so the screen keeps working meanwhile (a loading indicator shows), and
data changes are folded into at most one computation a second.

At 80x24 the KPI cards and one chart show (`[` / `]` or tab cycle the charts); from
110x36 the charts sit in a grid. `m` switches the revenue trend between 30 days and
12 months; `r` refreshes (a scan runs only if something was committed or the day changed).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Header, LoadingIndicator, Static
from textual.worker import Worker, WorkerState, get_current_worker

from crm_tui.services.crm import Crm
from crm_tui.tui.messages import DashboardComputed
from crm_tui.tui.widgets.charts import Chart, ChartData
from crm_tui.tui.widgets.footer import Footer
from crm_tui.tui.widgets.kpi import (
    KPIS,
    DashboardFigures,
    KpiCard,
    collect_figures,
    kpi_texts,
    month_name,
)

from .base import CrmScreen

GRID_SIZE = (110, 36)  # columns, lines from which every chart shows at once
Stamp = tuple[int, dt.date]  # (database generation, as-of day) of a computation

# (widget id, tab name, title, figure); the revenue chart's figure depends on a key (m).
CHARTS = (
    ("revenue", "Revenue", "Revenue, last 30 days", "revenue_by_day"),
    ("top", "Top 10", "Top 10 customers by LTV", "top_customers"),
    ("lifecycle", "Lifecycle", "Lifecycle segments", "lifecycle"),
    ("rfm", "RFM", "RFM segments", "rfm"),
    ("channels", "Channels", "Interactions by channel", "channels"),
    ("products", "Products", "Revenue by product", "products"),
    ("stages", "Pipeline", "Pipeline value by stage", "stages"),
)
MONEY = {"top_customers", "products", "stages"}


def chart_data(f: DashboardFigures, title: str, field: str, months: bool) -> ChartData:
    """What one chart shows of the figures (the trend's x labels: "MM-DD" or "Jun")."""
    if field != "revenue_by_day":
        return ChartData(title, getattr(f, field), money=field in MONEY)
    if months:
        rows = tuple((month_name(k), v) for k, v in f.revenue_by_month)
        return ChartData("Revenue, last 12 months", rows, money=True, kind="trend")
    rows = tuple((k[5:], v) for k, v in f.revenue_by_day)
    return ChartData(title, rows, money=True, kind="trend")


class DashboardScreen(CrmScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right_square_bracket", "cycle(1)", "Next chart", id="dashboard.next"),
        Binding("left_square_bracket", "cycle(-1)", "Prev chart", id="dashboard.previous"),
        # Tab too (nothing here takes focus); listed once in the footer, under [ and ].
        Binding("tab", "cycle(1)", "Next chart", show=False, id="dashboard.next_tab"),
        Binding("shift+tab", "cycle(-1)", "Prev chart", show=False,
                id="dashboard.previous_tab"),
        Binding("m", "toggle_months", "Days/months", id="dashboard.months"),
        Binding("r", "recompute", "Refresh", id="dashboard.refresh"),
    ]
    REFRESH_GAP = 1.0  # seconds: data changes start at most one computation this often

    def __init__(self) -> None:
        super().__init__()
        self.figures: DashboardFigures | None = None
        self.current = 0  # the chart shown when they do not all fit
        self.months = False
        self._busy = False
        self._again = False
        self._last_start = -self.REFRESH_GAP
        self._timer: Timer | None = None
        self._stamp: Stamp | None = None  # what the figures shown were computed for

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="dash-body"):
            with Grid(id="kpis"):
                for key, label in KPIS:
                    yield KpiCard(label, id=f"kpi-{key}")
            with Horizontal(id="dash-status"):
                yield Static("", id="chart-tabs")
                yield LoadingIndicator(id="busy")
                yield Static("", id="as-of")
            with Grid(id="charts"):
                for key, *_ in CHARTS:
                    yield Chart(id=f"chart-{key}")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Dashboard"
        self.query_one("#dash-body").loading = True  # nothing to show until the first figures
        self._show_current()

    def on_resize(self) -> None:
        wide, tall = GRID_SIZE
        self.set_class(self.size.width >= wide and self.size.height >= tall, "-grid")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cycle":
            return not self.has_class("-grid")  # hidden while every chart is on screen
        return True

    # ----- computing ---------------------------------------------------------------------
    def refresh_data(self) -> None:
        """Recompute, at most once per REFRESH_GAP: a burst of changes gives one run."""
        if self._stamp is not None and self._stamp == (self.crm.db.generation,
                                                       self.crm.ctx.as_of()):
            return  # nothing committed since the figures on screen (a stat, no scan)
        if self._busy:
            self._again = True  # once this run ends: its scan may have missed the change
            return
        wait = self._last_start + self.REFRESH_GAP - time.monotonic()
        if wait > 0:
            if self._timer is None:
                self._timer = self.set_timer(wait, self._timer_done)
            return
        self._last_start = time.monotonic()
        self._busy = True
        self.query_one("#busy").display = True
        self.compute(self.crm, self._stamp)

    def _timer_done(self) -> None:
        self._timer = None
        self.refresh_data()

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def compute(self, crm: Crm, known: Stamp | None) -> None:
        """All the scanning, off the UI thread; only the plain figures come back. Nothing
        committed and the same day: the figures stand (a screen is resumed twice when
        first shown, and each refresh request cannot tell whether anything changed)."""
        stamp = (crm.db.generation, crm.ctx.as_of())
        figures = None if stamp == known else collect_figures(crm)
        if not get_current_worker().is_cancelled:
            self.post_message(DashboardComputed(stamp, figures))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A scan that failed (say, a database file gone bad) is reported, not fatal."""
        if event.worker.group == "dashboard" and event.state == WorkerState.ERROR:
            self._computed(self._stamp, None)
            self.notify(f"Dashboard figures not computed: {event.worker.error}",
                        title="Dashboard", severity="error", timeout=10)

    def on_dashboard_computed(self, message: DashboardComputed) -> None:
        self._computed(message.stamp, message.figures)

    def _computed(self, stamp: Stamp | None, figures: DashboardFigures | None) -> None:
        self._busy = False
        self._stamp = stamp
        self.query_one("#busy").display = False
        self.query_one("#dash-body").loading = False
        if figures is not None:
            self._show_figures(figures)
        if self._again:
            self._again = False
            self.refresh_data()

    # ----- showing -----------------------------------------------------------------------
    def _show_figures(self, figures: DashboardFigures) -> None:
        self.figures = figures
        self.log.info(f"dashboard figures in {figures.seconds:.3f} s")
        for key, (value, note, tone) in kpi_texts(figures).items():
            self.query_one(f"#kpi-{key}", KpiCard).show(value, note, tone)
        self.query_one("#as-of", Static).update(f"as of {figures.as_of.isoformat()}")
        self._show_charts()

    def _show_charts(self) -> None:
        if self.figures is None:
            return
        for key, _, title, field in CHARTS:
            chart = self.query_one(f"#chart-{key}", Chart)
            chart.show(chart_data(self.figures, title, field, self.months))

    def _show_current(self) -> None:
        names = []
        for i, (key, name, *_) in enumerate(CHARTS):
            self.query_one(f"#chart-{key}").set_class(i == self.current, "-current")
            names.append(f"[reverse] {name} [/]" if i == self.current else f" {name} ")
        self.query_one("#chart-tabs", Static).update("".join(names))

    # ----- keys --------------------------------------------------------------------------
    def action_cycle(self, step: int) -> None:
        self.current = (self.current + step) % len(CHARTS)
        self._show_current()

    def action_toggle_months(self) -> None:
        self.months = not self.months
        self._show_charts()

    def action_recompute(self) -> None:
        self.refresh_data()
