"""GDPR erase everywhere the program keeps data: the database, then every copy of it.

The database first (gdpr.py: one commit, then a compaction). Then the work in progress
beside it and in its backups folder: a backup still being written is waited for (it may
hold the person), and what a killed or failed backup, restore or export left is removed.
Then each copy (backups.copies_of): in a copy tied to the database by its id, the
customer with the same number is the same customer, and is erased there the same way;
in an untied one (from before ids, or in the backups folder but of another database),
only the same person (erasures.same_person) is. A copy that cannot be opened or written
does not stop the others: the report names each place the erase could not reach, and
why. Running the erase again (by number, or by the email it was first given) redoes
whatever was left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.store import Database, StoreError
from crm_tui.store.files import remove_dead_partials
from crm_tui.store.identity import ensure_database_id

from . import tables
from .backups import Copy, copies_of, managed_backup_dir
from .crm import Crm
from .erasures import same_person
from .gdpr import Erasure, failure_text


@dataclass
class ErasureReport:
    erasure: Erasure  # in the database itself
    scrubbed: list[Path] = field(default_factory=list)  # copies the customer was erased from
    failed: list[tuple[Path, str]] = field(default_factory=list)  # copies it could not reach
    removed: list[Path] = field(default_factory=list)  # unfinished work removed

    @property
    def complete(self) -> bool:
        return self.erasure.not_compacted is None and not self.failed


def erase_everywhere(crm: Crm, customer_id: int) -> ErasureReport:
    """Erase the customer from the database `crm` has open and from every copy of it."""
    report = ErasureReport(crm.gdpr.erase(customer_id))
    db_path = crm.db.path
    record = crm.gdpr.erasure_record(customer_id)
    for folder in (managed_backup_dir(db_path), db_path.parent):
        try:
            report.removed += remove_dead_partials(folder, wait=True)
        except OSError as exc:
            report.failed.append((folder, f"unfinished work could not be removed "
                                          f"({failure_text(exc)})"))
    try:
        db_id = ensure_database_id(db_path)
    except (OSError, StoreError) as exc:
        report.failed.append((db_path, f"its copies cannot be told apart: {failure_text(exc)}"))
        db_id = None
    for copy in copies_of(db_path, db_id):
        try:
            outcome = _erase_in_copy(crm, copy, customer_id, record)
        except (OSError, StoreError, ValidationError, NotFoundError) as exc:
            report.failed.append((copy.path, failure_text(exc)))
            continue
        if outcome is not None and outcome.not_compacted is not None:
            report.failed.append((copy.path, outcome.not_compacted))
        elif outcome is not None:
            report.scrubbed.append(copy.path)
    return report


def _erase_in_copy(crm: Crm, copy: Copy, customer_id: int,
                   record: dict[str, Any] | None) -> Erasure | None:
    """Erase the customer in one copy; None when the copy does not hold them."""
    other = Crm(Database(copy.path, create=False), clock=crm.ctx.clock, staff=crm.ctx.staff)
    try:
        doc = other.db.table(tables.CUSTOMERS).get(doc_id=customer_id)
        if doc is None:
            return None
        if not copy.tied and doc.get("erased"):
            other.db.compact()  # an erase there may have been cut short: finish it
            return None
        if not copy.tied and (record is None or not same_person(record, doc)):
            return None  # someone else under the same number
        return other.gdpr.erase(customer_id)
    finally:
        other.close()
