"""The same operations on stock TinyDB (JSONStorage, as its docs show) and on SQLite.

Each function does what an application built on that engine would do for the crm-tui
operation it stands beside:

- open: load the customers and take the first 40 by name (TinyDB: `all()` and a sort,
  which reads the whole JSON file; SQLite: `ORDER BY name LIMIT 40` on an index, and the
  count the screen shows);
- detail: one customer's purchases and interactions;
- search: a case-insensitive substring over name, email, phone and company, every match's
  id in name order (TinyDB: `Query().name.search(...) | ...`; SQLite: `LIKE`);
- save: insert a purchase and update the customer's totals (TinyDB: two writes, each
  rewriting the file, never fsync'd; SQLite: one transaction, default synchronous=FULL);
- import: parse the CSV, then TinyDB `insert_multiple` / SQLite `executemany` in one
  transaction (purchases get their customer id from the customers just imported);
- export: every customer to a CSV file with csv.writer.
"""

from __future__ import annotations

import csv
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.table import Document

from .dataset import CUSTOMER_CSV, PURCHASE_CSV

FIRST_ROWS = 40
SEARCH_FIELDS = ("name", "email", "phone", "company")


def _by_name(doc: Document) -> tuple[str, int]:
    return str(doc.get("name") or "").casefold(), doc.doc_id


# ----- TinyDB ------------------------------------------------------------------------------
def tinydb_open(path: Path) -> tuple[TinyDB, list[Document]]:
    db = TinyDB(path)
    docs = db.table("customers").all()
    return db, sorted(docs, key=_by_name)[:FIRST_ROWS]


def tinydb_detail(db: TinyDB, customer_id: int) -> int:
    q = Query()
    return (len(db.table("purchases").search(q.customer_id == customer_id))
            + len(db.table("interactions").search(q.customer_id == customer_id)))


def tinydb_search(db: TinyDB, text: str) -> list[int]:
    q, pattern = Query(), re.escape(text)
    cond = q.name.search(pattern, flags=re.IGNORECASE)
    for name in SEARCH_FIELDS[1:]:
        cond = cond | q[name].search(pattern, flags=re.IGNORECASE)
    return [d.doc_id for d in sorted(db.table("customers").search(cond), key=_by_name)]


def tinydb_save(db: TinyDB, customer_id: int, purchase: dict[str, Any]) -> None:
    db.table("purchases").insert(purchase)

    def totals(doc: dict[str, Any]) -> None:
        doc["order_count"] = (doc.get("order_count") or 0) + 1
        doc["total_spent"] = (doc.get("total_spent") or 0) + purchase["total"]
        doc["last_order_date"] = max(doc.get("last_order_date") or "", purchase["date"])

    db.table("customers").update(totals, doc_ids=[customer_id])


# ----- SQLite ------------------------------------------------------------------------------
def sqlite_open(path: Path) -> tuple[sqlite3.Connection, list[tuple[Any, ...]]]:
    con = sqlite3.connect(path)
    con.execute("select count(*) from customers").fetchone()
    rows = con.execute("select id, name, email, phone, company, status, order_count, "
                       "total_spent, last_order_date from customers "
                       f"order by name collate nocase, id limit {FIRST_ROWS}").fetchall()
    return con, rows


def sqlite_detail(con: sqlite3.Connection, customer_id: int) -> int:
    return (len(con.execute("select * from purchases where customer_id = ?",
                            (customer_id,)).fetchall())
            + len(con.execute("select * from interactions where customer_id = ?",
                              (customer_id,)).fetchall()))


def sqlite_search(con: sqlite3.Connection, text: str) -> list[int]:
    like = f"%{text}%"
    where = " or ".join(f"{f} like ?" for f in SEARCH_FIELDS)
    return [i for (i,) in con.execute(
        f"select id from customers where {where} order by name collate nocase, id",
        (like,) * len(SEARCH_FIELDS))]


