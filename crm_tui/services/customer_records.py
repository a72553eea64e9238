"""Every customer as a small record: what the customers list and segment standings read.

The list sorts, filters and draws 100,000 customers, and the standings score them, from a
few fields each; holding the documents themselves (addresses, notes, every custom field)
cost hundreds of megabytes per session. A `CustomerRecord` is a tuple of those fields,
made from a document once and never from anything else. The records are built by a
streaming scan of the customers table (nothing loads the table), in the thread that first
asks, and kept current by a store watcher told of every commit, local or another
process's; commits met while the scan runs are applied after it.
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from crm_tui.domain.entities.customer import display_name
from crm_tui.domain.text import fold
from crm_tui.store import Database

from . import tables

Doc = Mapping[str, Any]
Listener = Callable[[Mapping[int, Doc | None], bool], None]


def name_key(doc: Doc) -> str:
    """The list's name order: display_name's, folded, so "Émile" sorts among the E's."""
    if doc.get("kind") == "corporate":
        name = doc.get("company_name") or ""
    else:
        name = f"{doc.get('first_name') or ''} {doc.get('last_name') or ''}"
    return fold(name.strip()) or str(doc.get("email") or "").casefold()


LOGGED_VERSIONS = 64  # commits whose changed ids are remembered (changed_since)
LISTED = 10  # a record's first fields: what the list's search and its order by them read
NAME_ORDER = "name_order"  # the customers table's index of live customers in name order


def list_order(doc: Doc) -> str | None:
    """A live customer's place in the list's default order (None: soft-deleted)."""
    return None if doc.get("deleted_at") else name_key(doc)


def _code(value: Any) -> str:
    """A field with few distinct values (status, type, tags), stored once per process."""
    return sys.intern(str(value or ""))


def _day(value: Any) -> str | None:
    """An order's day: a few thousand distinct ones among 100,000 customers, each held
    once per process (None when there is none)."""
    return sys.intern(value) if value and isinstance(value, str) else value or None


class CustomerRecord(NamedTuple):
    """What the list and the standings need of one customer (no other field is kept)."""

    name_key: str
    name: str
    email: str
    phone: str
    company: str  # an individual's employer
    company_name: str  # a corporate customer's own name
    customer_type: str
    status: str
    tags: tuple[str, ...]
    created: str
    order_count: int
    total_spent: int
    first_order: str | None
    last_order: str | None
    points_earned: int
    segment_override: str | None
    deleted: bool

    @classmethod
    def of(cls, customer_id: int, doc: Doc) -> CustomerRecord:
        override = doc.get("segment_override")
        return cls(
            name_key(doc), display_name(doc, customer_id), str(doc.get("email") or ""),
            str(doc.get("phone") or ""), str(doc.get("company") or ""),
            str(doc.get("company_name") or ""), _code(doc.get("customer_type")),
            _code(doc.get("status")), tuple(_code(t) for t in doc.get("tags") or ()),
            str(doc.get("created_at") or ""), int(doc.get("order_count") or 0),
            int(doc.get("total_spent") or 0), _day(doc.get("first_order_date")),
            _day(doc.get("last_order_date")), int(doc.get("points_earned") or 0),
            _code(override) if override else None, bool(doc.get("deleted_at")))

    def listed_as(self, other: CustomerRecord) -> bool:
        """Whether the list finds and places this customer as it did `other`: the same
        name, contact details, company, type, status, tags and creation, and trash
        state (an import's commit changes totals only)."""
        return self[:LISTED] == other[:LISTED] and self.deleted == other.deleted

    def facts(self) -> dict[str, Any]:
        """The document fields a standing is scored from (lifecycle, RFM, tier), the
        ones that say since when the customer counts, and the tags (segment rules read
        them)."""
        return {"order_count": self.order_count, "total_spent": self.total_spent,
                "first_order_date": self.first_order, "last_order_date": self.last_order,
                "points_earned": self.points_earned, "segment_override": self.segment_override,
                "created_at": self.created, "deleted_at": "yes" if self.deleted else None,
                "tags": self.tags}


class Changed(NamedTuple):
    """The customers changed after a version of the records."""

    version: int  # the version now
    records: dict[int, CustomerRecord | None]  # each one's record now (None: gone)
    relisted: set[int]  # those the list may find or place anew (see `listed_as`)


