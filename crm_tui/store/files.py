"""Low-level file helpers: durable atomic replacement, directory fsync, file and folder
modes, and temporary files and folders that are created exclusively.

Every file and folder the program creates goes through here so that the rules (never modify
a committed file in place, fsync before rename, fsync the directory after; 0600 files and
0700 folders, or 0660 and 2770 in a group-shared folder, whatever the umask) live in one
place.

Work in progress (a backup being written, a restore's copy, an export) lives under an
unpredictable name, `.<name>.<random>.crm-partial`, created exclusively (never through a link
planted at a name someone could guess) and held with `flock` while its writer lives. One
whose lock is free was left by a writer that was killed or ran out of space: it is never
taken for finished work, and `remove_dead_partials` clears it away.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

READ_CHUNK = 4 * 1024 * 1024  # how much of a big file is read at once
PARTIAL = ".crm-partial"  # specific: other programs leave ".partial" files too


def group_shared(directory: Path) -> bool:
    """Is this a folder a team shares? Setgid, or group-writable but not writable by
    everyone (/tmp is writable by all: its files are nobody's group's business)."""
    mode = directory.stat().st_mode
    if mode & stat.S_ISGID:
        return True
    return bool(mode & stat.S_IWGRP) and not mode & stat.S_IWOTH


def file_mode_for(directory: Path) -> int:
    """The mode of a file created in `directory`: 0660 when it is group-shared, else 0600."""
    return 0o660 if group_shared(directory) else 0o600


def dir_mode_for(parent: Path) -> int:
    """The mode of a folder created in `parent`: 0700, or 0770 when `parent` is
    group-shared, with the setgid bit kept so the group goes on down the tree."""
    if not group_shared(parent):
        return 0o700
    return 0o770 | (parent.stat().st_mode & stat.S_ISGID)


def make_dir(path: Path, *, exist_ok: bool = False) -> None:
    """Create a folder (and any missing parents), each with the mode `dir_mode_for` its
    parent calls for, whatever the umask."""
    parent = path.parent
    if not parent.exists():
        make_dir(parent, exist_ok=True)
    mode = dir_mode_for(parent)
    try:
        os.mkdir(path, mode)
    except FileExistsError:
        if exist_ok and path.is_dir():
            return
        raise
    os.chmod(path, mode)  # the umask narrowed what mkdir was given


def _partial_prefix(name: str) -> str:
    return f".{name[:100]}."  # room for the random part within a file name's 255 bytes


def create_partial_file(parent: Path, name: str) -> tuple[int, Path]:
    """A new empty file in `parent` for work that will become `name`: created exclusively
    under an unpredictable name, with `file_mode_for(parent)`, locked while open."""
    fd, raw = tempfile.mkstemp(prefix=_partial_prefix(name), suffix=PARTIAL, dir=parent)
    try:
        os.fchmod(fd, file_mode_for(parent))
        fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        os.unlink(raw)
        raise
    return fd, Path(raw)


@contextmanager
def partial_dir(parent: Path, name: str) -> Iterator[Path]:
    """A new folder in `parent` for work that will become `name` (a backup, a restore's
    copy): created exclusively under an unpredictable name with `dir_mode_for(parent)`,
    locked while in use, and removed on the way out unless the caller renamed it into
    place."""
    path = Path(tempfile.mkdtemp(prefix=_partial_prefix(name), suffix=PARTIAL, dir=parent))
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.chmod(path, dir_mode_for(parent))
        yield path
    finally:
        try:
            if os.path.lexists(path):  # not renamed into place: a failure, leave nothing
                shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(fd)


def partials_in(folder: Path) -> list[Path]:
    """Work in progress, or left by a killed writer, in `folder` (see `partial_dir`)."""
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [folder / n for n in sorted(names) if n.startswith(".") and n.endswith(PARTIAL)]


def remove_dead_partials(folder: Path, *, wait: bool = False) -> list[Path]:
    """Remove the partial files and folders in `folder` whose writer is gone (their lock
    is free); returns them. A live one is left to its writer, or with `wait`, waited for
    (and removed if it is still there: its writer failed)."""
    removed = []
    for path in partials_in(folder):
        flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW
        try:
            fd = os.open(path, flags | (os.O_DIRECTORY if path.is_dir() else 0))
        except OSError:
            continue  # gone meanwhile, or not ours to open
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                continue  # its writer is at work
            if not os.path.lexists(path):
                continue  # finished meanwhile: renamed into place
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        finally:
            os.close(fd)
    if removed:
        with suppress(OSError):
            fsync_dir(folder)
    return removed


def fsync_dir(directory: Path) -> None:
    """Make a rename or create in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """os.write may write less than asked (signals, quotas): loop until all is written."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def atomic_write(path: Path, data: bytes, mode: int) -> None:
    """Write `data` to a temp file beside `path`, fsync it, and rename it over `path`.

    A crash at any point leaves either the old file or the new one, never a mix.
    """
    atomic_write_chunks(path, (data,), mode)


def atomic_write_chunks(path: Path, chunks: Iterable[bytes], mode: int) -> int:
    """`atomic_write` of data produced piece by piece (a snapshot of a million documents
    need never exist as one bytes object); returns the bytes written. If producing or
    writing a chunk fails, `path` is untouched and the temp file is removed; an OSError
    names `path`."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    size = 0
    try:
        try:
            os.fchmod(fd, mode)  # the umask may have narrowed the mode given to open()
            for chunk in chunks:
                write_all(fd, chunk)
                size += len(chunk)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as exc:
        # A half-written file on a full disk would keep it full: every later save, which
        # needs only a few bytes of the journal, would fail too.
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    fsync_dir(path.parent)
    return size


def read_bytes(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()
