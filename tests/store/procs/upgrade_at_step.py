"""Upgrade the old-format snapshots of the database at PATH and SIGKILL this process at
its Nth file-system step, counted as die_at_step.py counts them.

Usage: upgrade_at_step.py N PATH

When the upgrade finishes before step N, prints "finished K" (K: the steps it took).
"""

from __future__ import annotations

import os
import sys

from die_at_step import STEPS, _counting


def main() -> None:
    state = {"n": 0, "die_at": int(sys.argv[1])}
    for name in STEPS:
        setattr(os, name, _counting(getattr(os, name), state))
    from crm_tui.store import Database
    from crm_tui.store.upgrade import upgrade

    db = Database(sys.argv[2])
    db.table("events").create_index("n", lambda doc: doc.get("n"), kind="int")
    upgrade(db.engine)
    print(f"finished {state['n']}", flush=True)


if __name__ == "__main__":
    main()
