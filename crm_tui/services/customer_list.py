"""The customers table's data source: search, quick filters and sort over every customer.

It reads the session's `CustomerRecords` (a few fields per customer, kept current from
every commit, local or another session's) and answers "which customer ids, in what order,
for this query" from them, and one row's display values on demand, so a screen showing
40 rows of 100,000 does 40 lookups. No customer document is held.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import compress
from typing import Any

from crm_tui.domain.text import fold

from . import tables
from .context import ServiceContext
from .customer_records import NAME_ORDER, CustomerRecord
from .membership import Standing
from .segments import SegmentService

Records = Mapping[int, CustomerRecord]


@dataclass(frozen=True)
class ListQuery:
    """What the table shows: search text, quick filters, and the sort."""

    text: str = ""
    segment: str | int | None = None  # a segment key: "lifecycle:vip", "tier:Gold", custom id
    tag: str | None = None
    status: str | None = None
    customer_type: str | None = None
    sort: str = "name"
    descending: bool = False
    deleted: bool = False  # the trash: soft-deleted customers only


@dataclass(frozen=True)
class Matches:
    """Ids in display order, with each one's search text alongside."""

    ids: list[int]
    texts: list[str]


@dataclass(frozen=True)
class CustomerRow:
    """One row's display values."""

    id: int
    name: str
    email: str
    phone: str
    company: str
    customer_type: str
    status: str
    tags: tuple[str, ...]
    orders: int
    spent_cents: int
    last_order: str
    standing: Standing


def _searched(record: CustomerRecord) -> tuple[Any, ...]:
    """The fields `search_text` is made from."""
    return (record.name, record.email, record.phone, record.company, record.company_name,
            record.tags)


def search_text(record: CustomerRecord) -> str:
    """Everything search-as-you-type matches: name, email, phone, company, tags, folded
    (accents and case) as the typed text is."""
    name, email, phone, company, company_name, tags = _searched(record)
    parts = [name, email, phone, "".join(ch for ch in phone if ch.isdigit()), company,
             company_name, " ".join(tags)]
    return fold("\x00".join(parts))


SORT_KEYS: dict[str, Callable[[CustomerRecord, Standing | None], Any]] = {
    "name": lambda r, s: r.name_key,
    "email": lambda r, s: r.email.casefold(),
    "phone": lambda r, s: r.phone,
    "company": lambda r, s: fold(r.company),
    "type": lambda r, s: r.customer_type,
    "status": lambda r, s: r.status,
    "orders": lambda r, s: r.order_count,
    "spent": lambda r, s: r.total_spent,
    "last_order": lambda r, s: r.last_order or "",
    "created": lambda r, s: r.created,
    "segment": lambda r, s: s.lifecycle if s else "",
    "rfm": lambda r, s: (s.rfm_segment or "") if s else "",
    "tier": lambda r, s: s.tier if s else "",
}
NEEDS_STANDING = {"segment", "rfm", "tier"}
# Sorts by what `CustomerRecord.listed_as` compares: a customer it finds unchanged keeps
# its place in them.
BY_LISTED = {"name", "email", "phone", "company", "type", "status", "created"}
MAX_TYPED = 64  # search answers remembered per sorted list
FIRST_ROWS = 200  # rows made before the records are here: a tall terminal's first screens
MENDED_SHARE = 4  # past a quarter of the rows changed, the sorted list is made again
MOVED_AT_MOST = 500  # rows put in new places one by one; past that, sorted again


