"""Analytics: read-only figures over the tables for the dashboard and `crm report`.

Every figure is as of a date (default: the context clock's today), so a report is
reproducible: records dated after it are left out. Customer figures (LTV, order counts)
come from the totals denormalised on each customer while no order is dated after the
as-of date, which is the usual case and costs one pass over customers; otherwise they
are recomputed from the purchases up to that date. Money is integer cents, rates floats
in [0, 1] (None when the denominator is empty). Soft-deleted customers and records are
left out, and so are the deals and feedback of soft-deleted customers (as the pipeline
and feedback services hide them); a deleted customer's purchases still count as revenue
(the money was taken). Follow-ups and tasks due are counted by `to_do`, the definition
the Tasks screen lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tinydb.table import Document

from crm_tui.domain import dates
from crm_tui.domain.entities.customer import display_name
from crm_tui.domain.rules import analytics as rules
from crm_tui.domain.rules.feedback import NpsBreakdown, nps_breakdown
from crm_tui.domain.rules.pipeline import (
    PipelineSummary,
    is_stale,
    pipeline_summary,
    value_by_stage,
    weighted_forecast_by_month,
)
from crm_tui.domain.rules.totals import COMPLETED
from crm_tui.store import StoreTable

from . import tables
from .context import ServiceContext
from .records import existed_on

Doc = Mapping[str, Any]
Totals = dict[int, tuple[int, int]]  # live customer id -> (order count, total spent cents)


@dataclass(frozen=True)
class TopCustomer:
    customer_id: int
    name: str
    ltv_cents: int
    order_count: int


@dataclass(frozen=True)
class PipelineFigures:
    summary: PipelineSummary
    value_by_stage: dict[str, int]
    forecast_by_month: dict[str, int]
    stale_ids: list[int]


def _day(doc: Doc, field: str = "date") -> str:
    # Stored dates are canonical ISO text, which sorts and compares as dates do.
    return str(doc.get(field) or "")[:10]


def _dated(docs: Iterable[Doc], start: dt.date | None, end: dt.date,
           field: str = "date") -> list[Doc]:
    low, high = start.isoformat() if start else "", end.isoformat()
    return [d for d in docs if low <= _day(d, field) <= high and _day(d, field)]


def _live(docs: Iterable[Document], day: dt.date) -> list[Document]:
    """The records not deleted, and created by `day` (later ones do not count as of it)."""
    return [d for d in docs if not d.get("deleted_at") and existed_on(d, day)]


class AnalyticsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        db = ctx.db
        self.customers: StoreTable = db.table(tables.CUSTOMERS)
        self.purchases: StoreTable = db.table(tables.PURCHASES)
        self.products: StoreTable = db.table(tables.PRODUCTS)
        self.interactions: StoreTable = db.table(tables.INTERACTIONS)
        self.opportunities: StoreTable = db.table(tables.OPPORTUNITIES)
        self.feedback: StoreTable = db.table(tables.FEEDBACK)

    def preload(self) -> None:
        """Load every table the figures read without holding the store while they parse
        (from a worker, before a dashboard scan)."""
        self.ctx.db.preload(*(t.name for t in (
            self.customers, self.purchases, self.products, self.interactions,
            self.opportunities, self.feedback)))

    def _of_shown_customers(self, records: Iterable[Document]) -> list[Document]:
        """The records that are anonymous or about a customer who is not soft-deleted."""
        deleted = {c.doc_id for c in self.customers if c.get("deleted_at")}
        return [r for r in records if r.get("customer_id") not in deleted]

    def _until(self, end: dt.date | None, as_of: dt.date | None) -> dt.date:
        """The last day a figure covers: `end`, never past the as-of date."""
        day = self.ctx.as_of(as_of)
        return min(end, day) if end is not None else day

    # ----- customers ---------------------------------------------------------------------
    def _customer_totals(self, as_of: dt.date | None) -> tuple[list[Document], Totals]:
        """Live customers and their totals from completed purchases dated up to as_of."""
        until = self.ctx.as_of(as_of)
        day, live = until.isoformat(), _live(self.customers, until)
        if all(_day(c, "last_order_date") <= day for c in live):
            return live, {c.doc_id: (c.get("order_count") or 0, c.get("total_spent") or 0)
                          for c in live}
        totals: Totals = {c.doc_id: (0, 0) for c in live}
        for p in self.purchases:
            who = p.get("customer_id")
            if who in totals and p.get("status") == COMPLETED and _day(p) <= day:
                count, spent = totals[who]
                totals[who] = (count + 1, spent + (p.get("total") or 0))
        return live, totals

    def customer_summary(self, as_of: dt.date | None = None) -> rules.CustomerSummary:
        """Total, active, by type and status, total and average LTV."""
        live, totals = self._customer_totals(as_of)
        return rules.customer_summary(live, ltv=lambda c: totals[c.doc_id][1])

    def top_customers(self, limit: int = 10, as_of: dt.date | None = None) -> list[TopCustomer]:
        """Customers with orders by lifetime value, highest first (ties: lowest id first)."""
        live, totals = self._customer_totals(as_of)
        buyers = sorted((c for c in live if totals[c.doc_id][0]), key=lambda c: c.doc_id)
        ranked = rules.top_customers(buyers, limit, ltv=lambda c: totals[c.doc_id][1])
        return [TopCustomer(c.doc_id, display_name({**c, "id": c.doc_id}), ltv,
                            totals[c.doc_id][0]) for c, ltv in ranked]

    def buyers(self, as_of: dt.date | None = None) -> int:
        """Live customers with at least one order (the others are prospects)."""
        _, totals = self._customer_totals(as_of)
        return sum(1 for count, _ in totals.values() if count)

    def repeat_purchase_rate(self, as_of: dt.date | None = None) -> float | None:
        """Customers with 2+ orders over customers with 1+."""
        _, totals = self._customer_totals(as_of)
        return rules.repeat_purchase_rate(count for count, _ in totals.values())

    # ----- sales -------------------------------------------------------------------------
    def sales_summary(self, start: dt.date | None = None, end: dt.date | None = None, *,
                      as_of: dt.date | None = None) -> rules.SalesSummary:
        """Transactions, revenue, average and largest, per day and month, in [start, end]."""
        return rules.sales_summary(self.purchases, start, self._until(end, as_of))

    def revenue_by_day(self, as_of: dt.date | None = None, days: int = 30) -> dict[str, int]:
        """Revenue of each of the last `days` days up to as_of, zeros included (for charts)."""
        end = self.ctx.as_of(as_of)
        start = end - dt.timedelta(days=days - 1)
        found = self.sales_summary(start, end, as_of=end).revenue_by_day
        every = (start + dt.timedelta(days=i) for i in range(days))
        return {d.isoformat(): found.get(d.isoformat(), 0) for d in every}

    def revenue_by_month(self, as_of: dt.date | None = None, months: int = 12) -> dict[str, int]:
        """Revenue of each of the last `months` calendar months, the current one up to as_of."""
        end = self.ctx.as_of(as_of)
        first = dates.add_months(end.replace(day=1), -(months - 1))
        found = self.sales_summary(first, end, as_of=end).revenue_by_month
        keys = (dates.month_key(dates.add_months(first, i)) for i in range(months))
        return {key: found.get(key, 0) for key in keys}

    def month_to_date(self, as_of: dt.date | None = None) -> rules.MonthToDate:
        """This month's revenue up to as_of against the same days of last month."""
        day = self.ctx.as_of(as_of)
        _, _, previous_start, _ = rules.month_to_date_days(day)
        by_day = self.sales_summary(previous_start, day, as_of=day).revenue_by_day
        return rules.month_to_date(by_day, day)

    def revenue_by_product(self, start: dt.date | None = None, end: dt.date | None = None, *,
                           as_of: dt.date | None = None) -> list[rules.ProductRevenue]:
        """Revenue per catalogue product or free-text item, highest first."""
        names = {p.doc_id: str(p.get("name", "")) for p in self.products}
        chosen = _dated(self.purchases, start, self._until(end, as_of))
        return rules.revenue_by_product(chosen, names)

    def retention_rate(self, start: dt.date | None = None, end: dt.date | None = None, *,
                       as_of: dt.date | None = None, days: int = 30) -> float | None:
        """Of the customers who bought in the previous period (as long, just before), the
        share who bought again in [start, end]; default period: the `days` up to as_of."""
        last = self._until(end, as_of)
        first = start or last - dt.timedelta(days=days - 1)
        return rules.retention_rate(self.purchases, first, last)

    # ----- pipeline, interactions, feedback ----------------------------------------------
    def pipeline(self, as_of: dt.date | None = None) -> PipelineFigures:
        """Open total, weighted forecast, best case, open count, win rate; value by stage,
        forecast by expected close month, and the stale open deals."""
        settings = self.ctx.settings.pipeline
        day = self.ctx.as_of(as_of)
        deals = self._of_shown_customers(_live(self.opportunities, day))
        return PipelineFigures(
            summary=pipeline_summary(deals, settings),
            value_by_stage=value_by_stage(deals, settings),
            forecast_by_month=weighted_forecast_by_month(deals, settings),
            stale_ids=sorted(d.doc_id for d in deals if is_stale(d, day, settings)),
        )

    def interactions_by_channel(self, start: dt.date | None = None, end: dt.date | None = None,
                                *, as_of: dt.date | None = None) -> dict[str, int]:
        """Interaction count per channel, most first, dated in [start, end]."""
        return rules.interactions_by_channel(self.interactions, start, self._until(end, as_of))

    def nps(self, start: dt.date | None = None, end: dt.date | None = None, *,
            as_of: dt.date | None = None) -> NpsBreakdown:
        """Promoters, passives, detractors and NPS over feedback with a recommend score."""
        last = self._until(end, as_of)
        shown = self._of_shown_customers(_live(self.feedback, last))
        chosen = _dated(shown, start, last)
        return nps_breakdown((f.get("recommend_score") for f in chosen),
                             self.ctx.settings.feedback)
