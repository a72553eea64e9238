"""Where `-o PATH` writes, and how, so that it never destroys what is at PATH by mistake.

- `-` (and /dev/stdout, /dev/stderr, /dev/fd/N): written straight to that stream.
- A FIFO or a character device (`-o /dev/null`, a named pipe a script reads): written
  straight into it, as the person means; it is never replaced by a file.
- A new name or a regular file: written to a temporary file beside it (created
  exclusively under an unpredictable name, so a link planted at a name someone could
  guess is never followed), fsync'd, then renamed over it: a failed or interrupted
  export leaves the old file as it was, never half a file.
- Refused: a folder, a symbolic link (it may have been planted to send the data where
  its maker wants; the message names where it points, to give that path instead), a disk
  device, and anything inside a database folder (the store's files are the store's).

New files get the program's mode: 0600, or 0660 in a group-shared folder (files.py):
exports carry customers' personal data.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import click

from crm_tui.store.files import create_partial_file, make_dir
from crm_tui.store.places import enclosing_database

STREAM_NAME = re.compile(r"^/(?:dev/(stdout|stderr)|dev/fd/(\d+)|proc/self/fd/(\d+))$")


def stream_fd(target: str) -> int | None:
    """The descriptor a name like /dev/stdout stands for, if it is one of them."""
    found = STREAM_NAME.match(target)
    if found is None:
        return None
    named, *numbers = found.groups()
    if named:
        return 1 if named == "stdout" else 2
    return int(next(n for n in numbers if n is not None))


def _refuse_inside_database(path: Path, target: str) -> None:
    inside = enclosing_database(path)
    if inside is not None:
        raise click.UsageError(f"{target} is inside the database {inside}: write it elsewhere")


def _checked(path: Path, target: str) -> os.stat_result | None:
    """What is at `path` now (None: nothing), refusing what -o never writes to."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise click.UsageError(f"{target} is a folder: give a file name with -o")
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise click.UsageError(
            f"{target} is a symbolic link (to {os.readlink(path)}): give the file itself "
            "with -o; a link is never written through")
    if st is not None and stat.S_ISBLK(st.st_mode):
        raise click.UsageError(f"{target} is a disk device: -o writes files")
    _refuse_inside_database(path, target)
    return st


@contextmanager
def _into_stream(handle: IO[bytes], target: str, binary_ok: bool) -> Iterator[IO[bytes]]:
    if not binary_ok and handle.isatty():
        raise click.UsageError(f"refusing to write a binary file to the terminal ({target}): "
                               "use -o FILE")
    yield handle
    handle.flush()


@contextmanager
def output_stream(target: str, *, binary_ok: bool) -> Iterator[IO[bytes]]:
    """Where to write what -o names (see the module's docstring). A write that fails (a
    full disk, /dev/full) names it."""
    try:
        with _output_stream(target, binary_ok=binary_ok) as out:
            yield out
    except BrokenPipeError:
        raise  # the reader went away (`| head`): not an error to report
    except OSError as exc:
        if exc.filename is not None:
            raise
        name = "standard output" if target == "-" else target
        raise OSError(exc.errno, exc.strerror, name) from exc


@contextmanager
def _output_stream(target: str, *, binary_ok: bool) -> Iterator[IO[bytes]]:
    fd = 1 if target == "-" else stream_fd(target)
    if fd in (1, 2):
        with _into_stream((sys.stdout if fd == 1 else sys.stderr).buffer, target,
                          binary_ok) as out:
            yield out
        return
    if fd is not None:
        with os.fdopen(os.dup(fd), "wb") as handle, _into_stream(handle, target,
                                                                  binary_ok) as out:
            yield out
        return
    path = Path(target).expanduser()
    st = _checked(path, target)
    if st is not None and not stat.S_ISREG(st.st_mode):  # a FIFO, a character device
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, target) from None
        with os.fdopen(fd, "wb") as handle, _into_stream(handle, target, binary_ok) as out:
            yield out
        return
    with _replacing(path, target) as out:
        yield out


@contextmanager
def _replacing(path: Path, target: str) -> Iterator[IO[bytes]]:
    """A new file that takes `path`'s place once complete."""
    try:
        fd, tmp = create_partial_file(path.parent, path.name)
    except OSError as exc:  # name the file asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, target) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _checked(path, target)  # nothing put there meanwhile that must not be replaced
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def output_folder(target: str) -> Path:
    """The folder -o names for `export all` in one file per kind, created if needed (with
    the program's mode), refused where no file may go."""
    path = Path(target).expanduser()
    if os.path.islink(path):
        raise click.UsageError(f"{target} is a symbolic link (to {os.readlink(path)}): give "
                               "the folder itself with -o")
    _refuse_inside_database(path / "x", target)
    if path.exists() and not path.is_dir():
        raise click.UsageError(f"{target} is not a folder: export all writes one file per kind")
    make_dir(path, exist_ok=True)
    return path
