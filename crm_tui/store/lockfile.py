"""The inter-process lock: `flock` on the database's `lock` file, exclusive or shared.

Writers hold it exclusively across each whole read-modify-write. Readers never need it,
except to see a stable state for a moment (following a compaction, `crm check`), which
they take shared. A shared lock needs only read access to an existing lock file, so a
read-only database (a read-only mount, or a folder this user can only read) is read
without creating or writing anything; with no lock file there is nothing to share (no
writer has ever run, or none can) and the reader goes on without it.

`flock` locks belong to an open file: this is the same lock other `filelock.FileLock`
users of the file take, so older crm-tui processes and this one exclude each other.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

LOCK = "lock"  # the lock file's name in a database folder
_READ_ONLY_ERRNOS = (errno.EACCES, errno.EPERM, errno.EROFS)
_FLAGS = os.O_NOFOLLOW | os.O_CLOEXEC


class DatabaseLock:
    """One process's handle on the lock file. Not thread-safe: the engine serialises."""

    def __init__(self, path: Path, mode: int, *, writable: bool) -> None:
        self.path = path
        self.mode = mode
        self.writable = writable
        self._fd = -1
        self._held = 0  # 0 none, fcntl.LOCK_SH or fcntl.LOCK_EX

    def acquire(self, *, shared: bool) -> bool:
        """Take the lock (waiting as long as needed); False when shared was asked and there
        is no lock file this process can open (then nobody else can be writing either)."""
        want = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        if self._held == fcntl.LOCK_EX or self._held == want:
            return True
        fd = self._open(exclusive=not shared)
        if fd < 0:
            return False
        fcntl.flock(fd, want)
        self._held = want
        return True

    def release(self) -> None:
        if self._fd >= 0 and self._held:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._held = 0

    def downgrade(self) -> None:
        """Back to shared after an exclusive section nested in a shared one."""
        if self._held == fcntl.LOCK_EX:
            fcntl.flock(self._fd, fcntl.LOCK_SH)
            self._held = fcntl.LOCK_SH

    @property
    def held(self) -> int:
        return self._held

    def _open(self, *, exclusive: bool) -> int:
        if self._fd >= 0 and self._still_the_lock_file():
            return self._fd
        self.close()
        try:
            self._fd = self._open_writable() if self.writable else self._open_readable()
        except OSError as exc:
            if exclusive or not (isinstance(exc, FileNotFoundError)
                                 or exc.errno in _READ_ONLY_ERRNOS):
                raise
            try:  # a shared lock needs only read access
                self._fd = self._open_readable()
            except (FileNotFoundError, PermissionError):
                return -1
        return self._fd

    def _open_writable(self) -> int:
        while True:
            try:
                return os.open(self.path, _FLAGS | os.O_RDWR)
            except FileNotFoundError:
                pass
            try:
                fd = os.open(self.path, _FLAGS | os.O_RDWR | os.O_CREAT | os.O_EXCL, self.mode)
            except FileExistsError:
                continue  # another process created it meanwhile: open theirs
            os.fchmod(fd, self.mode)  # the umask may have narrowed it (only ours to change)
            return fd

    def _open_readable(self) -> int:
        return os.open(self.path, _FLAGS | os.O_RDONLY)

    def _still_the_lock_file(self) -> bool:
        """A lock file replaced since it was opened (deleted by hand) would lock nothing
        that others lock: reopen by name."""
        try:
            return os.stat(self.path).st_ino == os.fstat(self._fd).st_ino
        except OSError:
            return False

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the file releases whatever it held
            self._fd = -1
            self._held = 0
