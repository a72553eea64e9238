"""The same data for three engines, plus the CSV files the import timings read.

    paths = build(root, customers=100_000, events=1_000_000, seed=1)

1. the crm-tui database, by `bench.generate` (deterministic for a seed);
2. a stock TinyDB JSON file (JSONStorage, as TinyDB's docs show) with the same documents
   and ids, written through TinyDB's own `insert_multiple`;
3. an SQLite database: one plain table per kind, a column per field (lists and objects
   as JSON text), the customer's display name as `name`, indexes on the lookup columns;
4. `customers.csv` and `purchases.csv`, as another system would export them (purchases
   name their customer by external id and carry their own order number).

Documents are read back from the crm-tui database one table at a time, so the three hold
exactly the same values.
"""

from __future__ import annotations

import csv
import gc
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from crm_tui.domain.entities.customer import display_name
from crm_tui.services import tables
from crm_tui.store import Database

from .common import timed
from .generate import generate

KINDS = (tables.CUSTOMERS, tables.PURCHASES, tables.INTERACTIONS)
CUSTOMER_CSV = ["external_id", "first_name", "last_name", "email", "phone", "status",
                "customer_type", "source", "tags", "email_opt_in"]
PURCHASE_CSV = ["external_id", "customer_external_id", "item", "quantity", "unit_price",
                "total", "date", "payment_method", "status"]
INDEXES = {
    tables.CUSTOMERS: ["name COLLATE NOCASE", "email", "external_id"],
    tables.PURCHASES: ["customer_id"],
    tables.INTERACTIONS: ["customer_id"],
}


@dataclass(frozen=True)
class Paths:
    root: Path
    crm: Path
    tinydb: Path
    sqlite: Path
    customers_csv: Path
    purchases_csv: Path


def paths_in(root: Path) -> Paths:
    return Paths(root, root / "crm.db", root / "stock.json", root / "bench.sqlite",
                 root / "customers.csv", root / "purchases.csv")


def table_docs(path: Path, name: str) -> list[tuple[int, dict[str, Any]]]:
    """A table's (id, document) pairs, customers with their display name as `name`."""
    db = Database(path)  # one table at a time: only that one is loaded
    out = [(doc.doc_id, dict(doc)) for doc in db.table(name)]
    db.close()
    if name == tables.CUSTOMERS:
        for doc_id, doc in out:
            doc["name"] = display_name({**doc, "id": doc_id})
    return out


def _cell(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, list | dict) else value


def sqlite_table(con: sqlite3.Connection, name: str, rows: list[tuple[int, dict[str, Any]]],
                 indexes: list[str], required: tuple[str, ...] = ()) -> None:
    """A table of `rows` keyed by their ids: a column per field of the first 1,000 (and
    each `required` one), lists and objects as JSON text; an index per `indexes` entry."""
    columns = dict.fromkeys(required)
    for _, doc in rows[:1000]:
        columns.update(dict.fromkeys(doc))
    names = [c for c in columns if c != "id"]  # a nested record's own id: the key is ours
    con.execute(f"create table {name} (id integer primary key, "
                + ", ".join(f'"{c}"' for c in names) + ")")
    marks = ", ".join("?" * (len(names) + 1))
    con.executemany(f"insert into {name} values ({marks})",
                    ([doc_id, *(_cell(doc.get(c)) for c in names)] for doc_id, doc in rows))
    for i, column in enumerate(indexes):
        con.execute(f"create index {name}_{i} on {name} ({column})")


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _customer_csv(rows: Iterable[tuple[int, Mapping[str, Any]]]) -> Iterator[list[Any]]:
    for _, d in rows:
        yield [d.get("external_id"), d.get("first_name"), d.get("last_name"), d.get("email"),
               d.get("phone"), d.get("status"), d.get("customer_type"), d.get("source"),
               ", ".join(d.get("tags") or []),
               "yes" if (d.get("preferences") or {}).get("email_opt_in") else "no"]


def _purchase_csv(rows: Iterable[tuple[int, Mapping[str, Any]]],
                  external: Mapping[int, str]) -> Iterator[list[Any]]:
    for doc_id, d in rows:
        yield [f"O{doc_id:08d}", external[d["customer_id"]], d.get("item"), d.get("quantity"),
               _money(d["unit_price"]), _money(d["total"]), d.get("date"),
               d.get("payment_method"), d.get("status")]


def _write_csv(path: Path, header: list[str], rows: Iterable[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def build(root: Path, customers: int, events: int, seed: int = 1) -> tuple[Paths,
                                                                            dict[str, float]]:
    """Write every engine's copy of the data under `root`; returns the paths and how long
    each took (seconds)."""
    paths = paths_in(root)
    times = {"generate_s": generate(paths.crm, customers, events, seed)["total_s"]}
    stock = TinyDB(paths.tinydb)  # JSONStorage: every insert_multiple rewrites the file
    con = sqlite3.connect(paths.sqlite)
    times["tinydb_s"] = times["sqlite_s"] = times["csv_s"] = 0.0
    external: dict[int, str] = {}
    for name in KINDS:
        rows = table_docs(paths.crm, name)
        times["tinydb_s"] += timed(lambda rows=rows, name=name: stock.table(name).insert_multiple(
            Document(doc, doc_id=doc_id) for doc_id, doc in rows))

        def fill(rows: list[tuple[int, dict[str, Any]]] = rows, name: str = name) -> None:
            with con:
                sqlite_table(con, name, rows, INDEXES[name])

        times["sqlite_s"] += timed(fill)
        if name == tables.CUSTOMERS:
            external = {doc_id: doc["external_id"] for doc_id, doc in rows}
            times["csv_s"] += timed(lambda rows=rows: _write_csv(
                paths.customers_csv, CUSTOMER_CSV, _customer_csv(rows)))
        elif name == tables.PURCHASES:
            times["csv_s"] += timed(lambda rows=rows, external=external: _write_csv(
                paths.purchases_csv, PURCHASE_CSV, _purchase_csv(rows, external)))
        del rows
        gc.collect()
    stock.close()
    con.close()
    return paths, times


def count_rows(path: Path) -> int:
    """Data rows of a CSV file (its lines less the header; no field holds a newline)."""
    with path.open("rb") as f:
        return sum(1 for _ in f) - 1
