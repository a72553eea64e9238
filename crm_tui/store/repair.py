"""`crm check --repair`: make a damaged database whole again, keeping every readable commit.

Under the database's lock (exclusive: no one writes meanwhile):

1. Every file of the database is copied, fsync'd, into `<name>.before-repair-<time>/`
   beside it, before anything is changed. Nothing is ever lost to the repair itself.
2. Everything still readable is read (salvage.py): each snapshot line whose checksum
   verifies, each journal commit whose checksum verifies, in order. Whatever cannot be
   read is described: which file, offset, line, and which document or commit.
3. The result is written as a compaction would (a new epoch): a snapshot of every table,
   a journal listing them, its end mark, and crm.json. Killed half-way, the database is
   as damaged as before at worst, and the repair can be run again.

Other sessions see a journal that does not continue theirs: they reload everything.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import endmark
from .check import CheckFailed, check_database
from .endmark import END, EndMark
from .engine import JOURNAL, MANIFEST, MANIFEST_BYTES, TABLE_NAME, TABLES
from .errors import CorruptFileError, NotADatabaseError, ReadOnlyError
from .files import atomic_write, file_mode_for, fsync_dir, make_dir
from .integrity import READ_ONLY_ERRNOS, why_read_only
from .journal import new_header
from .lockfile import LOCK, DatabaseLock
from .manifest import Manifest, SnapshotEntry, snapshot_names
from .salvage import SalvagedJournal, SalvagedTable, salvage_journal, salvage_snapshot
from .snapshot import SnapshotHeader, write_snapshot

Doc = dict[str, Any]


@dataclass
class RepairReport:
    path: Path
    found: list[str] = field(default_factory=list)  # the damage `crm check` saw
    dropped: list[str] = field(default_factory=list)  # what could not be kept
    notes: list[str] = field(default_factory=list)
    copy: Path | None = None  # where the files were copied first (None: nothing to do)
    tables: dict[str, int] = field(default_factory=dict)


def repair_database(path: str | os.PathLike[str]) -> RepairReport:
    root = Path(path).expanduser()
    report = RepairReport(root)
    try:
        check_database(root)
    except CheckFailed as exc:
        report.found = [str(problem) for problem in exc.report.problems]
    except (CorruptFileError, NotADatabaseError) as exc:
        report.found = [str(exc)]  # so damaged it cannot even be opened
    else:
        return report  # nothing to repair, nothing changed
    _refuse_foreign(root)
    if (why := why_read_only(root)) is not None:
        raise ReadOnlyError(root, why)
    mode = file_mode_for(root)
    lock = DatabaseLock(root / LOCK, mode, writable=True)
    try:
        lock.acquire(shared=False)
        report.copy = _copy_everything(root, mode)
        _rebuild(root, mode, report)
    except OSError as exc:
        if exc.errno in READ_ONLY_ERRNOS:
            raise ReadOnlyError(root, (exc.strerror or str(exc)).lower()) from exc
        raise
    finally:
        lock.close()
    report.tables = check_database(root).tables  # proves the result whole
    return report


def _refuse_foreign(root: Path) -> None:
    """Repair only what is recognisably a crm-tui database (never a stranger's folder)."""
    if not root.is_dir():
        raise NotADatabaseError(root, "no database here")
    marker = root / MANIFEST
    if marker.exists() and b'"crm-tui-database"' in marker.read_bytes()[:4096]:
        return
    journal = root / JOURNAL
    if journal.exists() and b'"crm-tui-journal"' in journal.read_bytes()[:4096]:
        return
    raise NotADatabaseError(root, "not recognisably a crm-tui database; refusing to touch it")


def _copy_everything(root: Path, mode: int) -> Path:
    copy = root.with_name(f"{root.name}.before-repair-{time.strftime('%Y%m%d-%H%M%S')}")
    while copy.exists():
        copy = copy.with_name(copy.name + "+")
    make_dir(copy)
    for source in sorted(root.rglob("*")):
        if source.is_file() and source.name != LOCK:
            target = copy / source.relative_to(root)
            make_dir(target.parent, exist_ok=True)
            shutil.copyfile(source, target)
            os.chmod(target, mode)
            with open(target, "rb") as handle:
                os.fsync(handle.fileno())
    for folder in (copy / TABLES, copy):
        if folder.exists():
            fsync_dir(folder)
    fsync_dir(copy.parent)
    return copy


def _rebuild(root: Path, mode: int, report: RepairReport) -> None:
    try:
        mark = endmark.read_file(root / END)
    except CorruptFileError as exc:
        mark = None
        report.notes.append(f"{exc}: rewritten")
    journal = salvage_journal(root / JOURNAL, mark)
    manifest = journal.header.manifest if journal.header else None
    tables: dict[str, SalvagedTable] = {}
    for name in sorted(snapshot_names(root / TABLES) | set(manifest or {})):
        path = root / TABLES / f"{name}.json"
        if not TABLE_NAME.match(name):
            report.notes.append(f"{path}: not a table's snapshot: left as it is")
            continue
        tables[name] = salvage_snapshot(path, name, (manifest or {}).get(name))
        report.dropped += tables[name].dropped
    report.dropped += journal.dropped
    report.notes += journal.notes
    _replay(journal, tables)
    epochs = [t.epoch for t in tables.values()]
    epochs += [journal.header.epoch] if journal.header else []
    epochs += [mark.epoch] if mark else []
    epoch = max(epochs, default=0) + 1
    generation = max([c["g"] for c in journal.commits if isinstance(c.get("g"), int)]
                     + [journal.header.generation if journal.header else 0]
                     + [mark.generation if mark else 0])
    _write(root, mode, epoch, generation, tables)


def _replay(journal: SalvagedJournal, tables: dict[str, SalvagedTable]) -> None:
    """Apply every readable commit, in order, over the snapshots (as loading does; for a
    snapshot a compaction wrote after some of these commits, applying whole documents
    again changes nothing)."""
    for record in journal.commits:
        for name in record.get("t", ()):
            tables.setdefault(name, SalvagedTable()).docs.clear()
        for name, docs in record.get("c", {}).items():
            table = tables.setdefault(name, SalvagedTable())
            for key, doc in docs.items():
                if doc is None:
                    table.docs.pop(int(key), None)
                else:
                    table.docs[int(key)] = doc
                table.last_id = max(table.last_id, int(key))
        for name, last in record.get("i", {}).items():
            table = tables.setdefault(name, SalvagedTable())
            table.last_id = max(table.last_id, int(last))


def _write(root: Path, mode: int, epoch: int, generation: int,
           tables: dict[str, SalvagedTable]) -> None:
    """Write the repaired database as a compaction would: snapshots, then the journal
    listing them (prev_size 0: no session takes it for the continuation of its own), then
    the end mark and crm.json. Sessions writing marks in place notice the new file."""
    make_dir(root / TABLES, exist_ok=True)
    for stale in [*(root / TABLES).glob("*.tmp"), *root.glob("*.tmp")]:
        stale.unlink()
    manifest: Manifest = {}
    for name, table in sorted(tables.items()):
        snapshot = SnapshotHeader(name, epoch, table.last_id, len(table.docs))
        path = root / TABLES / f"{name}.json"
        manifest[name] = SnapshotEntry(epoch, len(table.docs),
                                       write_snapshot(path, snapshot, table.docs, mode))
    journal = new_header(epoch, 0, generation, manifest)
    atomic_write(root / JOURNAL, journal.encode(), mode)
    atomic_write(root / END, EndMark(epoch, generation, journal.size).encode(), mode)
    marker = root / MANIFEST
    if not marker.exists() or marker.read_bytes() != MANIFEST_BYTES:
        atomic_write(marker, MANIFEST_BYTES, mode)
    fsync_dir(root)
