"""`db.exclusive()`: writes and a compaction made as one step that no other process sees
half-done (a backup or a check, which lock the database shared, wait for its end)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from crm_tui.store import Database
from crm_tui.store.lockfile import LOCK


def others_may_read(path: Path) -> bool:
    """Whether another process could take the shared lock a backup or a check takes now."""
    fd = os.open(path / LOCK, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_exclusive_keeps_the_others_out_until_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "db"
    db = Database(path)
    try:
        db.table("events").insert({"n": 1})
        assert others_may_read(path)
        with db.exclusive():
            db.table("events").insert({"n": 2})
            assert not others_may_read(path)
            db.compact()
            assert not others_may_read(path)  # the compaction does not let go of it
        assert others_may_read(path)
        assert [doc["n"] for doc in db.table("events").all()] == [1, 2]
    finally:
        db.close()
