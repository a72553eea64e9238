"""Putting a backup back (`crm restore`): atomic from the user's view, finished after a kill.

The backup is verified first (backup.verify_backup: an intact database holding data, its
backup record matching it), then copied beside the database into a folder under an
unpredictable name and verified again there. Only then is anything moved: a restore
record is written (restore_record.py) and, holding the database's lock, the database is
renamed to `<name>.pre-restore-<time>` (kept, with its id: it is a copy of the database
and GDPR erase finds it) and the copy renamed into its place. Killed at any moment, the
next open of the database, by any command, finishes the swap or undoes it.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

from .backup import copy_database, copy_errors, refuse_target, verify_backup
from .check import check_database
from .engine import Engine
from .errors import StoreError
from .files import make_dir, partial_dir, remove_dead_partials
from .identity import ensure_database_id
from .places import is_database
from .restore_record import RestoreRecord, begin, end, settle_restore, swap_in


def _kept_name(target: Path, stamp: str) -> Path:
    kept = target.with_name(f"{target.name}.pre-restore-{stamp}")
    n = 1
    while os.path.lexists(kept):
        n += 1
        kept = target.with_name(f"{target.name}.pre-restore-{stamp}-{n}")
    return kept


def _refuse(source: Path, target: Path) -> None:
    if os.path.lexists(target):
        if not is_database(target):
            raise StoreError(f"{target}: not a crm-tui database; a restore never replaces it")
        if os.path.samefile(source, target):
            raise StoreError(f"{source}: is the database itself")
    else:
        refuse_target(target, "a restore")
    if target.resolve() in Path(os.path.realpath(source)).parents:
        raise StoreError(f"{source}: is inside the database it would replace")


def restore_database(backup: str | os.PathLike[str], db: str | os.PathLike[str],
                     *, stamp: str) -> Path | None:
    """Make `db` a copy of `backup`; returns where the replaced database was kept (None
    when there was none). `stamp` names the kept copy (`<name>.pre-restore-<stamp>`)."""
    source, target = Path(backup).expanduser(), Path(db).expanduser()
    settle_restore(target, writable=True)  # one killed earlier is finished first
    verify_backup(source)
    _refuse(source, target)
    make_dir(target.parent, exist_ok=True)
    remove_dead_partials(target.parent)
    existed = os.path.lexists(target)
    if existed:
        ensure_database_id(target)  # so that the kept copy is known as its copy
    engine = Engine(source, create=False)
    try:
        with ExitStack() as stack:
            with copy_errors(target, "the restore", "the database is as it was"):
                staging = stack.enter_context(partial_dir(target.parent, target.name))
                copy_database(engine, staging)
            check_database(staging)
            kept = _kept_name(target, stamp) if existed else None
            record = RestoreRecord(staging.name, kept.name if kept else None,
                                   os.lstat(staging).st_ino,
                                   os.lstat(target).st_ino if existed else None)
            try:
                fd = begin(target, record)
            except FileExistsError:
                raise StoreError(f"{target}: another restore into it is under way") from None
            try:
                if kept is None:
                    os.rename(staging, target)
                else:
                    swap_in(target, staging, kept)
            except BaseException:
                os.close(fd)  # the record stays: undone below, or by the next open
                raise
            end(target, fd)
    finally:
        engine.close()
        # A swap that failed half-way is undone now that its copy is gone (nothing to do
        # when it succeeded or never began).
        settle_restore(target, writable=True)
    return kept
