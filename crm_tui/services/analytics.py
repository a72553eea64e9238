"""Analytics: the figures of the dashboard and `crm report`, read from the session's
`DashboardView` (aggregates kept current as documents change, never a scan of a table).

Every figure is as of a date (default: the context clock's today), so a report is
reproducible: records dated after it are left out, and so are records entered after it
(a customer counts from the day it was entered, or its first order if that came before).
Customer figures (LTV, order counts) are the totals denormalised on each customer while
no live customer's last order is dated after the as-of date, which is the usual case;
otherwise they are those of the completed orders up to that date. Money is integer
cents, rates floats in [0, 1] (None when the denominator is empty). Soft-deleted
customers and records are left out, and so are the deals and feedback of soft-deleted
customers (as the pipeline and feedback services hide them); a deleted customer's
purchases and interactions still count (the money was taken, the calls made).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from crm_tui.domain import dates
from crm_tui.domain.aggregates.pipeline import PipelineTotals
from crm_tui.domain.entities.customer import display_name
from crm_tui.domain.rules import analytics as rules
from crm_tui.domain.rules.feedback import NpsBreakdown

from . import tables
from .context import ServiceContext
from .read_models.dashboard import DashboardView


@dataclass(frozen=True)
class TopCustomer:
    customer_id: int
    name: str
    ltv_cents: int
    order_count: int


@dataclass(frozen=True)
class CustomerFigures:
    """The customer figures as of a day, the best customers by LTV named."""

    summary: rules.CustomerSummary
    buyers: int  # live customers with at least one order (the others are prospects)
    repeat_rate: float | None  # customers with 2+ orders over customers with 1+
    top: list[TopCustomer]


class AnalyticsService:
    def __init__(self, ctx: ServiceContext, view: Callable[[], DashboardView]) -> None:
        self.ctx = ctx
        self._view = view  # the session's, made on first use

    @property
    def view(self) -> DashboardView:
        return self._view()

    def _until(self, end: dt.date | None, as_of: dt.date | None) -> dt.date:
        """The last day a figure covers: `end`, never past the as-of date."""
        day = self.ctx.as_of(as_of)
        return min(end, day) if end is not None else day

    # ----- customers ---------------------------------------------------------------------
    def customer_figures(self, as_of: dt.date | None = None, top: int = 10) -> CustomerFigures:
        """Counts, LTV, buyers, repeat rate, and the `top` customers with orders by
        lifetime value, highest first (ties: lowest id first)."""
        found = self.view.customers(self.ctx.as_of(as_of), top)
        table = self.ctx.db.table(tables.CUSTOMERS)
        named = []
        for customer_id, ltv, orders in found.top:
            doc = table.get(doc_id=customer_id) or {}
            named.append(TopCustomer(customer_id, display_name({**doc, "id": customer_id}),
                                     ltv, orders))
        return CustomerFigures(found.summary, found.buyers, found.repeat_rate, named)

    # ----- sales -------------------------------------------------------------------------
    def sales_summary(self, start: dt.date | None = None, end: dt.date | None = None, *,
                      as_of: dt.date | None = None) -> rules.SalesSummary:
        """Transactions, revenue, average and largest, per day and month, in [start, end]."""
        return self.view.sales(start, self._until(end, as_of))

    def revenue_by_day(self, as_of: dt.date | None = None, days: int = 30) -> dict[str, int]:
        """Revenue of each of the last `days` days up to as_of, zeros included (for charts)."""
        end = self.ctx.as_of(as_of)
        start = end - dt.timedelta(days=days - 1)
        found = self.view.revenue_by_day(start, end)
        every = (start + dt.timedelta(days=i) for i in range(days))
        return {d.isoformat(): found.get(d.isoformat(), 0) for d in every}

    def revenue_by_month(self, as_of: dt.date | None = None, months: int = 12) -> dict[str, int]:
        """Revenue of each of the last `months` calendar months, the current one up to as_of."""
        end = self.ctx.as_of(as_of)
        first = dates.add_months(end.replace(day=1), -(months - 1))
        totals = {dates.month_key(dates.add_months(first, i)): 0 for i in range(months)}
        for iso, cents in self.view.revenue_by_day(first, end).items():
            totals[iso[:7]] += cents
        return totals

    def month_to_date(self, as_of: dt.date | None = None) -> rules.MonthToDate:
        """This month's revenue up to as_of against the same days of last month."""
        day = self.ctx.as_of(as_of)
        _, _, previous_start, _ = rules.month_to_date_days(day)
        return rules.month_to_date(self.view.revenue_by_day(previous_start, day), day)

    def revenue_by_product(self, start: dt.date | None = None, end: dt.date | None = None, *,
                           as_of: dt.date | None = None) -> list[rules.ProductRevenue]:
        """Revenue per catalogue product or free-text item, highest first."""
        names = {p.doc_id: str(p.get("name", "")) for p in self.ctx.db.table(tables.PRODUCTS)}
        return self.view.products(names, start, self._until(end, as_of))

    def retention_rate(self, start: dt.date | None = None, end: dt.date | None = None, *,
                       as_of: dt.date | None = None, days: int = 30) -> float | None:
        """Of the customers who bought in the previous period (as long, just before), the
        share who bought again in [start, end]; default period: the `days` up to as_of."""
        last = self._until(end, as_of)
        return self.view.retention_rate(start or last - dt.timedelta(days=days - 1), last)

    # ----- pipeline, interactions, feedback ----------------------------------------------
    def pipeline(self, as_of: dt.date | None = None) -> PipelineTotals:
        """Open total, weighted forecast, best case, open count, win rate; value by stage
        and how many open deals are stale."""
        return self.view.pipeline(self.ctx.as_of(as_of))

    def interactions_by_channel(self, start: dt.date | None = None, end: dt.date | None = None,
                                *, as_of: dt.date | None = None) -> dict[str, int]:
        """Interaction count per channel, most first, dated in [start, end]."""
        return self.view.channels(start, self._until(end, as_of))

    def nps(self, start: dt.date | None = None, end: dt.date | None = None, *,
            as_of: dt.date | None = None) -> NpsBreakdown:
        """Promoters, passives, detractors and NPS over feedback with a recommend score."""
        return self.view.nps(start, self._until(end, as_of))

    def unresolved_feedback(self, as_of: dt.date | None = None) -> int:
        """Feedback not resolved yet, dated up to as_of (that of deleted customers hidden,
        as in the feedback inbox)."""
        return self.view.unresolved_feedback(self.ctx.as_of(as_of))
