"""One table's records as small rows, read once and then kept by watching the commits.

A list (the pipeline board, the palette's tasks) is read again on every commit any
session makes, and reading it means a scan of its table and a read of every customer its
records name, to leave out those of soft-deleted customers: at 100,000 customers, about a
second of work per commit, for every session showing the list. `KeptRows` scans once, on
first use (in the worker that asks), then follows the store's watchers: a commit to the
table replaces or drops the rows it wrote, a commit to the customers hides or shows again
the rows of a customer it deleted or restored. Commits met while the scan runs are applied
after it; a watcher told that everything may be wrong (a truncated table, a journal this
process missed) has the next use scan again.

A list drawn from the rows can follow them without reading them all again: `mark()`
before `shown()`, then `since(mark)` gives only the rows written after it (None when more
than rows may have changed: a customer's commit, or everything read again).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any, Generic, TypeVar

from crm_tui.store import Database, StoreTable

from . import tables
from .customer_records import CustomerRecords
from .records import live_customers

Row = TypeVar("Row")
Doc = Mapping[str, Any]
Docs = Mapping[int, Doc | None]


class KeptRows(Generic[Row]):
    """The rows of every record of `table` (`row(id, document)`), and which customers
    are hidden (soft-deleted, or gone), kept current from the commits."""

    def __init__(self, db: Database, table: str, row: Callable[[int, Doc], Row],
                 customer_of: Callable[[Row], int | None], *,
                 live: Callable[[set[int]], set[int] | None] | None = None) -> None:
        """`live`: which of some customers are live, when known without reading them
        (None: they are read)."""
        self._db = db
        self._live = live
        self._table = table
        self._row = row
        self._customer_of = customer_of
        self._customers: StoreTable = db.table(tables.CUSTOMERS)
        self._rows: dict[int, Row] = {}
        self._hidden: set[int] = set()  # customers whose rows are not shown
        self._ready = False
        # Commits applied (`_version`), the last one that wrote each row, and the first
        # version whose marks still hold (a customer's commit or a scan moves it on).
        self._version = 0
        self._written: dict[int, int] = {}
        self._valid_from = 0
        self._lock = threading.Lock()  # the rows, the hidden customers, what a scan missed
        # Per scan under way, the commits it met (rows, customers), applied after it.
        self._met: list[tuple[dict[int, Doc | None], dict[int, Doc | None]]] = []
        db.watch(table, _Watcher(partial(self._committed, 0, self._apply_rows)))
        db.watch(tables.CUSTOMERS, _Watcher(partial(self._committed, 1, self._apply_customers)))

    def shown(self) -> list[Row]:
        """Every row but those of hidden customers (in id order). Catches up with other
        sessions first; the first call scans the table (call it from a worker)."""
        self._db.refresh()
        if not self._ready:
            self._scan()
        with self._lock:
            return [r for r in self._rows.values() if self._is_shown(r)]

    def mark(self) -> int:
        """Where the rows are now: taken before `shown()`, `since` it gives every row
        written after (some maybe already in what `shown()` gave)."""
        with self._lock:
            return self._version

    def since(self, mark: int) -> tuple[dict[int, Row | None], int] | None:
        """The rows written since `mark` (None: dropped or hidden) and a new mark; None
        when more than these rows may have changed (read them all again)."""
        self._db.refresh()
        with self._lock:
            if not self._ready or mark < self._valid_from:
                return None
            changed = {i: r if (r := self._rows.get(i)) is not None and self._is_shown(r)
                       else None for i, version in self._written.items() if version > mark}
            return changed, self._version

    def _is_shown(self, row: Row) -> bool:
        return (c := self._customer_of(row)) is None or c not in self._hidden

    # ----- the store's watchers (under the store's lock: no store reads) ------------------
    def _committed(self, part: int, apply: Callable[[Docs], None], docs: Docs,
                   everything: bool) -> None:
        """A commit's records (`part` 0) or customers (1): met by scans under way, and
        applied to what is kept."""
        with self._lock:
            for met in self._met:
                met[part].update(docs)
            if everything:
                self._forget()
            elif self._ready:
                apply(docs)

    def _forget(self) -> None:
        self._ready = False
        self._rows, self._hidden = {}, set()
        self._marks_lapse()

    def _marks_lapse(self) -> None:
        self._version += 1
        self._valid_from, self._written = self._version, {}

    def _apply_rows(self, docs: Docs) -> None:
        if not docs:
            return
        self._version += 1
        for record_id, doc in docs.items():
            self._written[record_id] = self._version
            if doc is None:
                self._rows.pop(record_id, None)
            else:
                self._rows[record_id] = self._row(record_id, doc)

    def _apply_customers(self, docs: Docs) -> None:
        self._marks_lapse()  # names and hidden customers: more than the rows written
        for customer_id, doc in docs.items():
            if doc is None or doc.get("deleted_at"):
                self._hidden.add(customer_id)
            else:
                self._hidden.discard(customer_id)

    # ----- the first read ------------------------------------------------------------------
    def _scan(self) -> None:
        met: tuple[dict[int, Doc | None], dict[int, Doc | None]] = ({}, {})
        with self._lock:
            self._met.append(met)
        try:
            rows = {i: self._row(i, doc) for i, doc in self._db.scan(self._table)}
            named = {c for c in map(self._customer_of, rows.values()) if c is not None}
            live = self._live(named) if self._live is not None else None
            if live is None:
                live = live_customers(self._customers, named)
        finally:
            with self._lock:
                self._met.remove(met)
        with self._lock:
            if not self._ready:
                self._rows, self._hidden = rows, named - live
                self._apply_rows(met[0])
                if met[1]:
                    self._apply_customers(met[1])
                self._ready = True


def interned_row(make: Callable[[list[Any]], Row], record_id: int, doc: Doc,
                 fields: Iterable[str]) -> Row:
    """A row (`make`, as a NamedTuple's `_make`) of the record's id then these fields of
    its document; strings many rows repeat (a stage, a status, a day, a person) are held
    once per process."""
    intern = sys.intern
    return make([record_id, *[intern(v) if type(v) is str else v
                              for v in map(doc.get, fields)]])


def known_live(records: CustomerRecords | None) -> Callable[[set[int]], set[int] | None]:
    """KeptRows' `live` from the session's customer records: which of some customers exist
    and are not soft-deleted, once the records are here (the customers screen, which a
    session opens on, builds them); None before (the customers are read)."""
    def live(ids: set[int]) -> set[int] | None:
        if records is None or not records.ready:
            return None
        known = records.snapshot()
        return {i for i in ids if (r := known.get(i)) is not None and not r.deleted}

    return live


class _Watcher:
    """A store watcher that hands each commit to a function."""

    def __init__(self, committed: Callable[[Docs, bool], None]) -> None:
        self.committed = committed
