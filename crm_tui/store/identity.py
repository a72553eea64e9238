"""A database's id: what ties its backups, pre-restore copies and other copies to it.

The id is a random 128-bit number in hex, in the file `id` of the database folder. File
names say nothing about where a copy came from (two databases `crm.db` and `crm.old`
share the stem "crm"; a backup may be renamed), the id does: every copy of a database
carries the id of the database it was copied from, and its customers are that database's
customers, under the same numbers (ids are never reused).

A database gets its id the first time something needs one: a backup, a restore or a GDPR
erase, the operations that create or look for copies. A database from an older crm-tui,
or one that was never backed up, has none until then; a copy made of it with `cp -r`
before that gets an id of its own, so forks made by hand are not mistaken for copies.
The file is written once, by linking a complete temporary file into place, so two
processes giving a database its id at the same moment agree on one.
"""

from __future__ import annotations

import os
import re
import secrets
from contextlib import suppress
from pathlib import Path

from .errors import CorruptFileError
from .files import create_partial_file, fsync_dir, write_all
from .integrity import READ_ONLY_ERRNOS

ID_FILE = "id"
_ID = re.compile(rb"^([0-9a-f]{32})\n$")


def database_id(path: Path) -> str | None:
    """The id of the database (or copy) at `path`; None when it has none yet."""
    try:
        with open(path / ID_FILE, "rb") as handle:
            data = handle.read(64)
    except FileNotFoundError:
        return None
    found = _ID.match(data)
    if found is None:
        raise CorruptFileError(path / ID_FILE, 0, "not a crm-tui database id")
    return found.group(1).decode()


def ensure_database_id(path: Path) -> str | None:
    """The database's id, given to it now if it has none; None when the folder cannot be
    written (a read-only database keeps having none)."""
    found = database_id(path)
    if found is not None:
        return found
    try:
        fd, tmp = create_partial_file(path, ID_FILE)
    except OSError as exc:
        if exc.errno in READ_ONLY_ERRNOS:
            return None
        raise
    try:
        write_all(fd, secrets.token_hex(16).encode() + b"\n")
        os.fsync(fd)
        with suppress(FileExistsError):  # another process gave it one first: theirs holds
            os.link(tmp, path / ID_FILE)
    finally:
        os.close(fd)
        tmp.unlink()
    fsync_dir(path)
    return database_id(path)
