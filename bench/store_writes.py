"""Single-document write cost by table size: crm-tui's store vs stock TinyDB vs SQLite.

    python -m bench.store_writes [--sizes 1000,1000000] [--reps 200]

For each size the three engines get the same documents; then one insert and one update by
id are timed (median of --reps; fewer for stock TinyDB, which rewrites its whole file per
write). crm-tui and SQLite fsync every commit; stock TinyDB's JSONStorage never fsyncs.
The claim under test: crm-tui's cost at 1,000,000 documents equals its cost at 1,000.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
from itertools import islice
from pathlib import Path

from tinydb import TinyDB
from tinydb.table import Table

from crm_tui.store import Database

from .common import docs, median_ms, timed

CHUNK = 50_000


def time_table_writes(table: Table, size: int, reps: int) -> dict[str, float]:
    """One insert, and one update of a spread-out existing id, through TinyDB's API."""
    extra = docs(reps, seed=2)
    return {
        "insert_ms": median_ms(lambda i: table.insert(next(extra)), reps),
        "update_ms": median_ms(
            lambda i: table.update({"status": "inactive"}, doc_ids=[1 + i * 7919 % size]), reps
        ),
    }


def bench_crm(root: Path, size: int, reps: int) -> dict[str, float]:
    db = Database(root / "crm.db")
    table = db.table("customers")
    source = docs(size)
    build = timed(lambda: [table.insert_multiple(list(islice(source, CHUNK)))
                           for _ in range(0, size, CHUNK)])
    db.compact()
    result = {"build_s": build, **time_table_writes(table, size, reps)}
    db.close()
    return result


def bench_tinydb(root: Path, size: int, reps: int) -> dict[str, float]:
    db = TinyDB(root / "stock.json")  # JSONStorage, the way TinyDB's docs show
    table = db.table("customers")
    build = timed(lambda: table.insert_multiple(docs(size)))
    result = {"build_s": build, **time_table_writes(table, size, reps)}
    db.close()
    return result


def bench_sqlite(root: Path, size: int, reps: int) -> dict[str, float]:
    con = sqlite3.connect(root / "bench.sqlite")  # default rollback journal, synchronous=FULL
    con.execute("create table customers (id integer primary key, email text, doc text)")
    con.execute("create index customers_email on customers(email)")

    def build() -> None:
        with con:
            con.executemany("insert into customers (email, doc) values (?, ?)",
                            ((d["email"], json.dumps(d)) for d in docs(size)))

    seconds = timed(build)
    extra = docs(reps, seed=2)

    def insert(_: int) -> None:
        doc = next(extra)
        with con:
            con.execute("insert into customers (email, doc) values (?, ?)",
                        (doc["email"], json.dumps(doc)))

    def update(i: int) -> None:
        key = 1 + i * 7919 % size
        with con:
            (raw,) = con.execute("select doc from customers where id = ?", (key,)).fetchone()
            doc = json.loads(raw) | {"status": "inactive"}
            con.execute("update customers set doc = ? where id = ?", (json.dumps(doc), key))

    result = {"build_s": seconds, "insert_ms": median_ms(insert, reps),
              "update_ms": median_ms(update, reps)}
    con.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,1000000")
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--tinydb-max", type=int, default=1_000_000,
                        help="skip stock TinyDB above this size (it needs seconds per write)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, dict[str, float]]] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
            root = Path(tmp)
            row = {"crm-tui": bench_crm(root, size, args.reps),
                   "sqlite": bench_sqlite(root, size, args.reps)}
            if size <= args.tinydb_max:
                reps = max(3, min(args.reps, 20_000 // size))  # it rewrites everything per write
                row["stock tinydb"] = bench_tinydb(root, size, reps)
            results[size] = row
        print(f"measured {size:,} documents", flush=True)
    report(sizes, results)


def report(sizes: list[int], results: dict[int, dict[str, dict[str, float]]]) -> None:
    engines = ["crm-tui", "stock tinydb", "sqlite"]
    print("\nsingle-document write, median ms (durable: crm-tui and sqlite fsync each commit)")
    print(f"{'documents':>12} {'op':>7} " + " ".join(f"{e:>13}" for e in engines)
          + "  tinydb/crm  sqlite/crm")
    for size in sizes:
        for op in ("insert", "update"):
            cells = {e: results[size].get(e, {}).get(f"{op}_ms") for e in engines}
            ours = cells["crm-tui"] or 0.0

            def ratio(other: float | None, ours: float = ours) -> str:
                # how many times crm-tui's time fits in the baseline's: >1 means faster
                return f"{other / ours:10,.1f}x" if other and ours else f"{'-':>11}"

            print(f"{size:>12,} {op:>7} " + " ".join(
                f"{v:13.3f}" if v is not None else f"{'-':>13}" for v in cells.values())
                + f"  {ratio(cells['stock tinydb'])}  {ratio(cells['sqlite'])}")
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        print(f"\ngrowth from {small:,} to {large:,} documents (cost at large / cost at small)")
        for engine in engines:
            if engine in results[small] and engine in results[large]:
                growth = [results[large][engine][f"{op}_ms"] / results[small][engine][f"{op}_ms"]
                          for op in ("insert", "update")]
                print(f"  {engine:>13}: insert {growth[0]:8.2f}x   update {growth[1]:8.2f}x")


if __name__ == "__main__":
    main()
