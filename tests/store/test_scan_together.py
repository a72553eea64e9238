"""Two scans of one table at once, in two threads of one session (the customers list and
the segment counts do that at start-up): each reads the whole table, neither sees damage."""

from __future__ import annotations

import threading
from pathlib import Path

from crm_tui.store import Database


def test_two_threads_scan_one_table_at_once(tmp_path: Path) -> None:
    db = Database(tmp_path / "db")
    db.table("people").insert_multiple({"name": f"person {i}", "n": i} for i in range(30_000))
    db.compact()  # several blocks of the snapshot, read by both scans
    db.close()
    db = Database(tmp_path / "db")
    counts: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def scan() -> None:
        start.wait()
        try:
            counts.append(sum(1 for doc_id, doc in db.scan("people") if doc["n"] == doc_id - 1))
        except BaseException as exc:  # reported below, with the thread's
            errors.append(exc)

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.close()
    assert errors == [] and counts == [30_000, 30_000]