class CustomerList:
    """The queries the customers screen asks, over the session's customer records."""

    def __init__(self, ctx: ServiceContext, segments: SegmentService) -> None:
        self.ctx = ctx
        self.segments = segments
        self.records = segments.membership.records
        self._lock = threading.Lock()  # one query at a time; query_now never waits for it
        self._reading = threading.Lock()  # see _ensure
        self._records: dict[int, CustomerRecord] = {}  # cached answers made from these
        self._text_by_id: dict[int, tuple[CustomerRecord, str]] = {}
        self._cache: tuple[tuple[Any, ...], list[int]] | None = None
        self._orders: dict[tuple[Any, ...], Matches] = {}  # sorted ids, per sort and state
        # The base list answers are narrowed from, and its answers by search text.
        self._typed: tuple[Matches | None, dict[str, Matches]] = (None, {})
        self._first_rows: dict[int, CustomerRow] = {}  # drawn until the records are here

    # ----- queries -----------------------------------------------------------------------
    @property
    def filled(self) -> bool:
        """Whether every customer's record is here (queries answer without a scan)."""
        return self.records.ready

    def first_page(self) -> list[int] | None:
        """Before the records are here (a new session), the default list without scanning
        every customer: live customers in name order from the store's order of them, and
        the rows of the first `FIRST_ROWS` read from their documents, drawn until the
        records are here. None when they are here already: `query` answers."""
        if self.records.ready:
            return None
        ids = self.ctx.db.ordered_ids(tables.CUSTOMERS, NAME_ORDER)
        docs = self.ctx.db.get_many(tables.CUSTOMERS, ids[:FIRST_ROWS])
        standings = self.segments.membership.standings(docs)
        self._first_rows = {i: _row(i, CustomerRecord.of(i, doc), standings[i])
                            for i, doc in docs.items()}
        return ids

    def _ensure(self) -> None:
        """Every customer's record here and current. Queries asked while the records are
        first read wait for that one read: each search keystroke typed meanwhile asks
        again, and would otherwise read every customer again, all at once."""
        with self._reading:
            self.records.ensure()

    def query(self, q: ListQuery) -> list[int]:
        """Customer ids matching the query, in display order (the first call scans the
        customers: call it from a worker)."""
        self._ensure()
        # Read here, off the UI thread: the rows drawn there score standings with them.
        settings = self.ctx.settings
        key = (q, self.records.version, self.ctx.clock.today(), settings)
        with self._lock:
            if self._cache is not None and self._cache[0] == key:
                return self._cache[1]
            ids = self._filter(q, self._base(q))
            self._cache = (key, ids)
            return ids

    def query_now(self, q: ListQuery) -> list[int] | None:
        """The query's answer if it is quick to give: the records here and the sorted
        rows' search text made. None otherwise: ask `query` in a worker.

        It never catches up with other sessions (the app's poll does, about once a
        second): a keystroke answers from the records as last caught up, exactly as
        `query` would at that moment. When a catch-up changed customers since, the
        sorted rows are mended here if none of them moved (an import's commits change
        totals, not names or sort keys), so a keystroke typed while a colleague imports
        waits for no catch-up and no worker.

        The answer is made from the sorted rows found here, of one version of the
        records: a catch-up landing meanwhile (the poll's thread) is the worker's to
        mend or sort, never this thread's. It may wait for the one commit the poll's
        thread is applying to the records (a few ms): giving up then sent the key to a
        worker whose query met a longer backlog, often past mending, and sorted every
        customer (during another session's import, one key in twenty waited 1-2 s)."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if not self.records.ready or q.segment is not None:
                return None  # segment members to score: not instant
            state = self._order_state(q)
            base = self._orders.get(state) or self._mended(q, state)
            if base is None or len(base.texts) != len(base.ids):
                return None  # a sort or a save: not instant
            return self._filter(q, base)
        finally:
            self._lock.release()

    def _order_state(self, q: ListQuery) -> tuple[Any, ...]:
        """What a sorted base list depends on."""
        return (q.sort, q.descending, q.deleted, self.records.version, self.ctx.clock.today())

    def _base(self, q: ListQuery) -> Matches:
        """Live (or trashed) ids in the query's sort order with their search text, kept
        until the data changes: filtering an ordered list keeps its order, so a keystroke
        never re-sorts 100,000 rows."""
        state = self._order_state(q)
        base = self._orders.get(state)
        if base is None:
            base = self._mended(q, state)
        if base is None:
            self._orders = {}  # older states are stale
            records = self._records = self.records.snapshot()
            ordered = [i for i in self._sorted(list(records), q)
                       if records[i].deleted == q.deleted]
            base = self._orders[state] = Matches(ordered, [])
        return base

    def _mended(self, q: ListQuery, state: tuple[Any, ...]) -> Matches | None:
        """The base list of an older version of the records, mended with the customers
        changed since (an import's commit changes thousands of customers' totals, not
        their names: the order and the search text stay, and so do the answers by text);
        None when it has to be made again (another sort or day, a sort by standing,
        changes not remembered, or too many of them)."""
        older = next(((s, m) for s, m in self._orders.items()
                      if (s[:3], s[4]) == (state[:3], state[4])), None)
        if older is None or q.sort in NEEDS_STANDING:
            return None
        (_, _, _, version, _), base = older
        found = self.records.changed_since(version)
        if found is None or len(found.records) * MENDED_SHARE > len(self._records):
            return None
        changed = found.records
        records, made = self._records, self._text_by_id
        key = SORT_KEYS.get(q.sort, SORT_KEYS["name"])
        # Only those whose search text or place may have changed are looked at one by one.
        looked_at = found.relisted if q.sort in BY_LISTED else changed.keys()
        before = {i: records.get(i) for i in changed}
        records.update({i: r for i, r in changed.items() if r is not None})
        moved = {}
        for i in looked_at:
            record, was = changed[i], before[i]
            if record is None:
                records.pop(i, None)
            if record is not None and was is not None and (
                    record.deleted == was.deleted and key(record, None) == key(was, None)
                    and _searched(record) == _searched(was)):
                held = made.get(i)
                made[i] = (record, held[1] if held and held[0] is was else search_text(record))
            else:
                moved[i] = record
        for i in changed.keys() - looked_at:  # found and placed as they were
            held, record = made.get(i), changed[i]
            if held is not None and record is not None and held[0] is before[i]:
                made[i] = (record, held[1])
        if len(moved) > MOVED_AT_MOST:
            self._orders = {}  # the records above are newer than these lists now
            return None
        if moved:
            base = _moved(base, moved, q, lambda i: key(records[i], None))
        self._orders = {state: base}
        return base

    def _search_texts(self, matches: Matches) -> list[str]:
        """The search text of every row, made once per customer version and kept."""
        if len(matches.texts) != len(matches.ids):
            made, records = self._text_by_id, self._records
            texts = []
            for i in matches.ids:
                record = records[i]
                found = made.get(i)
                if found is None or found[0] is not record:
                    found = made[i] = (record, search_text(record))
                texts.append(found[1])
            matches.texts[:] = texts
        return matches.texts

    def warm(self) -> None:
        """Make the search text ahead of the first keystroke (a worker calls this)."""
        self._ensure()
        with self._lock:
            self._search_texts(self._base(ListQuery()))

    def _text_matches(self, base: Matches, text: str) -> Matches:
        """Rows containing every word, remembered per text while the rows stay the same
        (backspace answers at once). Typing on narrows the longest remembered answer it
        extends instead of scanning everything again: "ann" can only match rows that
        matched "an"."""
        if self._typed[0] is not base:
            self._typed = (base, {})
        answers = self._typed[1]
        found = answers.get(text)
        if found is None:
            prefix = max((t for t in answers if text.startswith(t)), key=len, default=None)
            start = base if prefix is None else answers[prefix]
            ids, texts = start.ids, self._search_texts(start)
            for word in text.split():
                mask = [word in t for t in texts]
                ids, texts = list(compress(ids, mask)), list(compress(texts, mask))
            if len(answers) >= MAX_TYPED:
                answers.clear()
            found = answers[text] = Matches(ids, texts)
        return found

    def _filter(self, q: ListQuery, base: Matches) -> list[int]:
        """`base` (the query's sorted rows) narrowed to the query's search and filters."""
        text = fold(q.text.strip())
        ids = self._text_matches(base, text).ids if text else base.ids
        records = self._records
        if q.status:
            ids = [i for i in ids if records[i].status == q.status]
        if q.customer_type:
            ids = [i for i in ids if records[i].customer_type == q.customer_type]
        if q.tag:
            tag = q.tag.casefold()
            ids = [i for i in ids if tag in {t.casefold() for t in records[i].tags}]
        if q.segment is not None:
            members = set(self.segments.members(q.segment))
            ids = [i for i in ids if i in members]
        return ids

    def _sorted(self, ids: list[int], q: ListQuery) -> list[int]:
        key = SORT_KEYS.get(q.sort, SORT_KEYS["name"])
        standing = self.segments.membership.groups().standing if q.sort in NEEDS_STANDING else {}
        records = self._records
        # Two stable sorts instead of one on (value, id) tuples: building and comparing a
        # tuple per customer was most of the first paint (bench/README.md). Ties stay in
        # id order either way (a reversed stable sort keeps the order of equal keys).
        by_id = sorted(ids)
        return sorted(by_id, key=lambda i: key(records[i], standing.get(i)),
                      reverse=q.descending)

    def rows_now(self, ids: Iterable[int]) -> dict[int, CustomerRow]:
        """The rows of these customers, without waiting for the store: what a screenful
        needs, from the records (kept current by every commit). Ids missing from the
        answer cannot be drawn yet (the records are not here, or the settings were never
        read): the table draws a placeholder and asks again."""
        if not self.records.ready:
            first = self._first_rows
            return {i: first[i] for i in ids if i in first}
        self._first_rows = {}
        rows = {}
        membership = self.segments.membership
        for i in ids:
            record = self.records.get(i)
            standing = None if record is None else membership.standing_now(i, record)
            if record is not None and standing is not None:
                rows[i] = _row(i, record, standing)
        return rows

    def row(self, customer_id: int) -> CustomerRow:
        """One customer's row, read now (KeyError: no such customer)."""
        doc = self.ctx.db.get(tables.CUSTOMERS, customer_id)
        if doc is None:
            raise KeyError(customer_id)
        record = CustomerRecord.of(customer_id, doc)
        return _row(customer_id, record, self.segments.membership.standing(customer_id, doc))

    def tags(self) -> list[str]:
        """Every tag in use, for the tag filter."""
        self._ensure()
        found = {t for record in self.records.snapshot().values() for t in record.tags}
        return sorted(found, key=str.casefold)


def _moved(base: Matches, moved: Mapping[int, CustomerRecord | None], q: ListQuery,
           key: Callable[[int], Any]) -> Matches:
    """`base` without the `moved` customers, then those of them the query lists put back
    in their places (the order `CustomerList._sorted` gives: by key, ties by id, the keys
    reversed when descending). Its search text is made again where it is used."""
    ids = [i for i in base.ids if i not in moved]
    back = sorted(i for i, record in moved.items()
                  if record is not None and record.deleted == q.deleted)

    def place(i: int) -> _Place:
        return _Place(key(i), i, q.descending)

    for i in back:
        ids.insert(bisect.bisect_left(ids, place(i), key=place), i)
    return Matches(ids, [])


class _Place:
    """A row's place in a sorted list: its key first (reversed when descending), then
    its id, always ascending."""

    __slots__ = ("descending", "id", "key")

    def __init__(self, key: Any, id_: int, descending: bool) -> None:
        self.key, self.id, self.descending = key, id_, descending

    def __lt__(self, other: _Place) -> bool:
        if self.key != other.key:
            return other.key < self.key if self.descending else self.key < other.key
        return self.id < other.id


def _row(customer_id: int, record: CustomerRecord, standing: Standing) -> CustomerRow:
    return CustomerRow(
        id=customer_id, name=record.name, email=record.email, phone=record.phone,
        company=record.company, customer_type=record.customer_type, status=record.status,
        tags=record.tags, orders=record.order_count, spent_cents=record.total_spent,
        last_order=record.last_order if record.order_count and record.last_order else "",
        standing=standing,
    )
