"""Bringing a database written by an older crm-tui up to date, in the background.

Snapshots of version 1 or 2 have no line checksums, so no derived files can point into
them and every read of their tables loads the whole table. A session that can write the
database rewrites them in the current version from a background thread, one table per
compaction, smallest first (`Engine.upgrade_table`). The new snapshots are written aside
without the lock, so its other threads and other sessions read and save meanwhile; the
lock is held only to rename them into place (one a save changed meanwhile is written
again then) and start the next journal. Other sessions follow each compaction as they
follow any other, and a kill at any moment leaves what a killed compaction leaves (the
database opens with all its data; the next session goes on with the tables still to
do). Read-only sessions never write.
"""

from __future__ import annotations

import threading

from .engine import Engine
from .errors import StoreError


def upgrade(engine: Engine) -> list[str]:
    """Rewrite every old-format snapshot; returns the tables done. Stops quietly at the
    first that cannot be (damage, a full disk, the engine closed): its reads stay slow,
    as before, and `crm check` says why."""
    done = []
    try:
        for name in engine.outdated_tables():
            if engine.upgrade_table(name):
                done.append(name)
    except (OSError, StoreError):
        pass
    return done


def start_upgrade(engine: Engine) -> threading.Thread | None:
    """Start `upgrade` in a daemon thread when the database is writable and holds
    old-format snapshots; the thread, or None when there is nothing to do."""
    if engine.read_only is not None or not engine.outdated_tables():
        return None
    thread = threading.Thread(target=upgrade, args=(engine,), name="crm-upgrade",
                              daemon=True)
    thread.start()
    return thread
