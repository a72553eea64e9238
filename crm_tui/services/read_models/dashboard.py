"""`DashboardView`: the aggregates behind the dashboard and `crm report`, kept current.

It observes the tables the figures read: when the store loads a table (a figure loads
only the tables it reads), its documents are folded into the aggregates once (the view
keeps no document); every change after that, made here or caught up from another
process's commit, folds its (before, after). A figure is then a sum over keys (days,
products and channels by day; each open deal and each NPS answer's customer and day)
instead of a scan of every purchase. The figures are read as of any day (`as_of`): keys
carry the day.

The store calls observers under its own lock, from whichever thread commits or catches
up; the aggregates have a lock of their own, taken after the store's when folding and
alone when reading, so a read never waits for the store nor the store for a read longer
than one figure. A document the rules refuse (a corrupt amount, say) makes the next read
raise as a scan would have, and the aggregates are built again on the read after that.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from crm_tui.domain.aggregates import customers, interactions, nps, orders, pipeline, revenue
from crm_tui.domain.aggregates.customers import CustomerFigures
from crm_tui.domain.aggregates.derivation import TABLES, Aggregates
from crm_tui.domain.aggregates.pipeline import PipelineTotals
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.analytics import ProductRevenue, SalesSummary
from crm_tui.domain.rules.feedback import NpsBreakdown

from ..context import ServiceContext
from ..tables import CUSTOMERS, FEEDBACK, INTERACTIONS, OPPORTUNITIES, PURCHASES

Doc = Mapping[str, Any]
T = TypeVar("T")


class _Feed:
    """The store's observer of one table, handing each change to the view."""

    def __init__(self, view: DashboardView, table: str) -> None:
        self.name = f"dashboard:{id(view)}"
        self.view, self.table = view, table

    def add(self, doc_id: int, doc: Doc) -> None:
        self.view._apply(self.table, doc_id, None, doc)

    def discard(self, doc_id: int, doc: Doc) -> None:
        self.view._apply(self.table, doc_id, doc, None)

    def replace(self, doc_id: int, old: Doc, new: Doc) -> None:
        self.view._apply(self.table, doc_id, old, new)

    def rebuild(self, docs: Mapping[int, Doc]) -> None:
        self.view._load(self.table, docs)

    def clear(self) -> None:
        self.view._unload(self.table)


class DashboardView:
    """The session's aggregates and the figures read from them."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._aggregates = Aggregates()
        self._lock = threading.Lock()
        self._loaded: set[str] = set()
        self._error: ValidationError | None = None
        self._feeds = {table: _Feed(self, table) for table in TABLES}
        for table, feed in self._feeds.items():
            ctx.db.observe(table, feed)  # a table loaded already is folded right now

    # ----- kept current (called by the store, under its lock) ----------------------------
    def _apply(self, table: str, doc_id: int, before: Doc | None, after: Doc | None) -> None:
        with self._lock:
            if self._error is None:
                try:
                    self._aggregates.apply(table, doc_id, before, after)
                except ValidationError as exc:
                    self._error = exc

    def _load(self, table: str, docs: Mapping[int, Doc]) -> None:
        with self._lock:
            try:
                self._aggregates.load(table, docs.items())
            except ValidationError as exc:
                self._error = exc
            self._loaded.add(table)

    def _unload(self, table: str) -> None:
        with self._lock:
            self._aggregates.reset(table)
            self._loaded.discard(table)

    # ----- reading -----------------------------------------------------------------------
    def _read(self, needs: tuple[str, ...], read: Callable[[Aggregates], T]) -> T:
        """`read` over the aggregates of the tables it `needs`, current with every commit:
        those not loaded are loaded (folded as they load), other processes' commits caught
        up. A figure loads only its own tables (the products screen, say, only purchases)."""
        db = self.ctx.db
        for _ in range(3):
            for table in [t for t in needs if t not in self._loaded]:
                db.preload(table)  # loading it folds it in (`rebuild`)
                if table not in self._loaded:  # loaded before, and unfolded since
                    db.observe(table, self._feeds[table])  # folds it in now
            db.refresh()
            with self._lock:
                error, self._error = self._error, None
                if error is not None:
                    self._loaded.clear()  # folded in part: built again on the next read
                    for table in TABLES:
                        self._aggregates.reset(table)
                    raise error
                if self._loaded.issuperset(needs):
                    return read(self._aggregates)
        raise RuntimeError("the store kept unloading the dashboard's tables")

    def customers(self, as_of: dt.date, top: int) -> CustomerFigures:
        return self._read((CUSTOMERS, PURCHASES), lambda a: customers.figures(
            a.counts, a.columns, a.orders, as_of, top))

    def sales(self, start: dt.date | None, end: dt.date) -> SalesSummary:
        return self._read((PURCHASES,), lambda a: revenue.sales_summary(
            a.revenue, a.orders, start, end))

    def revenue_by_day(self, start: dt.date | None, end: dt.date) -> dict[str, int]:
        """Cents per ISO day with completed orders in [start, end], oldest first."""
        return self._read((PURCHASES,), lambda a: {
            iso: cents for iso, (cents, _) in revenue.by_day(a.revenue, start, end).items()})

    def products(self, names: Mapping[Any, str], start: dt.date | None,
                 end: dt.date) -> list[ProductRevenue]:
        return self._read((PURCHASES,), lambda a: revenue.by_product(
            a.revenue, names, start, end))

    def retention_rate(self, start: dt.date, end: dt.date) -> float | None:
        return self._read((PURCHASES,), lambda a: orders.retention_rate(
            a.orders, start, end))

    def pipeline(self, as_of: dt.date) -> PipelineTotals:
        settings = self.ctx.settings.pipeline
        return self._read((OPPORTUNITIES, CUSTOMERS), lambda a: pipeline.totals(
            a.pipeline, a.columns.deleted, as_of, settings))

    def channels(self, start: dt.date | None, end: dt.date) -> dict[str, int]:
        return self._read((INTERACTIONS,), lambda a: interactions.by_channel(
            a.interactions, start, end))

    def nps(self, start: dt.date | None, end: dt.date) -> NpsBreakdown:
        settings = self.ctx.settings.feedback
        return self._read((FEEDBACK, CUSTOMERS), lambda a: nps.breakdown(
            a.nps, a.columns.deleted, start, end, settings))
