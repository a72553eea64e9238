"""Low-level file helpers: durable atomic replacement, directory fsync, and file modes.

Every file the store writes goes through here so that the rules (never modify a committed
file in place, fsync before rename, fsync the directory after, 0600 or 0660) live in one place.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

READ_CHUNK = 4 * 1024 * 1024  # how much of a big file is read at once


def file_mode_for(directory: Path) -> int:
    """0660 in a group-shared directory (group-writable or setgid), else 0600."""
    st = directory.stat()
    shared = st.st_mode & (stat.S_IWGRP | stat.S_ISGID)
    return 0o660 if shared else 0o600


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
    need never exist as one bytes object); returns the bytes written. If producing a
    chunk fails, `path` is untouched and the temp file is left for the next compaction
    to remove."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    size = 0
    try:
        os.fchmod(fd, mode)  # the umask may have narrowed the mode given to open()
        for chunk in chunks:
            write_all(fd, chunk)
            size += len(chunk)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)
    return size


def read_bytes(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()
