"""`DashboardView`: the figures of the dashboard, the products screen and `crm report`,
read from the aggregates the store keeps (`Database.derive`, store/derivations.py).

Every derivation of domain/aggregates is registered with the store when the session
starts (`keep_aggregates`): the store saves their states at each compaction and folds
every commit into them, made here or by another process, whether or not their tables
are loaded; the first figure of a session reads the saved states (a few MB) and folds
the journal since, or, when they are missing, scans the tables once (streamed, not
loaded). A figure is then a sum over keys (days, products and channels by day; each open
deal and each NPS answer's customer and day) instead of a scan of every purchase. The
figures are read as of any day (`as_of`): keys carry the day.

A document the rules refuse (a corrupt amount, say) makes the next read raise as a scan
would have; the aggregates are built again on the read after that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from crm_tui.domain.aggregates import (
    customers,
    interactions,
    nps,
    orders,
    pipeline,
    revenue,
    unresolved,
)
from crm_tui.domain.aggregates.customers import CustomerFigures
from crm_tui.domain.aggregates.derivation import DERIVATIONS, Aggregates
from crm_tui.domain.aggregates.pipeline import PipelineTotals
from crm_tui.domain.rules.analytics import ProductRevenue, SalesSummary
from crm_tui.domain.rules.feedback import NpsBreakdown
from crm_tui.store import Database

from ..context import ServiceContext

T = TypeVar("T")


def keep_aggregates(db: Database) -> None:
    """Have the store keep every aggregate from now on (a session does it at start, so
    that its compactions save them for the next sessions)."""
    for derivation in DERIVATIONS:
        db.derive(derivation)


class DashboardView:
    """The figures read from the store's aggregates."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        keep_aggregates(ctx.db)

    def _read(self, needs: tuple[str, ...], read: Callable[[Aggregates], T]) -> T:
        """`read` over the states of the derivations it `needs`, current with every
        commit (built first if this session has none yet)."""
        return self.ctx.db.derived(needs, lambda states: read(Aggregates(states)))

    def warm(self) -> None:
        """Have every aggregate read (loaded, or built from a scan of its tables)."""
        self.ctx.db.derived([d.name for d in DERIVATIONS], lambda states: None)

    def customers(self, as_of: dt.date, top: int) -> CustomerFigures:
        return self._read((customers.NAME, revenue.NAME), lambda a: customers.figures(
            a.counts, a.columns, a.orders, as_of, top))

    def sales(self, start: dt.date | None, end: dt.date) -> SalesSummary:
        return self._read((revenue.NAME,), lambda a: revenue.sales_summary(
            a.revenue, a.orders, start, end))

    def revenue_by_day(self, start: dt.date | None, end: dt.date) -> dict[str, int]:
        """Cents per ISO day with completed orders in [start, end], oldest first."""
        return self._read((revenue.NAME,), lambda a: {
            iso: cents for iso, (cents, _) in revenue.by_day(a.revenue, start, end).items()})

    def products(self, names: Mapping[Any, str], start: dt.date | None,
                 end: dt.date) -> list[ProductRevenue]:
        return self._read((revenue.NAME,), lambda a: revenue.by_product(
            a.revenue, names, start, end))

    def retention_rate(self, start: dt.date, end: dt.date) -> float | None:
        return self._read((revenue.NAME,), lambda a: orders.retention_rate(
            a.orders, start, end))

    def pipeline(self, as_of: dt.date) -> PipelineTotals:
        settings = self.ctx.settings.pipeline
        return self._read((pipeline.NAME, customers.NAME), lambda a: pipeline.totals(
            a.pipeline, a.columns.deleted, as_of, settings))

    def channels(self, start: dt.date | None, end: dt.date) -> dict[str, int]:
        return self._read((interactions.NAME,), lambda a: interactions.by_channel(
            a.interactions, start, end))

    def nps(self, start: dt.date | None, end: dt.date) -> NpsBreakdown:
        settings = self.ctx.settings.feedback
        return self._read((nps.NAME, customers.NAME), lambda a: nps.breakdown(
            a.nps, a.columns.deleted, start, end, settings))

    def deleted_customers(self) -> frozenset[int]:
        """The soft-deleted customers' ids (whose records lists and figures hide)."""
        return self._read((customers.NAME,), lambda a: frozenset(a.columns.deleted))

    def unresolved_feedback(self, end: dt.date) -> int:
        return self._read((unresolved.NAME, customers.NAME), lambda a: unresolved.count(
            a.unresolved, a.columns.deleted, end))
