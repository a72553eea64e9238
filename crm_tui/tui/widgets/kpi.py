"""The dashboard's key figures: collected in one scan, worded for KPI cards, and the cards.

`collect_figures` reads every figure from the analytics and segment services into a plain
`DashboardFigures` (numbers and labels, no widgets): it scans the whole database, so the
dashboard calls it in a thread worker. `kpi_texts` words the figures for the cards; a
`KpiCard` shows a label, a big value and a note whose tone (good, bad or plain) is a CSS
class, so its color comes from the theme ($success / $error).
"""

from __future__ import annotations

import calendar
import datetime as dt
import time
from dataclasses import dataclass
from typing import Literal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from crm_tui.domain import dates
from crm_tui.domain.money import display_money
from crm_tui.services.crm import Crm

from .badges import lifecycle_label

Rows = tuple[tuple[str, int], ...]
Tone = Literal["good", "bad", "plain"]
TONES: tuple[Tone, ...] = ("good", "bad", "plain")
TREND_DAYS = 30


@dataclass(frozen=True)
class DashboardFigures:
    """Everything the dashboard shows, as plain values (money in cents)."""

    as_of: dt.date
    customers: int
    active: int
    average_ltv_cents: int | None
    total_ltv_cents: int
    revenue_by_day: Rows  # the last TREND_DAYS days, oldest first ("YYYY-MM-DD", cents)
    revenue_by_month: Rows  # the last 12 months, this one last ("YYYY-MM", cents)
    repeat_rate: float | None
    retention_rate: float | None
    weighted_cents: int
    open_deals: int
    follow_ups_due: int
    follow_ups_overdue: int
    lifecycle: Rows
    rfm: Rows
    top_customers: Rows
    channels: Rows
    products: Rows
    stages: Rows
    seconds: float  # how long collecting took


def collect_figures(crm: Crm, as_of: dt.date | None = None) -> DashboardFigures:
    """Scan the database for every dashboard figure (slow on big data: call it in a worker)."""
    started = time.perf_counter()
    day = crm.ctx.as_of(as_of)
    analytics = crm.analytics
    analytics.preload()
    summary = analytics.customer_summary(day)
    pipeline = analytics.pipeline(day)
    follow_ups = analytics.follow_ups(day)
    segments = crm.segments.counts(day)
    # One pass over purchases for both trends: the days of the last 12 months, summed by
    # month for the monthly chart (the same figures revenue_by_month gives, half the scan).
    first = dates.add_months(day.replace(day=1), -11)
    daily = analytics.revenue_by_day(day, days=(day - first).days + 1)
    monthly: dict[str, int] = {}
    for key, cents in daily.items():
        monthly[key[:7]] = monthly.get(key[:7], 0) + cents
    return DashboardFigures(
        as_of=day,
        customers=summary.total,
        active=summary.active,
        average_ltv_cents=summary.average_ltv_cents,
        total_ltv_cents=summary.total_ltv_cents,
        revenue_by_day=tuple(daily.items())[-TREND_DAYS:],
        revenue_by_month=tuple(monthly.items()),
        repeat_rate=analytics.repeat_purchase_rate(day),
        retention_rate=analytics.retention_rate(as_of=day),
        weighted_cents=pipeline.summary.weighted_cents,
        open_deals=pipeline.summary.open_count,
        follow_ups_due=follow_ups.due,
        follow_ups_overdue=follow_ups.overdue,
        lifecycle=tuple((lifecycle_label(s.name), s.count) for s in segments
                        if s.kind == "lifecycle"),
        rfm=tuple((s.name, s.count) for s in segments if s.kind == "rfm"),
        top_customers=tuple((c.name, c.ltv_cents) for c in analytics.top_customers(10, day)),
        channels=tuple(analytics.interactions_by_channel(as_of=day).items()),
        products=tuple((p.name, p.revenue_cents)
                       for p in analytics.revenue_by_product(as_of=day)[:10]),
        stages=tuple(pipeline.value_by_stage.items()),
        seconds=time.perf_counter() - started,
    )


# ----- wording -------------------------------------------------------------------------
def compact_money(cents: int) -> str:
    """Short dollars for notes and chart axes: 480000 -> "$4.8k", 123456789 -> "$1.2M"."""
    sign = "-" if cents < 0 else ""
    dollars = abs(cents) / 100  # display only: the figure itself stays exact cents
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if dollars >= limit:
            text = f"{dollars / limit:.1f}".removesuffix(".0")
            return f"{sign}${text}{suffix}"
    return f"{sign}${dollars:,.0f}"


def percent(rate: float | None) -> str:
    """A rate in [0, 1] as "42.5%"; an empty denominator as an em dash (not 0%)."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def month_name(key: str) -> str:
    """ "2026-06" -> "Jun" """
    return dt.date.fromisoformat(f"{key}-01").strftime("%b")


def revenue_pace(f: DashboardFigures) -> tuple[str, Tone]:
    """This month so far against last month's whole, judged by the pace (per day), since
    comparing the sums would call every month's first half a fall."""
    (last_key, last), (_, this) = f.revenue_by_month[-2:]
    pace = this * calendar.monthrange(f.as_of.year, f.as_of.month)[1] / f.as_of.day
    arrow, tone = ("▲ ", "good") if pace > last else ("▼ ", "bad") if pace < last else ("", "plain")
    return f"{arrow}vs {month_name(last_key)} {compact_money(last)}", tone


# (card id, label); the notes fit 16 columns, a card's width at 80x24
KPIS = (("customers", "Customers"), ("active", "Active"), ("ltv", "Average LTV"),
        ("revenue", "Month revenue"), ("repeat", "Repeat rate"), ("retention", "Retention 30 d"),
        ("forecast", "Forecast"), ("follow-ups", "Follow-ups due"))


def kpi_texts(f: DashboardFigures) -> dict[str, tuple[str, str, Tone]]:
    """Each card's (value, note, tone)."""
    share = f.active / f.customers if f.customers else None
    ltv = "—" if f.average_ltv_cents is None else display_money(f.average_ltv_cents)
    return {
        "customers": (f"{f.customers:,}", f"{f.customers - f.active:,} inactive", "plain"),
        "active": (f"{f.active:,}", f"{percent(share)} of all", "plain"),
        "ltv": (ltv, f"total {compact_money(f.total_ltv_cents)}", "plain"),
        "revenue": (display_money(f.revenue_by_month[-1][1]), *revenue_pace(f)),
        "repeat": (percent(f.repeat_rate), "2+ orders/buyers", "plain"),
        "retention": (percent(f.retention_rate), "bought again", "plain"),
        "forecast": (display_money(f.weighted_cents), f"{f.open_deals:,} open deals", "plain"),
        "follow-ups": (f"{f.follow_ups_due:,}", f"{f.follow_ups_overdue:,} overdue",
                       "bad" if f.follow_ups_overdue else "plain"),
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

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="kpi-label")
        yield Label(self.value, classes="kpi-value")
        yield Label(self.note, classes="kpi-note")

    def show(self, value: str, note: str = "", tone: Tone = "plain") -> None:
        self.value, self.note = value, note
        self.query_one(".kpi-value", Label).update(value)
        self.query_one(".kpi-note", Label).update(note)
        for name in TONES:
            self.set_class(name == tone, f"-{name}")
