"""Backups the program manages, and the copies of a database it knows of.

`crm backup` with no path writes a backup into the `backups` folder beside the database.
What ties a copy to its database is the database's id (store/identity.py), which every
copy carries, never a file name: `crm.db` and `crm.old` beside each other keep their
backups in the same folder under the same stem, and neither is the other's.

The copies of a database are the folders beside it and in its backups folder that carry
its id: its backups, its pre-restore copies, the copy a repair made first, copies made by
hand. Copies from before ids (an older crm-tui's backups and pre-restore copies) carry
none: they are listed as untied, and a GDPR erase looks in them for the same person, not
for whoever has the same number (erase_everywhere.py).
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from crm_tui.store.backup import backup_database
from crm_tui.store.check import CheckReport
from crm_tui.store.errors import CorruptFileError
from crm_tui.store.identity import database_id
from crm_tui.store.places import is_database

BACKUPS = "backups"
# Names an older crm-tui gave the copies it made beside a database.
OLD_COPY_NAMES = (".pre-restore-", ".before-repair-")


def managed_backup_dir(db_path: Path) -> Path:
    return db_path.parent / BACKUPS


def create_backup(db_path: Path, dest: Path | None, now: dt.datetime) -> CheckReport:
    """Back up to `dest`, or to a new managed backup named after the time."""
    if dest is None:
        folder = managed_backup_dir(db_path)
        dest = folder / f"{db_path.stem}-{now:%Y%m%d-%H%M%S}.db"
        n = 1
        while os.path.lexists(dest):
            n += 1
            dest = folder / f"{db_path.stem}-{now:%Y%m%d-%H%M%S}-{n}.db"
    return backup_database(db_path, dest, taken_at=now.isoformat(timespec="seconds"))


@dataclass(frozen=True)
class Copy:
    path: Path
    tied: bool  # carries the database's id (False: from before ids, or of another database)


def _folders(folder: Path) -> list[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [folder / e.name for e in entries
            if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)]


def copies_of(db_path: Path, db_id: str | None) -> list[Copy]:
    """The copies of the database at `db_path`: tied ones (its id), and untied ones that
    may hold the same people: every other database in its backups folder, and its copies
    from before ids beside it."""
    found = []
    managed = managed_backup_dir(db_path)
    for folder in (*_folders(managed), *_folders(db_path.parent)):
        if not is_database(folder) or os.path.samefile(folder, db_path):
            continue
        their_id = None
        with suppress(CorruptFileError):  # a damaged id ties nothing
            their_id = database_id(folder)
        if db_id is not None and their_id == db_id:
            found.append(Copy(folder, tied=True))
        elif folder.parent == managed or (
                their_id is None and folder.name.startswith(db_path.name)
                and any(n in folder.name for n in OLD_COPY_NAMES)):
            found.append(Copy(folder, tied=False))
    return found
