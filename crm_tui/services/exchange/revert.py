"""Undoing one import batch, and nothing else.

    revert(crm, "imp-20260615-0002")

- Documents the batch changed get their before-image back, unless they changed since the
  import (their digest no longer matches what the import left): those are reported, kept.
- Purchases it created are deleted through `crm.sales.delete`, so the customer's totals
  and loyalty points follow exactly as for a purchase deleted in the app.
- Records it created are removed. A customer it created is removed with its loyalty
  ledger only when everything about them came from this batch; a customer who has since
  been given other records (a later purchase, points, a later import changed them) is
  kept and reported, as is a product other purchases now use.
- The batch is marked reverted, in the same commit. Reverting twice, or an unknown batch,
  is a ValidationError naming `batch`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crm_tui.domain.errors import ValidationError
from crm_tui.services import tables

from .batch_process import running_now
from .batches import BATCH_FIELD, DERIVED_FIELDS, IMPORT_UNDO, IMPORTS, digest, find_batch
from .reports import RevertReport

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

CUSTOMERS, PURCHASES, LEDGER = tables.CUSTOMERS, tables.PURCHASES, tables.LEDGER
ACTIVITY = (tables.INTERACTIONS, tables.OPPORTUNITIES, tables.TASKS, tables.FEEDBACK)
HISTORY = (PURCHASES, *ACTIVITY)
SCANNED = (CUSTOMERS, tables.PRODUCTS, *HISTORY, LEDGER)


class Reverter:
    def __init__(self, crm: Crm, batch_id: str) -> None:
        self.crm, self.batch = crm, batch_id
        self.report = RevertReport(batch_id)
        self.undo: dict[tuple[str, int], dict[str, Any]] = {}
        self.undo_ids: list[int] = []
        for doc in crm.db.table(IMPORT_UNDO):
            if doc.get("batch") == batch_id:
                self.undo[(doc["table"], doc["doc_id"])] = dict(doc)
                self.undo_ids.append(doc.doc_id)
            elif (doc.get("before") or {}).get(BATCH_FIELD) == batch_id:
                self.keep(doc["table"], doc["doc_id"], f"changed by import {doc['batch']} "
                          "since: revert that one first")
        # What the batch created: its documents that have no before-image.
        self.created: dict[str, list[int]] = {
            name: [doc.doc_id for doc in crm.db.table(name)
                   if doc.get(BATCH_FIELD) == batch_id and (name, doc.doc_id) not in self.undo]
            for name in SCANNED
        }

    def table(self, name: str) -> Any:
        return self.crm.db.table(name)

    def keep(self, name: str, doc_id: int, why: str) -> None:
        self.report.kept.append(f"{name} #{doc_id}: {why}")

    # ----- which created customers can go ------------------------------------------------
    def _foreign_records(self, customer_id: int, batch_purchases: set[int]) -> str | None:
        """Why this customer must stay: records about them that this batch did not make."""
        for name in HISTORY:
            for doc in self.table(name).find("customer", customer_id):
                if doc.get(BATCH_FIELD) != self.batch:
                    return f"has {name} added since the import"
        for entry in self.table(LEDGER).find("customer", customer_id):
            if entry.get("purchase_id") not in batch_purchases and \
                    entry.get(BATCH_FIELD) != self.batch:
                return "has loyalty points changed since the import"
        return None

    def removable_customers(self) -> set[int]:
        batch_purchases = set(self.created[PURCHASES])
        doomed: set[int] = set()
        for customer_id in self.created[CUSTOMERS]:
            why = self._foreign_records(customer_id, batch_purchases)
            if why is None:
                doomed.add(customer_id)
            else:
                self.keep(CUSTOMERS, customer_id, why)
        return doomed

    # ----- undoing -----------------------------------------------------------------------
    def restore(self, name: str) -> None:
        """Write back the before-images of this table's documents the batch changed."""
        for (table_name, doc_id), entry in self.undo.items():
            if table_name != name:
                continue
            current = self.table(name).get(doc_id=doc_id)
            if current is None or digest(name, current) != entry.get("after"):
                self.keep(name, doc_id, "changed since the import; left as it is")
                continue
            before = dict(entry["before"])
            derived = DERIVED_FIELDS.get(name, frozenset())
            before.update({k: current[k] for k in derived if k in current})
            self.table(name).replace(doc_id, before)
            if name == PURCHASES:
                self._settle_purchase(doc_id, current, before)
            self.report.bump(self.report.restored, name)

    def _settle_purchase(self, purchase_id: int, after: dict[str, Any],
                         before: dict[str, Any]) -> None:
        """A purchase put back as it was: its customer's totals and points follow."""
        customer_id = before["customer_id"]
        self.crm.sales.rebuild_totals(customer_id)
        change = (before.get("points") or 0) - (after.get("points") or 0)
        if change:
            self.crm.loyalty.record_earn(customer_id, change, before["date"], purchase_id)

    def remove_purchases(self, doomed: set[int]) -> None:
        purchases = self.table(PURCHASES)
        for purchase_id in self.created[PURCHASES]:
            doc = purchases.get(doc_id=purchase_id)
            if doc is None:
                continue
            if doc["customer_id"] in doomed:  # the customer goes too: no totals to keep
                purchases.remove(doc_ids=[purchase_id])
            else:
                self.crm.sales.delete(purchase_id)
            self.report.bump(self.report.removed, PURCHASES)

    def remove_plain(self, name: str, ids: list[int]) -> None:
        present = [i for i in ids if self.table(name).contains(doc_id=i)]
        if present:
            self.table(name).remove(doc_ids=present)
            self.report.removed[name] = self.report.removed.get(name, 0) + len(present)

    def remove_customers(self, doomed: set[int]) -> None:
        ledger = self.table(LEDGER)
        for customer_id in sorted(doomed):
            entries = [e.doc_id for e in ledger.find("customer", customer_id)]
            if entries:
                ledger.remove(doc_ids=entries)
        self.remove_plain(CUSTOMERS, sorted(doomed))

    def reverse_adjustments(self, doomed: set[int]) -> None:
        """Points the batch granted by hand (legacy balances) to customers who stay."""
        for entry_id in self.created[LEDGER]:
            entry = self.table(LEDGER).get(doc_id=entry_id)
            if entry is not None and entry["customer_id"] not in doomed:
                self.crm.loyalty.adjust(entry["customer_id"], -entry["points"],
                                        f"revert of import {self.batch}")

    def remove_products(self) -> None:
        used = {doc.get("product_id") for doc in self.table(PURCHASES)}
        free = []
        for product_id in self.created[tables.PRODUCTS]:
            if product_id in used:
                self.keep(tables.PRODUCTS, product_id, "purchases use it; left in the catalogue")
            else:
                free.append(product_id)
        self.remove_plain(tables.PRODUCTS, free)

    def run(self) -> RevertReport:
        doomed = self.removable_customers()
        self.restore(PURCHASES)
        self.remove_purchases(doomed)
        for name in ACTIVITY:
            self.remove_plain(name, self.created[name])
        self.restore(CUSTOMERS)
        self.restore(tables.PRODUCTS)
        self.reverse_adjustments(doomed)
        self.remove_customers(doomed)
        self.remove_products()
        if self.undo_ids:
            self.table(IMPORT_UNDO).remove(doc_ids=self.undo_ids)
        return self.report


def revert(crm: Crm, batch_id: str) -> RevertReport:
    """Undo exactly one import batch (see the module docstring); one atomic commit."""
    doc_id, record = find_batch(crm, batch_id)
    if record.get("status") == "reverted":
        when, who = record.get("reverted_at"), record.get("reverted_by")
        raise ValidationError("batch", f"{batch_id} was already reverted ({when}, by {who})")
    if running_now(record):
        raise ValidationError("batch", f"{batch_id} is still importing (started {record.get('at')}"
                              f" by {record.get('who')}); revert it once it has finished")
    with crm.changes.change(f"Revert import {batch_id}", audit="summary", undoable=False):
        report = Reverter(crm, record["batch"]).run()
        crm.db.table(IMPORTS).update({
            "status": "reverted", "reverted_at": crm.ctx.clock.stamp(),
            "reverted_by": crm.ctx.staff, "revert": {
                "removed": report.removed, "restored": report.restored,
                "kept": len(report.kept)},
        }, doc_ids=[doc_id])
    return report