class CustomerRecords:
    """The records of every customer by id, built on first use and kept current."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._records: dict[int, CustomerRecord] = {}
        self._ready = False
        self._lock = threading.Lock()  # the records and what the scan missed
        # Per scan under way, the commits met meanwhile (applied after it). Two threads
        # may scan at once rather than one wait for the other: the waiting one could hold
        # the store, which the other's scan needs.
        self._met: list[dict[int, Doc | None]] = []
        # Times the store said the records may be wrong as a whole (`committed`'s
        # `everything`): a scan begun before one of them read what may be gone.
        self._resets = 0
        self._listeners: list[Listener] = []
        self.version = 0  # bumped on every change
        # The ids each of the latest versions changed, and of those the ones the list
        # finds or places anew (`listed_as`), oldest first (see `changed_since`).
        self._log: deque[tuple[int, tuple[int, ...], list[int]]] = deque(
            maxlen=LOGGED_VERSIONS)
        db.watch(tables.CUSTOMERS, self)

    def listen(self, listener: Listener) -> None:
        """Also tell `listener` of each commit's customers (see `TableWatcher`)."""
        self._listeners.append(listener)

    # ----- the store's watcher (under the store's lock: no store reads) ------------------
    def committed(self, docs: Mapping[int, Doc | None], everything: bool) -> None:
        with self._lock:
            # Another session's documents are decoded here, only when something holds
            # records (a damaged line raises before anything changed).
            written = list(docs.items()) if self._ready or self._met else []
            self.version += 1
            if everything:
                self._resets += 1
                self._ready = False  # truncated, or commits missed: scanned again
                self._records = {}
                self._log.clear()
            for met in self._met:
                met.update(written)
            relisted = self._apply(written) if self._ready else []
            self._log.append((self.version, tuple(docs), relisted))
        for listener in self._listeners:
            listener(docs, everything)

    def _apply(self, written: Iterable[tuple[int, Doc | None]]) -> list[int]:
        """Apply the changed documents; the ids the list finds or places anew."""
        records, relisted = self._records, []
        for customer_id, doc in written:
            was = records.get(customer_id)
            if doc is None:
                records.pop(customer_id, None)
                relisted.append(customer_id)
            else:
                record = records[customer_id] = CustomerRecord.of(customer_id, doc)
                if was is None or not record.listed_as(was):
                    relisted.append(customer_id)
        return relisted

    # ----- reads -------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        """Whether the records are here (`all` answers without a scan)."""
        return self._ready

    def ensure(self) -> None:
        """Catch up with other processes, and have every customer's record: the first
        call scans the table (call it from a worker)."""
        self._db.refresh()
        while not self._ready:
            self._scan()

    def snapshot(self) -> dict[int, CustomerRecord]:
        """A copy of every record as it is now (the watcher changes the records from
        whichever thread catches up)."""
        with self._lock:
            return dict(self._records) if self._ready else {}

    def changed_since(self, version: int) -> Changed | None:
        """What changed after `version`, so that what was made from the records then can
        be mended instead of made again; None when that is not known (the records were
        scanned since, or more versions passed than are remembered)."""
        with self._lock:
            if not self._ready:
                return None
            if version == self.version:
                return Changed(version, {}, set())
            log = self._log
            if not log or log[0][0] > version + 1 or version > self.version:
                return None
            changed: set[int] = set()
            relisted: set[int] = set()
            for logged, ids, moved in log:
                if logged > version:
                    changed.update(ids)
                    relisted.update(moved)
            records = self._records
            return Changed(self.version, {i: records.get(i) for i in changed}, relisted)

    def get(self, customer_id: int) -> CustomerRecord | None:
        """One record if the records are here, without waiting (None otherwise)."""
        return self._records.get(customer_id) if self._ready else None

    def _scan(self) -> None:
        """Read every record, and apply the commits met meanwhile; a scan that met the
        table emptied, or commits this process missed, is dropped (`ensure` scans again):
        it read the table as it was when it began, which the commits met do not mend."""
        met: dict[int, Doc | None] = {}
        with self._lock:
            self._met.append(met)
            resets = self._resets
        try:
            found = {cid: CustomerRecord.of(cid, doc) for cid, doc in documents(self._db)}
        finally:
            with self._lock:
                self._met.remove(met)
        with self._lock:
            if not self._ready and resets == self._resets:
                self._records = found
                self._apply(met.items())
                self._ready = True
                self.version += 1
                self._log.clear()


def documents(db: Database) -> Iterator[tuple[int, Doc]]:
    """Every customer document, streamed in id order, none kept."""
    return db.scan(tables.CUSTOMERS)
