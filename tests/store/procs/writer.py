"""A writing process for the crash and concurrency tests.

Usage: writer.py DB MODE START COUNT [COMPACT_BYTES]
MODE "insert": insert COUNT documents {"proc": START, "seq": i}, printing "ack <seq>" after
each commit returns (so the parent knows which writes were acknowledged).
MODE "batch": like insert, but each step commits three documents in one transaction.
MODE "counter": COUNT read-modify-write increments of one shared counter document.
"""

from __future__ import annotations

import sys

from tinydb import Query
from tinydb.operations import increment

from crm_tui.store import Database


def main() -> None:
    path, mode, start, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    compact = int(sys.argv[5]) if len(sys.argv) > 5 else 16 * 1024 * 1024
    db = Database(path, compact_bytes=compact)
    table = db.table("items")
    out = sys.stdout
    for seq in range(start, start + count):
        if mode == "insert":
            table.insert({"proc": start, "seq": seq, "pad": "x" * (seq % 97)})
        elif mode == "batch":
            with db.transaction():
                for part in range(3):
                    table.insert({"batch": seq, "part": part})
                if seq % 5 == 0:
                    table.update({"touched": seq}, Query().batch == seq - 1)
        elif mode == "counter":
            counters = db.table("counters")
            with db.transaction():
                if not counters.contains(doc_id=1):
                    counters.insert({"n": 0})
                counters.update(increment("n"), doc_ids=[1])
        out.write(f"ack {seq}\n")
        out.flush()


if __name__ == "__main__":
    main()
