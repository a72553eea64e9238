"""Consistent copies of a database (`crm backup`), whole or not at all.

A backup is taken under the database's lock (shared: a read-only database can be backed
up), so no commit or compaction runs meanwhile: crm.json, the database's id, every table
snapshot and the journal up to its last commit are copied and fsync'd, with an end mark
for that journal. All of it goes into a new folder beside the destination under an
unpredictable name (files.partial_dir), which is then verified the way `crm check`
verifies a database, given its backup record (`backup.json`, written last: which
database it is a copy of, when, of how many documents) and only then renamed to the name
asked for. A backup killed or out of space half-way leaves no folder under that name: its
partial folder is never taken for a backup, and is removed by the next backup, restore or
erase in that folder.

A backup is tied to its database by the database's id (identity.py), never by its name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .check import CheckReport, check_database
from .endmark import END, EndMark
from .engine import JOURNAL, MANIFEST, TABLES, Engine
from .errors import StoreError
from .files import (
    atomic_write,
    file_mode_for,
    fsync_dir,
    make_dir,
    partial_dir,
    read_bytes,
    remove_dead_partials,
    write_all,
)
from .identity import ID_FILE, database_id, ensure_database_id
from .places import enclosing_database
from .record_files import decode_record, encode_record

RECORD = "backup.json"
BACKUP_FORMAT = "crm-tui-backup"


@dataclass(frozen=True)
class BackupRecord:
    """What a backup says of itself: the id of the database it copies (None for a
    database that could not be given one: read-only), when, from where, how much."""

    database: str | None
    taken_at: str
    source: str
    generation: int
    documents: int

    def encode(self) -> bytes:
        return encode_record(BACKUP_FORMAT, self)


def read_backup_record(path: Path) -> BackupRecord | None:
    """The record of the backup at `path`; None when it has none (not written by `crm
    backup`: a database, or a backup from an older crm-tui)."""
    try:
        data = read_bytes(path / RECORD)
    except FileNotFoundError:
        return None
    return decode_record(path / RECORD, data, BACKUP_FORMAT, BackupRecord,
                         "a crm-tui backup record")


def _copy_file(src: Path, dest: Path, mode: int, limit: int | None = None) -> None:
    data = read_bytes(src)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    try:
        os.fchmod(fd, mode)  # the umask narrowed what open was given
        write_all(fd, data if limit is None else data[:limit])
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_database(engine: Engine, dest: Path) -> int:
    """Copy the database `engine` has open into the empty folder `dest`, as one committed
    state; returns the commit number copied."""
    mode = file_mode_for(dest)
    with engine.locked(shared=True):  # the whole copy sees one committed state
        engine.refresh()
        facts = engine.journal_facts()
        end = facts["journal_bytes"]
        make_dir(dest / TABLES)
        _copy_file(engine.path / MANIFEST, dest / MANIFEST, mode)
        if (engine.path / ID_FILE).exists():
            _copy_file(engine.path / ID_FILE, dest / ID_FILE, mode)
        for snapshot in sorted(engine.tables_dir.glob("*.json")):
            _copy_file(snapshot, dest / TABLES / snapshot.name, mode)
        _copy_file(engine.journal_path, dest / JOURNAL, mode, limit=end)
        mark = EndMark(facts["epoch"], facts["generation"], end).encode()
        atomic_write(dest / END, mark, mode)
        fsync_dir(dest / TABLES)
        fsync_dir(dest)
    return facts["generation"]


@contextmanager
def copy_errors(target: Path, what: str, outcome: str) -> Iterator[None]:
    """An OSError while a copy is written aside (a full disk, a read-only folder) names
    the place asked for, not the unfinished folder, which is gone by then, and says what
    became of it (`outcome`)."""
    try:
        yield
    except OSError as exc:
        raise StoreError(f"{target}: {what} failed ({exc.strerror}); {outcome}") from exc


def refuse_target(target: Path, what: str) -> None:
    """A backup or restore never writes over anything, nor inside a database."""
    if os.path.lexists(target):
        raise StoreError(f"{target}: already exists; {what} never overwrites anything")
    inside = enclosing_database(target)
    if inside is not None:
        raise StoreError(f"{target}: is inside the database {inside}; {what} goes elsewhere")


def backup_database(source: str | os.PathLike[str], dest: str | os.PathLike[str],
                    *, taken_at: str = "") -> CheckReport:
    """Copy the database at `source` to the new folder `dest`; returns the copy's check
    report. Nothing appears at `dest` unless the whole copy was written and verified."""
    target = Path(dest).expanduser()
    refuse_target(target, "a backup")
    make_dir(target.parent, exist_ok=True)
    remove_dead_partials(target.parent)
    engine = Engine(source, create=False)
    try:
        db_id = ensure_database_id(engine.path)
        with copy_errors(target, "the backup", "nothing was written there"), \
                partial_dir(target.parent, target.name) as tmp:
            generation = copy_database(engine, tmp)
            report = check_database(tmp)
            record = BackupRecord(db_id, taken_at, str(engine.path.resolve()), generation,
                                  sum(report.tables.values()))
            atomic_write(tmp / RECORD, record.encode(), file_mode_for(tmp))
            if os.path.lexists(target):
                raise StoreError(f"{target}: already exists; a backup never overwrites anything")
            os.rename(tmp, target)
            fsync_dir(target.parent)
    finally:
        engine.close()
    report.path = target
    return report


def verify_backup(path: Path) -> CheckReport:
    """Is `path` a backup to restore: an intact database, holding data, and if it has a
    backup record, one that matches it? Raises StoreError (CheckFailed) saying why not."""
    record = read_backup_record(path)
    report = check_database(path)
    if record is not None and record.database != database_id(path):
        raise StoreError(f"{path / RECORD}: names database {record.database}, but the copy "
                         f"beside it is of {database_id(path)}: not as crm backup wrote it")
    if not sum(report.tables.values()):
        raise StoreError(f"{path}: holds no data (not one record): restoring it would "
                         "leave an empty database")
    return report
