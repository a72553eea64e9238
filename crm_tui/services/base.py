"""The base of the services whose records belong to a customer: purchases, the loyalty
ledger, interactions, deals, tasks and feedback.

Each keeps one table indexed by customer (a customer's history is read without a scan)
and reads the customers table beside it, to refuse records about a customer who does not
exist or was deleted and to hide the records of soft-deleted customers from lists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from tinydb.table import Document

from crm_tui.store import Index, StoreTable

from . import tables
from .agenda import INDEX_VERSION
from .changes import Changes
from .context import ServiceContext
from .edits import check_edit
from .records import (
    Record,
    fetch,
    save_edit,
    shown_records,
    stamped_new,
    with_id,
)

KeyFunc = Callable[[Mapping[str, Any]], Any]
Validator = Callable[..., dict[str, Any]]  # a domain `validate_*` (data, today=, partial=...)


def _customer_key(doc: Mapping[str, Any]) -> Any:
    return doc.get("customer_id")


def index_by_customer(table: StoreTable) -> None:
    """Declare the table's "customer" index. Of integer keys, it is written beside the
    snapshot by compaction, so one customer's records are read without loading the table
    (`StoreTable.find`, `Database.by`)."""
    table.create_index("customer", _customer_key, kind="int")


def disk_indexes() -> list[tuple[str, Index]]:
    """Every index the services keep on disk, with its table (new objects): what `crm
    check` compares with the records. The services are those imported (crm.py imports
    every one)."""
    by_customer = [(name, Index("customer", _customer_key, kind="int"))
                   for name in tables.CUSTOMER_HISTORY]
    return by_customer + [(cls.table_name, Index(name, key, kind="int", version=INDEX_VERSION))
                          for cls in CustomerRecords.__subclasses__()
                          for name, key in cls.dated + cls.keyed]


class CustomerRecords:
    """One table of records about customers, with the reads and checks every such service
    shares. Subclasses name their table and entity, and any further index they read by."""

    table_name: ClassVar[str]
    entity: ClassVar[str]  # how NotFoundError names one record
    indexes: ClassVar[tuple[tuple[str, KeyFunc], ...]] = ()  # (name, key) beyond "customer"
    # (name, key) of date indexes: keys are day numbers (agenda.open_day), or None, so they
    # are kept on disk too and read by range without loading the table
    dated: ClassVar[tuple[tuple[str, KeyFunc], ...]] = ()
    # (name, key) of the other indexes kept on disk beside those (`agenda.whose_key`)
    keyed: ClassVar[tuple[tuple[str, KeyFunc], ...]] = ()

    def __init__(self, ctx: ServiceContext, changes: Changes) -> None:
        self.ctx = ctx
        self.changes = changes
        self.table: StoreTable = ctx.db.table(self.table_name)
        index_by_customer(self.table)
        for name, key in self.indexes:
            self.table.create_index(name, key)
        for name, key in self.dated + self.keyed:
            self.table.create_index(name, key, kind="int", version=INDEX_VERSION)
        self.customers: StoreTable = ctx.db.table(tables.CUSTOMERS)

    # ----- reading -----------------------------------------------------------------------
    def get(self, record_id: int) -> Record:
        return with_id(self._fetch(record_id))

    def _fetch(self, record_id: int) -> Document:
        return fetch(self.table, self.entity, record_id)

    def _customer_documents(self, customer_id: int) -> list[Document]:
        """The customer's documents (in id order: each service sorts them its own way)."""
        return self.table.find("customer", int(customer_id))

    def _customer(self, customer_id: int, *, include_deleted: bool = False) -> Document:
        return fetch(self.customers, "customer", customer_id, include_deleted=include_deleted)

    def _shown_only(self, records: list[Record]) -> list[Record]:
        """The records lists show: anonymous ones and those of live customers."""
        return shown_records(self.customers, records)

    def _shown_records(self) -> list[Record]:
        """Every record but those of soft-deleted customers (what lists and counts show),
        streamed from the store: the table is not loaded (nor kept) for a list a session
        may show once."""
        every = [{"id": i, **doc} for i, doc in self.ctx.db.scan(self.table_name)]
        return self._shown_only(every)

    # ----- writing -----------------------------------------------------------------------
    def _require_customer(self, customer_id: int | None) -> None:
        """A record may only be written about a live customer (or none, when anonymous)."""
        if customer_id is not None:
            self._customer(customer_id)

    def _validated_new(self, validate: Validator, data: Mapping[str, Any]) -> dict[str, Any]:
        values = validate(data, today=self.ctx.clock.today())
        self._require_customer(values.get("customer_id"))
        return values

    def _insert_new(self, values: Mapping[str, Any]) -> int:
        return self.table.insert(stamped_new(values, self.ctx.clock.stamp(), self.ctx.staff))

    def _validated_edit(self, validate: Validator, record_id: int,
                        changes: Mapping[str, Any]) -> tuple[Document, dict[str, Any]]:
        """The stored record and the validated edit; moving it to another customer needs
        that customer live (keeping it on a since-deleted one is allowed)."""
        current = self._fetch(record_id)
        edit = validate(changes, today=self.ctx.clock.today(), partial=True, current=current)
        customer_id = edit.get("customer_id", current.get("customer_id"))
        if customer_id != current.get("customer_id"):
            self._require_customer(customer_id)
        return current, edit

    def _save(self, current: Document, edit: Mapping[str, Any],
              base: Mapping[str, Any] | None = None) -> bool:
        """Write the edit; with `base` (the record as the editor read it), refuse it with
        EditConflict when it changes a field someone else changed since (see `edits`)."""
        if base is not None:
            check_edit(self.ctx, self.table_name, current.doc_id, base, current,
                       {**current, **edit}, shown=with_id(current))
        return save_edit(self.table, current, edit, self.ctx.clock.stamp())

    def _remove(self, label: str, record_id: int) -> None:
        with self.changes.change(label):
            self.table.remove(doc_ids=[self._fetch(record_id).doc_id])
