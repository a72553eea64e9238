"""The unit of work: every change is one atomic commit, audited, and undoable in the session.

    with ctx_changes.change("Record purchase"):
        ...writes through the store...

On exit the store transaction knows every document it changed (before and after); from
that this module writes the audit entries into the same commit (who, when, which entity,
old -> new values) and pushes an undo entry for the session. Undo writes the "before"
documents back, unless someone changed them since (then it refuses, naming the record).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from crm_tui.domain.errors import ValidationError
from crm_tui.store import Transaction

from . import tables
from .context import ServiceContext

AUDIT_TABLE = tables.AUDIT
UNDO_DEPTH = 50
# Tables whose changes are bookkeeping, not user data: never audited, never undone.
UNTRACKED = frozenset({AUDIT_TABLE})

Doc = dict[str, Any]
ChangeSet = dict[str, dict[int, tuple[Doc | None, Doc | None]]]


@dataclass(frozen=True)
class UndoEntry:
    label: str
    at: str
    changed: ChangeSet


def field_changes(before: Mapping[str, Any] | None,
                  after: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field that differs."""
    old, new = before or {}, after or {}
    return {k: [old.get(k), new.get(k)] for k in sorted(set(old) | set(new))
            if old.get(k) != new.get(k)}


def operation(before: Doc | None, after: Doc | None) -> str:
    if before is None:
        return "create"
    if after is None:
        return "delete"
    return "update"


class Changes:
    """Owns the session's undo stack and writes audit entries; one per ServiceContext."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._undo: deque[UndoEntry] = deque(maxlen=UNDO_DEPTH)
        # Per thread: a use case another thread runs (a worker's bulk change) must not
        # make this thread's own change join it (it waits for the store's lock instead).
        self._nesting = threading.local()

    def change(self, label: str, *, audit: str = "each",
               undoable: bool = True) -> AbstractContextManager[Transaction]:
        """One use case = one commit. `audit`: "each" document, one "summary", or "none"."""
        if getattr(self._nesting, "depth", 0):
            # Joins the use case already running: its transaction, as is (each row of an
            # import is a use case joining the chunk's).
            return self.ctx.db.transaction()
        return self._change(label, audit, undoable)

    @contextmanager
    def _change(self, label: str, audit: str, undoable: bool) -> Iterator[Transaction]:
        self._nesting.depth = 1
        changed: ChangeSet = {}
        try:
            with self.ctx.db.transaction() as txn:
                yield txn
                if audit == "summary":
                    # Counting what was written is enough: comparing every document before
                    # and after was a tenth of a large import's time.
                    self._write_summary(label, {t: n for t, n in txn.written().items()
                                                if t not in UNTRACKED})
                if audit == "each" or undoable:
                    changed = {t: d for t, d in txn.changed().items() if t not in UNTRACKED}
                    if changed and audit == "each":
                        self._write_each(label, changed)
        finally:
            self._nesting.depth = 0
        if changed and undoable:
            self._undo.append(UndoEntry(label, self.ctx.clock.stamp(), changed))

    def _base(self, label: str) -> dict[str, Any]:
        return {"at": self.ctx.clock.stamp(), "who": self.ctx.staff, "action": label}

    def _write_summary(self, label: str, counts: dict[str, int]) -> None:
        if counts:
            self.ctx.db.table(AUDIT_TABLE).append({
                **self._base(label), "entity": None, "entity_id": None, "op": "batch",
                "changes": {"documents": counts}})

    def _write_each(self, label: str, changed: ChangeSet) -> None:
        table = self.ctx.db.table(AUDIT_TABLE)
        base = self._base(label)
        for name, docs in changed.items():
            for doc_id, (before, after) in docs.items():
                table.append({**base, "entity": name, "entity_id": doc_id,
                              "op": operation(before, after),
                              "changes": field_changes(before, after)})

    def _erased(self, name: str, doc_id: int, doc: Mapping[str, Any]) -> bool:
        """Is this document, or the customer it belongs to, erased (GDPR) by now?"""
        customers = self.ctx.db.table(tables.CUSTOMERS)
        owner = doc_id if name == tables.CUSTOMERS else doc.get("customer_id")
        current = customers.get(doc_id=owner) if isinstance(owner, int) else None
        return bool(current is not None and current.get("erased"))

    # ----- undo --------------------------------------------------------------------------
    @property
    def undo_labels(self) -> list[str]:
        """What `undo()` would undo, most recent first."""
        return [entry.label for entry in reversed(self._undo)]

    def undo(self) -> UndoEntry:
        """Undo the session's most recent change (and audit the undo)."""
        if not self._undo:
            raise ValidationError("undo", "nothing to undo in this session")
        entry = self._undo.pop()
        with self.change(f"Undo: {entry.label}", undoable=False):
            for name, docs in entry.changed.items():
                table = self.ctx.db.table(name)
                for doc_id, (before, after) in docs.items():
                    current = table.get(doc_id=doc_id)
                    if (dict(current) if current is not None else None) != after:
                        raise ValidationError(
                            "undo", f"cannot undo '{entry.label}': {name} #{doc_id} was "
                            "changed since (by another session or a later change)",
                        )
                    if before is not None and self._erased(name, doc_id, before):
                        raise ValidationError(
                            "undo", f"cannot undo '{entry.label}': it would bring back data "
                            "of a customer erased under GDPR",
                        )
                    if before is None:
                        table.remove(doc_ids=[doc_id])
                    else:
                        table.replace(doc_id, before)
        return entry
