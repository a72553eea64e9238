"""The customers table's data source: search, quick filters and sort over every customer.

Kept in step with the store by an observer (local saves and other sessions' commits alike),
it answers "which customer ids, in what order, for this query" from memory, and one row's
display values on demand, so a screen showing 40 rows of 100,000 does 40 lookups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import compress
from typing import Any

from crm_tui.domain.entities.customer import display_name
from crm_tui.domain.text import fold

from . import tables
from .context import ServiceContext
from .membership import Standing
from .profiles import totals_of
from .segments import SegmentService

Doc = Mapping[str, Any]


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


def company_of(doc: Doc) -> str:
    """The employer of an individual (a corporate customer's name is its company)."""
    return str(doc.get("company") or "")


def search_text(doc: Doc) -> str:
    """Everything search-as-you-type matches: name, email, phone, company, tags, folded
    (accents and case) as the typed text is."""
    phone = str(doc.get("phone") or "")
    parts = [display_name(doc), str(doc.get("email") or ""), phone,
             "".join(ch for ch in phone if ch.isdigit()), str(doc.get("company") or ""),
             str(doc.get("company_name") or ""), " ".join(doc.get("tags") or [])]
    return fold("\x00".join(parts))


def name_key(doc: Doc) -> str:
    """display_name's order, computed cheaply: it runs for every customer on first paint.
    Folded, so "Émile" sorts among the E's."""
    if doc.get("kind") == "corporate":
        name = doc.get("company_name") or ""
    else:
        name = f"{doc.get('first_name') or ''} {doc.get('last_name') or ''}"
    return fold(name.strip()) or str(doc.get("email") or "").casefold()


SORT_KEYS: dict[str, Callable[[Doc, Standing | None], Any]] = {
    "name": lambda d, s: name_key(d),
    "email": lambda d, s: str(d.get("email") or "").casefold(),
    "phone": lambda d, s: str(d.get("phone") or ""),
    "company": lambda d, s: fold(company_of(d)),
    "type": lambda d, s: str(d.get("customer_type") or ""),
    "status": lambda d, s: str(d.get("status") or ""),
    "orders": lambda d, s: d.get("order_count") or 0,
    "spent": lambda d, s: d.get("total_spent") or 0,
    "last_order": lambda d, s: str(d.get("last_order_date") or ""),
    "created": lambda d, s: str(d.get("created_at") or ""),
    "segment": lambda d, s: s.lifecycle if s else "",
    "rfm": lambda d, s: (s.rfm_segment or "") if s else "",
    "tier": lambda d, s: s.tier if s else "",
}
NEEDS_STANDING = {"segment", "rfm", "tier"}
MAX_TYPED = 64  # search answers remembered per sorted list


class CustomerList:
    """Observer of the customers table plus the queries the customers screen asks."""

    def __init__(self, ctx: ServiceContext, segments: SegmentService) -> None:
        self.name = f"customer-list:{id(self)}"
        self.ctx = ctx
        self.segments = segments
        self._docs: dict[int, Doc] = {}
        self._text_by_id: dict[int, str] = {}
        self._cache: tuple[tuple[Any, ...], list[int]] | None = None
        self._orders: dict[tuple[Any, ...], Matches] = {}  # sorted ids, per sort and state
        # The base list answers are narrowed from, and its answers by search text.
        self._typed: tuple[Matches | None, dict[str, Matches]] = (None, {})
        self._version = 0
        self._filled = False  # the store has handed over the table's documents
        self._preview: Mapping[int, CustomerRow] = {}  # rows to draw until then
        ctx.db.observe(tables.CUSTOMERS, self)

    # ----- observer (called under the store's lock: no store reads here) -----------------
    def add(self, doc_id: int, doc: Doc) -> None:
        self._docs[doc_id] = doc
        self._text_by_id.pop(doc_id, None)  # recomputed when a search needs it
        self._version += 1

    def discard(self, doc_id: int, doc: Doc) -> None:
        self._docs.pop(doc_id, None)
        self._text_by_id.pop(doc_id, None)
        self._version += 1

    def replace(self, doc_id: int, old: Doc, new: Doc) -> None:
        self.add(doc_id, new)

    def rebuild(self, docs: Mapping[int, Doc]) -> None:
        self._docs = dict(docs)
        self._text_by_id = {}  # search text is made on first search, not on load
        self._version += 1
        self._filled = True
        self._preview = {}

    def clear(self) -> None:
        """The store let go of the table: the next query loads it again."""
        self.rebuild({})
        self._filled = False

    # ----- queries -----------------------------------------------------------------------
    @property
    def filled(self) -> bool:
        """Whether the table's documents are here (queries answer without loading)."""
        return self._filled

    def preview(self, rows: Mapping[int, CustomerRow]) -> None:
        """Rows worked out elsewhere (`list_preview`), drawn until the table is here."""
        if not self._filled:
            self._preview = rows

    def _loaded(self) -> None:
        """Load the table if needed: loading is what fills this observer."""
        self.ctx.db.engine.docs(tables.CUSTOMERS)

    def query(self, q: ListQuery) -> list[int]:
        """Customer ids matching the query, in display order."""
        with self.ctx.db.engine.reading():
            self._loaded()
            key = (q, self._version, self.ctx.clock.today(), self.ctx.db.generation)
            if self._cache is not None and self._cache[0] == key:
                return self._cache[1]
            ids = self._filter(q)
            self._cache = (key, ids)
            return ids

    def query_now(self, q: ListQuery) -> list[int] | None:
        """The query's answer if it is quick to give: the store free, the table loaded and
        the sorted rows' search text made. None otherwise: ask `query` in a worker."""
        with self.ctx.db.engine.try_reading() as free:
            if not free or not self._filled:
                return None
            base = self._orders.get(self._order_state(q))
            if base is None or len(base.texts) != len(base.ids) or q.segment is not None:
                return None  # a sort, a save or segment members to score: not instant
            return self.query(q)

    def _order_state(self, q: ListQuery) -> tuple[Any, ...]:
        """What a sorted base list depends on."""
        return (q.sort, q.descending, q.deleted, self._version, self.ctx.clock.today())

    def _base(self, q: ListQuery) -> Matches:
        """Live (or trashed) ids in the query's sort order with their search text, kept
        until the data changes: filtering an ordered list keeps its order, so a keystroke
        never re-sorts 100,000 rows."""
        state = self._order_state(q)
        base = self._orders.get(state)
        if base is None:
            self._orders = {}  # older states are stale
            docs = self._docs
            ordered = [i for i in self._sorted(list(docs), q)
                       if bool(docs[i].get("deleted_at")) == q.deleted]
            base = self._orders[state] = Matches(ordered, [])
        return base

    def _search_texts(self, matches: Matches) -> list[str]:
        """The search text of every row, made once per customer version and kept."""
        if len(matches.texts) != len(matches.ids):
            made, docs = self._text_by_id, self._docs
            for i in matches.ids:
                if i not in made:
                    made[i] = search_text(docs[i])
            matches.texts[:] = [made[i] for i in matches.ids]
        return matches.texts

    def warm(self) -> None:
        """Make the search text ahead of the first keystroke (a worker calls this)."""
        with self.ctx.db.engine.reading():
            self._loaded()
            self._search_texts(self._base(ListQuery()))

    def _text_matches(self, q: ListQuery, text: str) -> Matches:
        """Rows containing every word, remembered per text while the rows stay the same
        (backspace answers at once). Typing on narrows the longest remembered answer it
        extends instead of scanning everything again: "ann" can only match rows that
        matched "an"."""
        base = self._base(q)
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

    def _filter(self, q: ListQuery) -> list[int]:
        text = fold(q.text.strip())
        ids = self._text_matches(q, text).ids if text else self._base(q).ids
        docs = self._docs
        if q.status:
            ids = [i for i in ids if docs[i].get("status") == q.status]
        if q.customer_type:
            ids = [i for i in ids if docs[i].get("customer_type") == q.customer_type]
        if q.tag:
            tag = q.tag.casefold()
            ids = [i for i in ids if tag in {t.casefold() for t in docs[i].get("tags") or []}]
        if q.segment is not None:
            members = set(self.segments.members(q.segment))
            ids = [i for i in ids if i in members]
        return ids

    def _sorted(self, ids: list[int], q: ListQuery) -> list[int]:
        key = SORT_KEYS.get(q.sort, SORT_KEYS["name"])
        standing = self.segments.membership.groups().standing if q.sort in NEEDS_STANDING else {}
        docs = self._docs
        # Two stable sorts instead of one on (value, id) tuples: building and comparing a
        # tuple per customer was most of the first paint (bench/README.md). Ties stay in
        # id order either way (a reversed stable sort keeps the order of equal keys).
        by_id = sorted(ids)
        return sorted(by_id, key=lambda i: key(docs[i], standing.get(i)), reverse=q.descending)

    def rows_now(self, ids: Iterable[int]) -> dict[int, CustomerRow]:
        """The rows of these customers, without waiting for the store: what a screenful
        needs, with one catch-up. While a worker holds the store (loading a million events,
        scoring everyone) rows are made from this list's own copy of the documents, which
        the store keeps current; ids missing from the answer cannot be drawn yet. Before
        the table is here at all, the preview's rows are drawn."""
        if not self._filled:
            preview = self._preview
            return {i: preview[i] for i in ids if i in preview}
        with self.ctx.db.engine.try_reading() as free:
            if free:
                docs = {i: self._docs[i] for i in ids if i in self._docs}
                standings = self.segments.membership.standings(docs)
                return {i: _row(i, doc, standings[i]) for i, doc in docs.items()}
        rows = {}
        for i in ids:
            doc = self._docs.get(i)
            standing = None if doc is None else self.segments.membership.standing_unlocked(i, doc)
            if doc is not None and standing is not None:
                rows[i] = _row(i, doc, standing)
        return rows

    def row(self, customer_id: int) -> CustomerRow:
        with self.ctx.db.engine.reading():
            self._loaded()  # a row of the preview, acted on before the table was here
            doc = self._docs[customer_id]
            return _row(customer_id, doc, self.segments.membership.standing(customer_id, doc))

    def tags(self) -> list[str]:
        """Every tag in use, for the tag filter."""
        with self.ctx.db.engine.reading():
            self._loaded()
            found = {t for d in self._docs.values() for t in d.get("tags") or []}
            return sorted(found, key=str.casefold)


def _row(customer_id: int, doc: Doc, standing: Standing) -> CustomerRow:
    totals = totals_of(doc)
    return CustomerRow(
        id=customer_id, name=display_name({**doc, "id": customer_id}),
        email=str(doc.get("email") or ""), phone=str(doc.get("phone") or ""),
        company=company_of(doc), customer_type=str(doc.get("customer_type") or ""),
        status=str(doc.get("status") or ""), tags=tuple(doc.get("tags") or ()),
        orders=totals.order_count, spent_cents=totals.total_spent_cents,
        last_order=_day(totals.last_order_date), standing=standing,
    )


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""
