"""Import batches: their ids and history (the `imports` table), and what undoing one needs.

Every real import gets a batch id like `imp-20260615-0001` (the day's next number, taken
under the store's lock so two sessions never share one). Every document the import creates
or changes carries `import_batch`; for a document it changed, the `import_undo` table keeps
its before-image and a digest of what the import left, so `revert` can restore it unless
someone changed it since. Derived fields (a customer's totals and loyalty counters, which
move with every purchase) are left out of that digest: they are not what the import set.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from crm_tui.domain.errors import ValidationError
from crm_tui.services import tables
from crm_tui.store import Database

from .batch_process import shown_status, this_process
from .reports import BatchInfo, ImportReport

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

IMPORTS = tables.IMPORTS
IMPORT_UNDO = tables.IMPORT_UNDO
BATCH_FIELD = "import_batch"
DRY_RUN_BATCH = "imp-dry-run"
# Kept by the services from other records (purchases, ledger), not set by an import.
DERIVED_FIELDS: dict[str, frozenset[str]] = {
    tables.CUSTOMERS: frozenset({"order_count", "total_spent", "first_order_date",
                                 "last_order_date", "order_days", "loyalty_points",
                                 "points_earned"}),
}
_CREATED = "created"  # markers in BatchTracker._pending besides before-images
_REFRESH = "refresh"


def digest(table: str, doc: Mapping[str, Any] | None) -> str | None:
    """A short fingerprint of what an import set in a document (derived fields aside)."""
    if doc is None:
        return None
    derived = DERIVED_FIELDS.get(table, frozenset())
    kept = {k: v for k, v in doc.items() if k not in derived}
    return hashlib.blake2b(orjson.dumps(kept, option=orjson.OPT_SORT_KEYS),
                           digest_size=12).hexdigest()


class BatchTracker:
    """Marks what one batch creates and changes, chunk by chunk.

    Before-images are captured at a document's first change in the batch and written to
    `import_undo` when the chunk commits (`flush` inside the chunk's transaction, then
    `committed`); a chunk that rolls back forgets what it captured (`rolled_back`).
    """

    def __init__(self, crm: Crm, batch_id: str) -> None:
        self.crm = crm
        self.id = batch_id
        self._undo_ids: dict[tuple[str, int], int] = {}  # committed: (table, doc) -> undo doc
        self._new_undo: dict[tuple[str, int], int] = {}
        self._pending: dict[tuple[str, int], Any] = {}

    @property
    def stamp(self) -> dict[str, str]:
        """The field marking a document as this batch's (see `created`)."""
        return {BATCH_FIELD: self.id}

    def _stamp(self, table: str, doc_id: int) -> None:
        # replace() copies the document once; update() would copy it twice.
        store = self.crm.db.table(table)
        doc = store.get(doc_id=doc_id)
        if doc is not None and doc.get(BATCH_FIELD) != self.id:
            store.replace(doc_id, {**doc, BATCH_FIELD: self.id})

    def created(self, table: str, doc_id: int, *, stamped: bool = False) -> None:
        """Mark a document the batch created; `stamped` when it was written with `stamp`
        (which spares reading it back). The stamp is the whole mark: a document carrying
        it and no before-image reads as created (`before_change`, `was_created`), so
        nothing is kept per document created (an import creates one or two per row)."""
        if not stamped:
            self._stamp(table, doc_id)

    def before_change(self, table: str, doc_id: int) -> None:
        """Call before changing a document that exists (it may predate the batch)."""
        key = (table, doc_id)
        if key in self._pending:
            return
        doc = self.crm.db.table(table).get(doc_id=doc_id)
        if doc is None:
            return
        if doc.get(BATCH_FIELD) == self.id:  # created, or changed before, by this batch
            self._pending[key] = _REFRESH if key in self._undo_ids else _CREATED
        else:
            self._pending[key] = dict(doc)

    def was_created(self, table: str, doc_id: int) -> bool:
        """Whether this batch created the document (rather than found and changed it)."""
        doc = self.crm.db.table(table).get(doc_id=doc_id)
        key = (table, doc_id)
        return (doc is not None and doc.get(BATCH_FIELD) == self.id
                and key not in self._undo_ids and self._pending.get(key, _CREATED) is _CREATED)

    def after_change(self, table: str, doc_id: int) -> None:
        self._stamp(table, doc_id)

    def flush(self) -> None:
        """Write the chunk's before-images and after-digests (inside its transaction)."""
        undo = self.crm.db.table(IMPORT_UNDO)
        for (name, doc_id), before in self._pending.items():
            if before is _CREATED:
                continue
            after = digest(name, self.crm.db.table(name).get(doc_id=doc_id))
            if before is _REFRESH:
                undo.update({"after": after}, doc_ids=[self._undo_ids[(name, doc_id)]])
            else:
                self._new_undo[(name, doc_id)] = undo.append(
                    {"batch": self.id, "table": name, "doc_id": doc_id, "before": before,
                     "after": after})

    def committed(self) -> None:
        self._undo_ids.update(self._new_undo)
        self.rolled_back()

    def rolled_back(self) -> None:
        self._new_undo.clear()
        self._pending.clear()


