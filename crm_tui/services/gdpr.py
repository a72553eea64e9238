"""GDPR for one customer: export everything held about them, erase it for good, and say
whether marketing may reach them.

Erase anonymises (domain.gdpr) the customer, its addresses and notes, every record of its
history that holds free text about the person, and every audit entry about any of them, in
one commit. Amounts, dates, statuses and ids stay, so revenue, loyalty and pipeline figures
do not move. The commit is not undoable (undo would bring the data back) and its own audit
entry records only that an erase happened; the erasure record (erasures.py) keeps what is
needed to find the person again, never who they were. The database is then compacted,
under the same hold of its lock (no backup can copy the journal in between): the journal
that still holds the old values is replaced, and every table the erase touched gets a
fresh snapshot, so no file of the database keeps a byte of the erased data. Copies of the
database are erased from by erase_everywhere.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from crm_tui.domain.gdpr import (
    ERASED,
    anonymise_audit_entry,
    anonymise_customer,
    anonymise_feedback,
    anonymise_interaction,
    anonymise_opportunity,
    anonymise_task,
)
from crm_tui.store import StoreError, StoreTable

from . import tables
from .audit import AuditService
from .base import index_by_customer
from .changes import Changes, field_changes
from .context import ServiceContext
from .erasures import erased_with_email, erasure_record, record_for
from .exchange.batches import IMPORT_UNDO, forget_customer
from .profiles import profile_of
from .records import fetch, with_id

ERASE_LABEL = "Erase customer (GDPR)"
EXPORT_FORMAT = "crm-tui-gdpr-export"
EXPORT_VERSION = 1
Anonymiser = Callable[[Mapping[str, Any]], dict[str, Any]]

# Free text that domain.gdpr has no entity for: a ledger note is typed by staff when
# redeeming or adjusting points and may quote the customer, and so may a purchase's note
# (an order's note from a shop: "gift-wrapped for her sister"). Otherwise a purchase holds
# nothing personal (item names describe the catalog, not the person): amounts stay.
EXTRA_PERSONAL: dict[str, frozenset[str]] = {tables.LEDGER: frozenset({"note"}),
                                             tables.PURCHASES: frozenset({"note"})}


def _scrub_extra(doc: Mapping[str, Any], table: str) -> dict[str, Any]:
    result = dict(doc)
    for name in EXTRA_PERSONAL.get(table, frozenset()):
        if result.get(name) not in (None, ""):
            result[name] = ERASED
    return result


ANONYMISERS: dict[str, Anonymiser] = {
    tables.INTERACTIONS: anonymise_interaction,
    tables.OPPORTUNITIES: anonymise_opportunity,
    tables.TASKS: anonymise_task,
    tables.FEEDBACK: anonymise_feedback,
    tables.LEDGER: lambda doc: _scrub_extra(doc, tables.LEDGER),
    tables.PURCHASES: lambda doc: _scrub_extra(doc, tables.PURCHASES),
}


def anonymise_audit(entry: Mapping[str, Any]) -> dict[str, Any]:
    """An audit entry with every personal old/new value erased, ledger notes included."""
    result = anonymise_audit_entry(entry)
    extra = EXTRA_PERSONAL.get(str(entry.get("entity")), frozenset())
    for name in extra & set(result["changes"]):
        result["changes"][name] = [ERASED, ERASED]
    return result


@dataclass
class Erasure:
    """What an erase did: how many records of each table it rewrote (the audit
    included), and, when the database could not be compacted after it, why not: its
    journal then still holds the erased values until it is (`crm compact`, or the erase
    run again)."""

    customer_id: int
    records: dict[str, int]
    not_compacted: str | None = None


def failure_text(exc: Exception) -> str:
    """What went wrong, in a line: an OSError's reason and file, a store error's text."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc)


