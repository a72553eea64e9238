"""The dashboard's key figures: collected together, worded for KPI cards, and the cards.

`collect_figures` reads every figure from the analytics and segment services into a plain
`DashboardFigures` (numbers and labels, no widgets); the first call of a session builds the
aggregates behind them from the tables, so the dashboard calls it in a thread worker.
`kpi_texts` words the figures for the cards, each saying what it counts: the customer
status ("Status: active"), the month to date against the same days of last month, whose
follow-ups (the team's). A `KpiCard` shows a label, a big value and a note whose tone
(good, bad or plain) is a CSS class, so its color comes from the theme ($success /
$error); a note may come in a long and a short wording, and the card shows the longest
that fits its width.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from crm_tui.domain import dates
from crm_tui.domain.money import display_money
from crm_tui.domain.rules.analytics import MonthToDate, month_to_date
from crm_tui.services.crm import Crm
from crm_tui.services.to_do import team_counts

from .badges import lifecycle_label

Rows = tuple[tuple[str, int], ...]
Tone = Literal["good", "bad", "plain"]
TONES: tuple[Tone, ...] = ("good", "bad", "plain")
Note = str | tuple[str, ...]  # one wording, or several, longest first
TREND_DAYS = 30


@dataclass(frozen=True)
class DashboardFigures:
    """Everything the dashboard shows, as plain values (money in cents)."""

    as_of: dt.date
    customers: int
    active: int  # by status
    buyers: int  # with an order
    average_ltv_cents: int | None
    total_ltv_cents: int
    revenue_by_day: Rows  # the last TREND_DAYS days, oldest first ("YYYY-MM-DD", cents)
    revenue_by_month: Rows  # the last 12 months, this one last ("YYYY-MM", cents)
    month_to_date: MonthToDate
    repeat_rate: float | None
    retention_rate: float | None
    weighted_cents: int
    open_deals: int
    team_due: int  # the team's open tasks and follow-ups due on the day
    team_overdue: int
    lifecycle: Rows
    rfm: Rows
    top_customers: Rows
    channels: Rows
    products: Rows
    stages: Rows
    seconds: float  # how long collecting took


def collect_figures(crm: Crm, as_of: dt.date | None = None) -> DashboardFigures:
    """Every dashboard figure, from the session's kept aggregates and segment counts (the
    first call of a session builds them from the tables: call it in a worker)."""
    started = time.perf_counter()
    day = crm.ctx.as_of(as_of)
    analytics = crm.analytics
    people = analytics.customer_figures(day, top=10)
    summary = people.summary
    pipeline = analytics.pipeline(day)
    team = team_counts(crm, day)
    segments = crm.segments.counts(day)
    # The days of the last 12 months (last month's among them) serve both trends and the
    # month to date, summed by month for the monthly chart.
    first = dates.add_months(day.replace(day=1), -11)
    daily = analytics.revenue_by_day(day, days=(day - first).days + 1)
    monthly: dict[str, int] = {}
    for key, cents in daily.items():
        monthly[key[:7]] = monthly.get(key[:7], 0) + cents
    return DashboardFigures(
        as_of=day,
        customers=summary.total,
        active=summary.active,
        buyers=people.buyers,
        average_ltv_cents=summary.average_ltv_cents,
        total_ltv_cents=summary.total_ltv_cents,
        revenue_by_day=tuple(daily.items())[-TREND_DAYS:],
        revenue_by_month=tuple(monthly.items()),
        month_to_date=month_to_date(daily, day),
        repeat_rate=people.repeat_rate,
        retention_rate=analytics.retention_rate(as_of=day),
        weighted_cents=pipeline.summary.weighted_cents,
        open_deals=pipeline.summary.open_count,
        team_due=team.due,
        team_overdue=team.overdue,
        lifecycle=tuple((lifecycle_label(s.name), s.count) for s in segments
                        if s.kind == "lifecycle"),
        rfm=tuple((s.name, s.count) for s in segments if s.kind == "rfm"),
        top_customers=tuple((c.name, c.ltv_cents) for c in people.top),
        channels=tuple(analytics.interactions_by_channel(as_of=day).items()),
        products=tuple((p.name, p.revenue_cents)
                       for p in analytics.revenue_by_product(as_of=day)[:10]),
        stages=tuple(pipeline.value_by_stage.items()),
        seconds=time.perf_counter() - started,
    )


# ----- wording -------------------------------------------------------------------------
def compact_money(cents: int) -> str:
    """Short dollars for notes and chart axes, three figures at most: 480000 -> "$4.8k",
    10840000 -> "$108k", 123456789 -> "$1.2M"."""
    sign = "-" if cents < 0 else ""
    dollars = abs(cents) / 100  # display only: the figure itself stays exact cents
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if dollars >= limit * 0.9995:  # what rounds to 1 of the unit is shown in it
            value = dollars / limit
            text = f"{value:.1f}".removesuffix(".0") if value < 99.95 else f"{value:.0f}"
            return f"{sign}${text}{suffix}"
    return f"{sign}${dollars:,.0f}"


def percent(rate: float | None) -> str:
    """A rate in [0, 1] as "42.5%"; an empty denominator as an em dash (not 0%)."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def month_name(key: str) -> str:
    """ "2026-06" -> "Jun" """
    return dt.date.fromisoformat(f"{key}-01").strftime("%b")