# ----- the imports table ------------------------------------------------------------------
def _records(crm: Crm) -> list[tuple[int, dict[str, Any]]]:
    return [(doc.doc_id, dict(doc)) for doc in crm.db.table(IMPORTS)]


def find_batch(crm: Crm, batch_id: str) -> tuple[int, dict[str, Any]]:
    """The batch's document id and record, or ValidationError naming `batch`."""
    wanted = str(batch_id).strip()
    for doc_id, record in _records(crm):
        if record.get("batch") == wanted:
            return doc_id, record
    raise ValidationError("batch", f"no import batch {wanted!r}")


def open_batch(crm: Crm, kind: str, path: str | os.PathLike[str], options: Mapping[str, Any],
               ) -> str:
    """Allocate the next batch id of the day and record the import as running."""
    prefix = f"imp-{crm.ctx.clock.today():%Y%m%d}-"
    with crm.changes.change(f"Import {kind}", audit="none", undoable=False):
        numbers = [int(r["batch"][len(prefix):]) for _, r in _records(crm)
                   if str(r.get("batch", "")).startswith(prefix)
                   and r["batch"][len(prefix):].isdigit()]
        batch_id = f"{prefix}{max(numbers, default=0) + 1:04d}"
        crm.db.table(IMPORTS).insert({
            "batch": batch_id, "kind": kind, "file": Path(path).name,
            "path": str(Path(path).absolute()), "who": crm.ctx.staff,
            "at": crm.ctx.clock.stamp(), "status": "running", "options": dict(options),
            "rows": 0, "failed": 0, "counts": {}, "errors": 0, **this_process(),
        })
    return batch_id


def close_batch(crm: Crm, batch_id: str, report: ImportReport, status: str) -> None:
    """Record the outcome: counts, errors count, done (or failed when it stopped early)."""
    doc_id, _ = find_batch(crm, batch_id)
    with crm.changes.change(f"Import {report.kind}", audit="none", undoable=False):
        crm.db.table(IMPORTS).update({
            "status": status, "rows": report.rows, "failed": report.failed,
            "errors": report.failed, "finished_at": crm.ctx.clock.stamp(),
            "counts": {k: c.as_dict() for k, c in report.counts.items()},
        }, doc_ids=[doc_id])


def list_batches(crm: Crm) -> list[BatchInfo]:
    """Every import, newest first."""
    infos = [BatchInfo(
        batch_id=r.get("batch", ""), kind=r.get("kind", ""), file=r.get("file", ""),
        who=r.get("who", ""), at=r.get("at", ""), status=shown_status(r),
        rows=r.get("rows", 0), failed=r.get("failed", 0), counts=r.get("counts") or {},
        reverted_at=r.get("reverted_at"), reverted_by=r.get("reverted_by"),
    ) for _, r in _records(crm)]
    return sorted(infos, key=lambda b: (b.at, b.batch_id), reverse=True)


def forget_customer(db: Database, customer_id: int) -> int:
    """Drop the before-images that hold a customer's data, for GDPR erase (none of the
    erased data may survive anywhere). Call inside the erase's commit; returns how many."""
    undo = db.table(IMPORT_UNDO)
    doomed = [doc.doc_id for doc in undo
              if (doc.get("table") == tables.CUSTOMERS and doc.get("doc_id") == customer_id)
              or (doc.get("before") or {}).get("customer_id") == customer_id]
    if doomed:
        undo.remove(doc_ids=doomed)
    return len(doomed)