class GdprService:
    def __init__(self, ctx: ServiceContext, changes: Changes,
                 audit: AuditService | None = None) -> None:
        self.ctx = ctx
        self.changes = changes
        self.audit = audit or AuditService(ctx)
        self.customers: StoreTable = ctx.db.table(tables.CUSTOMERS)
        self.erasures: StoreTable = ctx.db.table(tables.ERASURES)
        self.history: dict[str, StoreTable] = {}
        for name in tables.CUSTOMER_HISTORY:
            table = self.history[name] = ctx.db.table(name)
            index_by_customer(table)

    # ----- export ------------------------------------------------------------------------
    def export(self, customer_id: int) -> dict[str, Any]:
        """Everything held about one customer, as JSON-safe data (a subject access request).

        Keys: format, version, exported_at, exported_by, customer (with addresses, preferences and
        notes), computed (totals, segments, loyalty: profiling is personal data too), one
        list per history table (purchases, ledger, interactions, ...), and audit (every
        entry about the customer and its records, oldest first). Deleted and erased
        customers are exported as they are stored.
        """
        customer = fetch(self.customers, "customer", customer_id, include_deleted=True)
        history = {name: sorted((with_id(d) for d in table.find("customer", customer.doc_id)),
                                key=lambda d: d["id"])
                   for name, table in self.history.items()}
        refs = [(name, doc["id"]) for name, docs in history.items() for doc in docs]
        profile = profile_of(customer.doc_id, customer, self.ctx.as_of(), self.ctx.settings)
        data = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": self.ctx.clock.stamp(),
            "exported_by": self.ctx.staff,
            "customer": with_id(customer),
            "computed": profile.computed_facts(),
            **history,
            "audit": self.audit.about_customer(customer.doc_id, refs)[::-1],
        }
        # A deep copy through JSON: callers may change it freely, and it is proven JSON-safe.
        return orjson.loads(orjson.dumps(data))

    # ----- erase -------------------------------------------------------------------------
    def erase(self, customer_id: int) -> Erasure:
        """Anonymise a customer and its history for good, then compact the database so no
        file keeps the old values. Not undoable. Erasing an erased customer again redoes
        what may have been left undone (the compaction).

        Call it on its own, not inside another `changes.change()`."""
        with self.ctx.db.exclusive():  # no backup copies the journal in between
            records = self._anonymise(customer_id)
            try:
                self.ctx.db.compact()
            except (OSError, StoreError) as exc:  # the erase itself is saved: say what is left
                return Erasure(customer_id, records, failure_text(exc))
        return Erasure(customer_id, records)

    def _anonymise(self, customer_id: int) -> dict[str, int]:
        """The erase's one commit; returns how many records of each table it rewrote."""
        stamp = self.ctx.clock.stamp()
        with self.changes.change(ERASE_LABEL, audit="none", undoable=False):
            customer = fetch(self.customers, "customer", customer_id, include_deleted=True)
            if not customer.get("erased") and record_for(self.erasures, customer.doc_id) is None:
                self.erasures.append(erasure_record(customer.doc_id, customer, stamp,
                                                    self.ctx.staff))
            erased = {**anonymise_customer(customer), "updated_at": stamp,
                      "deleted_at": customer.get("deleted_at") or stamp}
            self.customers.replace(customer.doc_id, erased)
            counts = {tables.CUSTOMERS: 1}
            refs = []
            for name, table in self.history.items():
                anonymise = ANONYMISERS.get(name)
                for doc in table.find("customer", customer.doc_id):
                    refs.append((name, doc.doc_id))
                    if anonymise is not None and _rewrite(table, doc, anonymise(doc)):
                        counts[name] = counts.get(name, 0) + 1
            forgotten = forget_customer(self.ctx.db, customer.doc_id)  # import before-images
            if forgotten:
                counts[IMPORT_UNDO] = forgotten
            for entry in self.audit.documents_about(customer.doc_id, refs):
                if _rewrite(self.audit.table, entry, anonymise_audit(entry)):
                    counts[tables.AUDIT] = counts.get(tables.AUDIT, 0) + 1
            # Written by hand (audit="none" above): the automatic entry would hold every
            # erased value as an "old" value. This one says only what happened.
            watched = ("erased", "deleted_at")
            self.audit.table.append({
                "at": stamp, "who": self.ctx.staff, "action": ERASE_LABEL,
                "entity": tables.CUSTOMERS, "entity_id": customer.doc_id, "op": "erase",
                "changes": field_changes({k: customer.get(k) for k in watched},
                                         {k: erased.get(k) for k in watched}),
                "records": counts,
            })
        return counts

    def erasure_record(self, customer_id: int) -> dict[str, Any] | None:
        """What was kept of an erased customer to find them again (erasures.py)."""
        return record_for(self.erasures, customer_id)

    def find_erased(self, email: str) -> int | None:
        """The number of the erased customer who had this email: so that an erase left
        unfinished can be run again by the email it was first given."""
        return erased_with_email(self.erasures, email)


def _rewrite(table: StoreTable, doc: Any, new: dict[str, Any]) -> bool:
    """Store `new` in place of `doc` if it differs; says whether it did."""
    if new == dict(doc):
        return False
    table.replace(doc.doc_id, new)
    return True