def day_span(first: dt.date, last: dt.date) -> str:
    """ "Nov 1–7", or "Nov 1" for a single day."""
    days = f"{first.day}" if first == last else f"{first.day}–{last.day}"
    return f"{first:%b} {days}"


def revenue_note(m: MonthToDate) -> tuple[Note, Tone]:
    """This month so far against the same days of last month, an arrow for the way it
    went (the arrow, not only the color, says it: NO_COLOR)."""
    this, last = m.revenue_cents, m.previous_cents
    tone: Tone
    arrow, tone = ("▲ ", "good") if this > last else ("▼ ", "bad") if this < last else ("", "plain")
    span = f"{day_span(m.previous_start, m.previous_end)} {compact_money(last)}"
    return (f"{arrow}vs {span}", f"{arrow}{span}"), tone


# (card id, label): the labels fit a card at 80x24 (17 columns), and say what is counted.
KPIS = (("customers", "Customers"), ("active", "Status: active"), ("ltv", "Average LTV"),
        ("revenue", "Month to date"), ("repeat", "Repeat rate"),
        ("retention", "Retention 30 d"), ("forecast", "Forecast"),
        ("follow-ups", "Due today (team)"))


def kpi_texts(f: DashboardFigures) -> dict[str, tuple[str, Note, Tone]]:
    """Each card's (value, note, tone)."""
    share = f.active / f.customers if f.customers else None
    ltv = "—" if f.average_ltv_cents is None else display_money(f.average_ltv_cents)
    return {
        "customers": (f"{f.customers:,}", (f"{f.buyers:,} have bought", f"{f.buyers:,} bought"),
                      "plain"),
        "active": (f"{f.active:,}", f"{percent(share)} of all", "plain"),
        "ltv": (ltv, f"total {compact_money(f.total_ltv_cents)}", "plain"),
        "revenue": (display_money(f.month_to_date.revenue_cents),
                    *revenue_note(f.month_to_date)),
        "repeat": (percent(f.repeat_rate), "2+ orders/buyers", "plain"),
        "retention": (percent(f.retention_rate), "bought again", "plain"),
        "forecast": (display_money(f.weighted_cents), f"{f.open_deals:,} open deals", "plain"),
        "follow-ups": (f"{f.team_due:,}", f"{f.team_overdue:,} overdue",
                       "bad" if f.team_overdue else "plain"),
    }


# ----- the card ------------------------------------------------------------------------
class KpiCard(Vertical):
    """One figure: label on top, value in bold, a note (muted, or colored by its tone)."""

    DEFAULT_CSS = """
    KpiCard { height: 3; width: 1fr; padding: 0 1; background: $boost;
              border-left: outer $primary; }
    KpiCard > .kpi-label { color: $text-muted; width: 1fr; }
    KpiCard > .kpi-value { text-style: bold; color: $text; width: 1fr; }
    KpiCard > .kpi-note { color: $text-muted; width: 1fr; }
    KpiCard.-good > .kpi-note { color: $success; }
    KpiCard.-bad > .kpi-note { color: $error; }
    """

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.value = "…"
        self.note = ""
        self._notes: tuple[str, ...] = ("",)

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="kpi-label")
        yield Label(self.value, classes="kpi-value")
        yield Label(self.note, classes="kpi-note")

    def show(self, value: str, note: Note = "", tone: Tone = "plain") -> None:
        self.value = value
        self._notes = (note,) if isinstance(note, str) else note
        self.query_one(".kpi-value", Label).update(value)
        self._fit_note()
        for name in TONES:
            self.set_class(name == tone, f"-{name}")

    def on_resize(self) -> None:
        self._fit_note()

    def _fit_note(self) -> None:
        """The longest wording that fits the card (the shortest before it is laid out)."""
        width = self.content_size.width
        self.note = next((n for n in self._notes if cell_len(n) <= width), self._notes[-1])
        self.query_one(".kpi-note", Label).update(self.note)
