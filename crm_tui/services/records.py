"""Helpers every area service shares: fetching live records, stamping, uniqueness checks,
hiding the records of soft-deleted customers and saving an edit only when it changes
something."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from tinydb.table import Document

from crm_tui.domain.aggregates.tally import since
from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.store import StoreTable

Record = dict[str, Any]  # a document as services hand it out: its fields and its "id"

# Documents read from disk per call of `documents_of`: a list naming every record's
# customer reads thousands of them, and holding all at once grows the process for good
# (the allocator keeps the peak), while one batch at a time stays small.
BATCH = 1000


def fetch(table: StoreTable, entity: str, record_id: int, *,
          include_deleted: bool = False) -> Document:
    """The record, or NotFoundError (also for soft-deleted ones unless asked for)."""
    doc = table.get(doc_id=int(record_id))
    if doc is None or (doc.get("deleted_at") and not include_deleted):
        raise NotFoundError(entity, record_id)
    return doc


def with_id(doc: Document) -> Record:
    """A plain dict of the document that carries its id (what services hand out)."""
    return {"id": doc.doc_id, **doc}


def documents_of(table: StoreTable, ids: Iterable[int]) -> Iterator[Document]:
    """The table's documents of these ids (those that exist), in id order, read a batch at
    a time."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), BATCH):
        yield from table.get(doc_ids=wanted[start:start + BATCH])


def newest_first(docs: Iterable[Document]) -> list[Record]:
    """The dated documents as records, latest date first (the later-created first on a day)."""
    return latest_first(map(with_id, docs))


def latest_first(records: Iterable[Record]) -> list[Record]:
    """The dated records, latest date first (the later-created first on a day)."""
    return sorted(records, key=lambda d: (d["date"], d["id"]), reverse=True)


def existed_on(doc: Mapping[str, Any], day: dt.date) -> bool:
    """Whether the record was there by the end of `day`, as a figure "as of" a past day
    counts it: created by then, or (a customer entered later with an older history, as an
    import brings one) buying by then. A record without a creation stamp always was."""
    return since(doc) <= day.isoformat()


def live_customers(customers: StoreTable, ids: Iterable[int]) -> set[int]:
    """Those of these customers that exist and are not soft-deleted (whose records lists
    show), read a batch at a time."""
    return {doc.doc_id for doc in documents_of(customers, ids) if not doc.get("deleted_at")}


def shown_records(customers: StoreTable, records: list[Record]) -> list[Record]:
    """The records shown in lists: anonymous ones and those of customers not soft-deleted
    (a soft-deleted customer is hidden everywhere but its own history, records included),
    their customers read together, a batch at a time."""
    wanted = {int(r["customer_id"]) for r in records if r.get("customer_id") is not None}
    live = live_customers(customers, wanted)
    return [r for r in records
            if r.get("customer_id") is None or int(r["customer_id"]) in live]


def save_edit(table: StoreTable, current: Document, edit: Mapping[str, Any],
              stamp: str) -> bool:
    """Write the changed fields; an edit that changes nothing writes (and audits) nothing."""
    if all(current.get(k) == v for k, v in edit.items()):
        return False
    table.update({**edit, "updated_at": stamp}, doc_ids=[current.doc_id])
    return True


def stamped_new(values: Mapping[str, Any], stamp: str, staff: str) -> dict[str, Any]:
    return {**values, "created_at": stamp, "updated_at": stamp, "created_by": staff}


def ensure_unique(table: StoreTable, index: str, key: Any, field: str, *,
                  exclude: int | None = None, describe: Any = None) -> None:
    """Refuse a value another record already has (e.g. an email), naming that record."""
    if key is None:
        return
    for other in table.find_ids(index, key) - ({exclude} if exclude is not None else set()):
        doc = table.get(doc_id=other)
        who = describe(doc) if describe and doc is not None else f"#{other}"
        deleted = doc is not None and doc.get("deleted_at")
        state = " (deleted: restore it instead)" if deleted else ""
        raise ValidationError(field, f"is already used by {who}{state}")
