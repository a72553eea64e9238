"""Consistent copies of a database (`crm backup`) and putting one back (`crm restore`).

A backup is taken under the database's lock (shared: a read-only database can be backed
up), so no commit or compaction runs meanwhile: crm.json, every table snapshot and the
journal up to its last commit are copied and fsync'd into a new directory, with an end
mark for that journal, and the copy is itself a database (`crm check` verifies it).
A restore never overwrites: the backup is verified, copied beside the database, and swapped
in by renames; the replaced database is kept as `<name>.pre-restore-<stamp>`.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from .check import CheckReport, check_database
from .endmark import END, EndMark
from .engine import JOURNAL, MANIFEST, TABLES, Engine
from .errors import StoreError
from .files import atomic_write, fsync_dir, read_bytes, write_all


def _copy_file(src: Path, dest: Path, mode: int, limit: int | None = None) -> None:
    data = read_bytes(src)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        write_all(fd, data if limit is None else data[:limit])
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_database(source: str | os.PathLike[str], dest: str | os.PathLike[str]) -> CheckReport:
    """Copy the database at `source` to the new directory `dest`; returns its check report."""
    target = Path(dest).expanduser()
    if target.exists():
        raise StoreError(f"{target}: already exists; a backup never overwrites anything")
    engine = Engine(source, create=False)
    try:
        with engine.locked(shared=True):  # the whole copy sees one committed state
            engine.refresh()
            facts = engine.journal_facts()
            end = facts["journal_bytes"]
            target.mkdir(mode=0o700, parents=True)
            (target / TABLES).mkdir(mode=0o700)
            _copy_file(engine.path / MANIFEST, target / MANIFEST, engine.mode)
            for snapshot in sorted(engine.tables_dir.glob("*.json")):
                _copy_file(snapshot, target / TABLES / snapshot.name, engine.mode)
            _copy_file(engine.journal_path, target / JOURNAL, engine.mode, limit=end)
            mark = EndMark(facts["epoch"], facts["generation"], end).encode()
            atomic_write(target / END, mark, engine.mode)
            fsync_dir(target / TABLES)
            fsync_dir(target)
    finally:
        engine.close()
    return check_database(target)


def restore_database(backup: str | os.PathLike[str], db: str | os.PathLike[str]) -> Path:
    """Make `db` a copy of `backup`; returns where the replaced database was kept."""
    source, target = Path(backup).expanduser(), Path(db).expanduser()
    check_database(source)  # refuse a damaged backup before touching anything
    staging = target.with_name(f"{target.name}.restoring")
    if staging.exists():
        shutil.rmtree(staging)  # our own leftover from an interrupted restore
    backup_database(source, staging)
    kept = target.with_name(f"{target.name}.pre-restore-{time.strftime('%Y%m%d-%H%M%S')}")
    if target.exists():
        engine = Engine(target, create=False)
        try:
            with engine.locked():  # no writer is mid-commit while the directories swap
                os.rename(target, kept)
                os.rename(staging, target)
        finally:
            engine.close()
    else:
        os.rename(staging, target)
    fsync_dir(target.parent)
    return kept
