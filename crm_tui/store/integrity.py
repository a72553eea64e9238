"""What one process knows of its database's soundness: damage found so far, whether it
may write at all, and the `journal.end` mark it keeps (endmark.py).

Damage is remembered once found (by opening, catching up, loading a table, compacting)
and every later write is refused with it (`require_writable`): a write over damage could
be folded into the next compaction and make the damage permanent. Reads that do not
need the damaged file go on. A repair by another process starts a new journal that does
not continue this one; following it, the engine forgets what it knew and looks again.
"""

from __future__ import annotations

import errno
import os
from contextlib import suppress
from pathlib import Path

from . import endmark
from .endmark import EndMark
from .errors import CorruptFileError, DamagedError, ReadOnlyError
from .files import atomic_write
from .manifest import Manifest, verify_files

READ_ONLY_ERRNOS = (errno.EACCES, errno.EPERM, errno.EROFS)


def why_read_only(path: Path) -> str | None:
    """Why nothing can be written in the database directory `path` (None: it can be)."""
    with suppress(OSError, AttributeError):
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return "read-only file system"
    if not os.access(path, os.W_OK):
        return "no permission to write in its folder"
    return None


class Integrity:
    def __init__(self, path: Path, mode: int, read_only: str | None) -> None:
        self.path = path
        self.mode = mode
        self.read_only = read_only
        self._damage: dict[str, CorruptFileError] = {}
        self._mark_fd = -1

    @property
    def mark_path(self) -> Path:
        return self.path / endmark.END

    # ----- damage ------------------------------------------------------------------------
    def note(self, problem: CorruptFileError) -> CorruptFileError:
        """Remember `problem` (once) and return it, for `raise integrity.note(...)`."""
        return self._damage.setdefault(str(problem), problem)

    @property
    def damage(self) -> list[CorruptFileError]:
        return list(self._damage.values())

    def forget(self) -> None:
        self._damage.clear()

    def require_writable(self) -> None:
        if self.read_only is not None:
            raise ReadOnlyError(self.path, self.read_only)
        if self._damage:
            raise DamagedError(self.damage)

    # ----- verification ------------------------------------------------------------------
    def problems(self, *, journal: Path, version: int, epoch: int, generation: int,
                 end: int, manifest: Manifest | None) -> list[CorruptFileError]:
        """Compare the journal (read up to `end`, commit `generation`) with the end mark,
        and the snapshot files with the manifest. Sound only under the lock: callers seeing
        problems without it look again holding it."""
        found = []
        try:
            mark = self.read_mark(version)
        except CorruptFileError as exc:
            found.append(exc)
            mark = None
        if mark is not None and (cut := endmark.behind(mark, epoch, generation, end, journal)):
            found.append(cut)
        if manifest is not None:
            found += verify_files(self.path / "tables", manifest, epoch)
        return found

    def read_mark(self, version: int) -> EndMark | None:
        """The end mark; None when there is none and the journal (version 1, from before
        marks) does not require one. Read by name: a file deleted or replaced by hand
        must be noticed, not read through a handle on what it was."""
        mark = endmark.read_file(self.mark_path)
        if mark is None and version >= 2:
            raise CorruptFileError(
                self.mark_path, None,
                "missing: it records how far the journal's saved commits reach")
        return mark

    # ----- the mark, for writers ---------------------------------------------------------
    def write_mark(self, mark: EndMark) -> None:
        """Record a durable commit. Failing to is not the commit's failure: the mark only
        stays behind, which loses nothing (see endmark.py)."""
        with suppress(OSError):
            fd = self._writable_mark()
            if fd < 0:  # a database from before marks: created whole, never half-written
                atomic_write(self.mark_path, mark.encode(), self.mode)
            else:
                endmark.write(fd, mark)

    def ensure_mark(self, current: EndMark) -> None:
        """Make sure a mark file exists before a journal that requires one replaces one
        that did not (a database from before marks): a compaction killed in between must
        not leave a journal whose mark is missing."""
        if not self.mark_path.exists():
            atomic_write(self.mark_path, current.encode(), self.mode)

    def _writable_mark(self) -> int:
        """The mark file open for writing in place; -1 when there is none."""
        if self._mark_fd >= 0 and os.fstat(self._mark_fd).st_nlink == 0:
            self.close()  # replaced or deleted since it was opened: write the one there now
        if self._mark_fd < 0:
            try:
                self._mark_fd = os.open(self.mark_path, os.O_RDWR | os.O_CLOEXEC)
            except FileNotFoundError:
                return -1
        return self._mark_fd

    def close(self) -> None:
        if self._mark_fd >= 0:
            os.close(self._mark_fd)
            self._mark_fd = -1
