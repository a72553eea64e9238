"""Reading the audit log: everything about a customer (for GDPR export and erase).

The entries are written by `Changes` (changes.py) in the same commit as the change they
describe: `at`, `who`, `action` (the use case's label), `entity` (the table), `entity_id`,
`op` (create, update, delete, batch, erase) and `changes` ({field: [old, new]}).
Entry ids grow with every commit, so "newest first" is "highest id first": unlike `at`,
that order holds even when the clock is fixed (tests, `--as-of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from tinydb.table import Document

from crm_tui.store import StoreTable

from . import tables
from .context import ServiceContext
from .records import with_id

TABLE = tables.AUDIT
Ref = tuple[str, int]


def entity_key(entry: Mapping[str, Any]) -> Ref | None:
    """(table, record id) of an entry; batch summaries name no record and are not indexed."""
    entity, entity_id = entry.get("entity"), entry.get("entity_id")
    return None if entity is None or entity_id is None else (entity, entity_id)


def customers_mentioned(entry: Mapping[str, Any]) -> set[int]:
    """The customers an entry is about: the customer record itself, or the customer a
    history record (purchase, interaction...) belonged to before or after the change.

    Only creations, deletions and re-assignments carry `customer_id` in their changes;
    `AuditService.about_customer` follows those to the record's other entries.
    """
    if entry.get("entity") == tables.CUSTOMERS and isinstance(entry.get("entity_id"), int):
        return {entry["entity_id"]}
    changes = entry.get("changes")
    pair = changes.get("customer_id") if isinstance(changes, Mapping) else None
    if not isinstance(pair, list):
        return set()
    return {v for v in pair if isinstance(v, int) and not isinstance(v, bool)}


class AuditService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.table: StoreTable = ctx.db.table(TABLE)
        self.table.create_index("entity", entity_key)
        self.table.create_index("customers_mentioned", customers_mentioned, multi=True)

    def about_customer(self, customer_id: int,
                       records: Iterable[Ref] = ()) -> list[dict[str, Any]]:
        """Every entry about a customer: its own record, the given records of its history,
        and records that belonged to it once (deleted or moved since). Newest first."""
        return self._newest_first(self.documents_about(customer_id, records))

    def documents_about(self, customer_id: int, records: Iterable[Ref] = ()) -> list[Document]:
        """`about_customer` as the stored documents (for GDPR erase, which rewrites them)."""
        refs = {(tables.CUSTOMERS, int(customer_id)), *records}
        for entry in self.table.find("customers_mentioned", int(customer_id)):
            ref = entity_key(entry)
            if ref is not None:
                refs.add(ref)
        found: dict[int, Document] = {}
        for ref in refs:
            for entry in self.table.find("entity", ref):
                found[entry.doc_id] = entry
        return list(found.values())

    @staticmethod
    def _newest_first(entries: Iterable[Document]) -> list[dict[str, Any]]:
        return [with_id(d) for d in sorted(entries, key=lambda d: d.doc_id, reverse=True)]

    def all(self) -> Iterator[dict[str, Any]]:
        """Every entry, oldest first (exports of the whole log)."""
        for doc in sorted(self.table, key=lambda d: d.doc_id):
            yield with_id(doc)