def sqlite_save(con: sqlite3.Connection, customer_id: int, purchase: dict[str, Any]) -> None:
    with con:
        con.execute("insert into purchases (customer_id, item, quantity, unit_price, total, "
                    "date, payment_method, status, created_at) values (?, ?, ?, ?, ?, ?, ?, "
                    "?, ?)", (customer_id, purchase["item"], purchase["quantity"],
                              purchase["unit_price"], purchase["total"], purchase["date"],
                              purchase["payment_method"], purchase["status"],
                              purchase["created_at"]))
        con.execute("update customers set order_count = order_count + 1, "
                    "total_spent = total_spent + ?, "
                    "last_order_date = max(coalesce(last_order_date, ''), ?) where id = ?",
                    (purchase["total"], purchase["date"], customer_id))


# ----- import and export -------------------------------------------------------------------
def _cents(text: str) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _customers(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            row["tags"] = [t.strip() for t in row["tags"].split(",") if t.strip()]
            yield row


def _purchases(path: Path, ids: dict[str, int]) -> Iterator[dict[str, Any]]:
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            row["customer_id"] = ids[row.pop("customer_external_id")]
            row["quantity"] = int(row["quantity"])
            row["unit_price"], row["total"] = _cents(row["unit_price"]), _cents(row["total"])
            yield row


def tinydb_import(db: TinyDB, customers_csv: Path, purchases_csv: Path
                  ) -> tuple[float, float]:
    """Seconds to import the customers file, then the purchases file."""
    started = time.perf_counter()
    rows = list(_customers(customers_csv))
    ids = db.table("customers").insert_multiple(rows)
    by_external = {row["external_id"]: i for row, i in zip(rows, ids, strict=True)}
    middle = time.perf_counter()
    db.table("purchases").insert_multiple(_purchases(purchases_csv, by_external))
    return middle - started, time.perf_counter() - middle


def sqlite_import(con: sqlite3.Connection, customers_csv: Path, purchases_csv: Path
                  ) -> tuple[float, float]:
    customer_cols = ", ".join(CUSTOMER_CSV)
    purchase_cols = ", ".join(["customer_id", *PURCHASE_CSV[:1], *PURCHASE_CSV[2:]])
    con.execute(f"create table customers (id integer primary key, {customer_cols})")
    con.execute("create index customers_external on customers (external_id)")
    con.execute("create index customers_email on customers (email)")
    con.execute(f"create table purchases (id integer primary key, {purchase_cols})")
    con.execute("create index purchases_customer on purchases (customer_id)")
    con.commit()
    started = time.perf_counter()
    with con:
        con.executemany(f"insert into customers ({customer_cols}) values "
                        f"({', '.join('?' * len(CUSTOMER_CSV))})",
                        ([r[c] if c != "tags" else ", ".join(r[c]) for c in CUSTOMER_CSV]
                         for r in _customers(customers_csv)))
    middle = time.perf_counter()
    with con:
        ids = dict(con.execute("select external_id, id from customers"))
        names = purchase_cols.split(", ")
        con.executemany(f"insert into purchases ({purchase_cols}) values "
                        f"({', '.join('?' * len(names))})",
                        ([r[c] for c in names] for r in _purchases(purchases_csv, ids)))
    return middle - started, time.perf_counter() - middle


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    return value


def tinydb_export(path: Path, out: Path) -> int:
    docs = TinyDB(path).table("customers").all()
    columns = list(dict.fromkeys(k for d in docs[:1000] for k in d))
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(["id", *columns])
        writer.writerows([d.doc_id, *(_cell(d.get(c)) for c in columns)] for d in docs)
    return len(docs)


def sqlite_export(path: Path, out: Path) -> int:
    con = sqlite3.connect(path)
    cursor = con.execute("select * from customers")
    count = 0
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow([c[0] for c in cursor.description])
        for row in cursor:
            writer.writerow(row)
            count += 1
    con.close()
    return count
