"""A restore in progress, written down so that a kill at any moment is finished by the next
open of the database, by any command.

A restore (restore.py) swaps folders by two renames: the database aside to its
pre-restore name, then the verified copy of the backup into its place. Between the two
there is no database at the path. Before the first rename it writes this record beside
the database, `.<name>.restoring`: the copy's and the kept folder's names and the inode
numbers of the new and old folders, so that what is at each name can be told apart. It
holds the record's `flock` until the swap is done, then removes the record.

Every open of a database looks for the record first (a stat). If there is one, it waits
for the lock (a restore still running: its result is what opens), and when it gets the
lock on a record still in place, the restore was killed: it finishes it (the copy was
verified before the record was written), or, if the copy is gone, puts the old database
back. So no command ever finds the path empty and creates a new database there.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import NotADatabaseError, StoreError
from .files import create_partial_file, file_mode_for, fsync_dir, write_all
from .lockfile import LOCK, DatabaseLock
from .record_files import decode_record, encode_record

RECORD_FORMAT = "crm-tui-restore"


def record_path(db: Path) -> Path:
    return db.with_name(f".{db.name}.restoring")


@dataclass(frozen=True)
class RestoreRecord:
    staging: str  # the verified copy of the backup, beside the database
    kept: str | None  # where the old database goes (None: there was none)
    new: int  # inode of the copy's folder
    old: int | None  # inode of the old database's folder

    def encode(self) -> bytes:
        return encode_record(RECORD_FORMAT, self)


def begin(db: Path, record: RestoreRecord) -> int:
    """Write the record, complete and locked before it appears under its name; returns
    the descriptor holding its lock (pass it to `end`)."""
    fd, tmp = create_partial_file(db.parent, record_path(db).name)
    try:
        write_all(fd, record.encode())
        os.fsync(fd)
        os.link(tmp, record_path(db))  # never over another restore's record
    except BaseException:
        os.close(fd)
        raise
    finally:
        tmp.unlink()
    fsync_dir(db.parent)
    return fd


def end(db: Path, fd: int) -> None:
    """The swap is done (or undone): remove the record, then let go of its lock."""
    try:
        record_path(db).unlink(missing_ok=True)
        fsync_dir(db.parent)
    finally:
        os.close(fd)


def settle_restore(db: Path, *, writable: bool) -> None:
    """Finish a restore into `db` that was killed half-way, or wait for one still running.
    Without `writable` (a read-only open) nothing is changed: an interrupted restore that
    left no database at the path is an error saying so."""
    path = record_path(db)
    if not os.path.lexists(path):
        return
    if not writable:
        if not db.exists():
            raise NotADatabaseError(db, "a restore into it was interrupted; the next crm "
                                    "command that may write (crm compact) finishes it")
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return  # finished meanwhile
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a restore still running holds it
        if os.fstat(fd).st_nlink == 0:
            return  # it finished while we waited
        record = decode_record(
            path, os.pread(fd, 65536, 0), RECORD_FORMAT, RestoreRecord,
            "a crm-tui restore record (a restore into the database beside it was "
            "interrupted: look for the database in the folders beside it)")
        _finish(db, record)
        path.unlink()
        fsync_dir(db.parent)
    finally:
        os.close(fd)


def _inode(path: Path) -> int | None:
    try:
        return os.lstat(path).st_ino
    except FileNotFoundError:
        return None


def _finish(db: Path, record: RestoreRecord) -> None:
    """Bring the folders to where the restore was taking them, or back if it cannot."""
    staging = db.with_name(record.staging)
    kept = db.with_name(record.kept) if record.kept else None
    here = _inode(db)
    if here == record.new:
        return  # both renames were made
    has_copy = _inode(staging) == record.new
    if here is not None and here == record.old:
        if has_copy and kept is not None:
            swap_in(db, staging, kept)
        return  # nothing had moved (and the copy is gone: the restore never happened)
    if here is None:
        if has_copy:
            os.rename(staging, db)
        elif kept is not None and _inode(kept) == record.old:
            os.rename(kept, db)  # the copy was lost: the old database goes back
        else:
            raise StoreError(f"{db}: a restore into it was interrupted and neither the "
                             f"restored copy ({staging}) nor the old database "
                             f"({kept}) is there any more")
        fsync_dir(db.parent)
    # Something else was put at the path since: it is left as it is.


def swap_in(db: Path, staging: Path, kept: Path) -> None:
    """Move the database at `db` to `kept` and `staging` into its place, holding its lock
    so that no writer is mid-commit or mid-compaction (which writes by name) meanwhile."""
    lock = DatabaseLock(db / LOCK, file_mode_for(db), writable=True)
    try:
        lock.acquire(shared=False)
        os.rename(db, kept)
        os.rename(staging, db)
    finally:
        lock.close()
    fsync_dir(db.parent)
