"""Where databases are: whether a path lies inside a database folder (or a backup, which is
one too), so that nothing but the store ever writes there."""

from __future__ import annotations

import os
from pathlib import Path

from .engine import DB_FORMAT, MANIFEST


def is_database(folder: Path) -> bool:
    """Does `folder` hold a crm-tui database (its crm.json says so)?"""
    try:
        with open(folder / MANIFEST, "rb") as handle:
            return DB_FORMAT.encode() in handle.read(4096)
    except OSError:
        return False


def enclosing_database(path: Path) -> Path | None:
    """The database folder that `path` is inside (at any depth), if any. Links are
    followed: what counts is where a file written at `path` would land."""
    folder = Path(os.path.realpath(path.parent))
    for candidate in (folder, *folder.parents):
        if is_database(candidate):
            return candidate
    return None
