"""SIGKILL a writing process at random moments: the database always opens, `crm check`
passes, and every write acknowledged before the kill is there (and nothing half-written)."""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

from crm_tui.store import Database
from crm_tui.store.check import check_database

from .processes import acknowledged, start_writer

KILLS = 100


def _kill_after(proc, delay: float) -> str:  # type: ignore[no-untyped-def]
    """Let the writer get going, wait `delay` more, SIGKILL it, return what it printed."""
    assert proc.stdout is not None
    first = proc.stdout.readline()  # at least one commit done: the process is mid-stream
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    return first + rest


def test_hundred_sigkills_lose_no_acknowledged_write(db_path: Path) -> None:
    rng = random.Random(20261121)
    Database(db_path).close()
    acked: set[int] = set()
    for round_no in range(KILLS):
        mode = "batch" if round_no % 3 == 0 else "insert"
        start = round_no * 10_000
        # A tiny compaction bound makes many kills land inside a compaction too.
        proc = start_writer(db_path, mode, start, 5_000, compact_bytes=rng.choice([2048, 8192]))
        out = _kill_after(proc, rng.uniform(0, 0.05))
        acked_now = acknowledged(out)
        db = Database(db_path)  # must open, whatever state the kill left
        items = db.table("items").all()
        inserted = {d["seq"] for d in items if "seq" in d}
        batches = Counter(d["batch"] for d in items if "batch" in d)
        if mode == "batch":
            acked |= {s for s in acked_now}
            assert set(acked_now) <= set(batches)
        else:
            assert set(acked_now) <= inserted
        # A transaction is all or nothing: every batch present has its three documents.
        assert all(count == 3 for count in batches.values())
        assert len({d.doc_id for d in items}) == len(items)
        db.close()
        report = check_database(db_path)
        assert report.tables["items"] == len(items)
        acked |= set(acked_now)
    final = Database(db_path).table("items").all()
    present = {d.get("seq", d.get("batch")) for d in final}
    assert acked <= present
    assert len(acked) > KILLS  # the writers really did get work acknowledged
