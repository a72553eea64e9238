"""Backups the program manages: `crm backup` with no path writes them beside the database,
and a GDPR erase scrubs them too, so erased data does not live on in our own copies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crm_tui.store import Database
from crm_tui.store.backup import backup_database
from crm_tui.store.check import CheckReport

from .context import Clock
from .crm import Crm


def managed_backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def managed_backups(db_path: Path) -> list[Path]:
    folder = managed_backup_dir(db_path)
    return sorted(folder.glob(f"{db_path.stem}-*.db")) if folder.is_dir() else []


def create_backup(db_path: Path, dest: Path | None, now: dt.datetime) -> CheckReport:
    """Back up to `dest`, or to a new managed backup named after the time."""
    if dest is None:
        folder = managed_backup_dir(db_path)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        dest = folder / f"{db_path.stem}-{now:%Y%m%d-%H%M%S}.db"
    return backup_database(db_path, dest)


def scrub_backups(db_path: Path, customer_id: int, clock: Clock, staff: str) -> list[Path]:
    """Erase the customer in every managed backup too (same ids: they are copies)."""
    scrubbed = []
    for backup in managed_backups(db_path):
        crm = Crm(Database(backup, create=False), clock=clock, staff=staff)
        try:
            if crm.db.table("customers").get(doc_id=customer_id) is not None:
                crm.gdpr.erase(customer_id)
                scrubbed.append(backup)
        finally:
            crm.close()
    return scrubbed
