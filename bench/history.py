"""SQLite's side of the cold scenarios: an indexed copy of everything a customer's 360 view
and the dashboard read, and the queries an application built on SQLite would run.

    copy(crm_path, sqlite_path)   -> Counts    (one table per crm-tui table, same ids)

The copy has the customers (with their display name as `name`), their notes as a table
of their own, and every history table (purchases, interactions, deals, tasks, feedback,
loyalty ledger), each indexed by customer id; lists and objects are JSON text. Documents
are read from the crm-tui database one table at a time.

- `detail`: one customer's row, notes and history, each by its index (what the 360 view
  shows, fetched; nothing computed from it);
- `dashboard`: the dashboard's figures by GROUP BY over the whole tables (customer counts
  and lifetime value, revenue by day over 12 months, by product, interactions by channel,
  open pipeline by stage, top 10 customers, tasks due and overdue, every buyer's recency,
  frequency and spend for the segments, the NPS scores).
"""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crm_tui.services import tables

from .dataset import sqlite_table, table_docs

HISTORY = ("purchases", "interactions", "opportunities", "tasks", "feedback", "ledger")
NOTES = "notes"
# Columns the queries read, created even where no document has them (an empty table).
COLUMNS = {
    tables.CUSTOMERS: ("name", "status", "deleted_at", "order_count", "total_spent",
                       "last_order_date", "email"),
    NOTES: ("customer_id", "created_at", "pinned", "text"),
    tables.PURCHASES: ("customer_id", "date", "total", "status", "product_id", "item",
                       "quantity"),
    tables.INTERACTIONS: ("customer_id", "date", "channel"),
    tables.OPPORTUNITIES: ("customer_id", "stage", "value", "status", "deleted_at",
                           "created_at"),
    tables.TASKS: ("customer_id", "status", "due_date", "created_at"),
    tables.FEEDBACK: ("customer_id", "date", "recommend_score", "deleted_at"),
    tables.LEDGER: ("customer_id", "date", "created_at"),
}
ORDER = {NOTES: "pinned desc, created_at desc", tables.PURCHASES: "date desc, id desc",
         tables.INTERACTIONS: "date desc, id desc", tables.OPPORTUNITIES: "created_at desc",
         tables.TASKS: "due_date", tables.FEEDBACK: "date desc", tables.LEDGER: "id desc"}


@dataclass(frozen=True)
class Counts:
    customers: int
    events: int  # documents of the history tables and notes
    purchases: int
    busiest: int  # the customer with the most purchases (the 360 view's worst case)
    typical: int  # the live customer in the middle of the ids


def copy(crm_path: Path, sqlite_path: Path) -> Counts:
    """Write the SQLite copy of the crm-tui database at `crm_path` (anew)."""
    sqlite_path.unlink(missing_ok=True)
    con = sqlite3.connect(sqlite_path)
    customers = table_docs(crm_path, tables.CUSTOMERS)
    notes: list[tuple[int, dict[str, Any]]] = []
    for doc_id, doc in customers:
        for note in doc.pop("notes", None) or []:
            notes.append((len(notes) + 1, {**note, "customer_id": doc_id}))
    with con:
        sqlite_table(con, tables.CUSTOMERS, customers, ["name COLLATE NOCASE"],
                     COLUMNS[tables.CUSTOMERS])
        sqlite_table(con, NOTES, notes, ["customer_id"], COLUMNS[NOTES])
    events = len(notes)
    del customers, notes
    for name in HISTORY:
        rows = table_docs(crm_path, name)
        events += len(rows)
        with con:
            sqlite_table(con, name, rows, ["customer_id"], COLUMNS[name])
        del rows
        gc.collect()
    (count,) = con.execute("select count(*) from customers").fetchone()
    (purchases,) = con.execute("select count(*) from purchases").fetchone()
    busiest = con.execute("select customer_id from purchases p join customers c on "
                          "c.id = p.customer_id where c.deleted_at is null group by "
                          "customer_id order by count(*) desc, customer_id limit 1").fetchone()
    live = con.execute("select id from customers where deleted_at is null order by id").fetchall()
    con.close()
    first = busiest[0] if busiest else live[0][0]
    typical = live[len(live) // 2][0]
    if typical == first and len(live) > 1:
        typical = live[len(live) // 2 - 1][0]
    return Counts(count, events, purchases, first, typical)


def detail(con: sqlite3.Connection, customer_id: int) -> int:
    """One customer's 360 data by its indexes; how many rows came back."""
    found = len(con.execute("select * from customers where id = ?", (customer_id,)).fetchall())
    for name in (NOTES, *HISTORY):
        found += len(con.execute(f"select * from {name} where customer_id = ? "
                                 f"order by {ORDER[name]}", (customer_id,)).fetchall())
    return found


def dashboard(con: sqlite3.Connection, day: dt.date) -> int:
    """The dashboard's figures by GROUP BY; how many result rows came back."""
    today = day.isoformat()
    first = day.replace(day=1)
    for _ in range(11):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    queries = [
        ("select count(*), sum(status = 'active'), sum(coalesce(order_count, 0) > 0), "
         "sum(coalesce(total_spent, 0)) from customers where deleted_at is null", ()),
        ("select date, sum(total) from purchases where status = 'completed' and date "
         "between ? and ? group by date", (first.isoformat(), today)),
        ("select coalesce(product_id, item) as k, sum(quantity), sum(total) from purchases "
         "where status = 'completed' and date <= ? group by k order by 3 desc", (today,)),
        ("select channel, count(*) from interactions where date <= ? group by channel "
         "order by 2 desc", (today,)),
        ("select stage, count(*), sum(value) from opportunities where deleted_at is null "
         "and status = 'open' group by stage", ()),
        ("select id, name, total_spent from customers where deleted_at is null and "
         "order_count > 0 order by total_spent desc, id limit 10", ()),
        ("select sum(due_date < ?), sum(due_date = ?) from tasks where status = 'open'",
         (today, today)),
        ("select customer_id, max(date), count(*), sum(total) from purchases where "
         "status = 'completed' and date <= ? group by customer_id", (today,)),
        ("select recommend_score, count(*) from feedback where deleted_at is null and "
         "date <= ? group by recommend_score", (today,)),
    ]
    return sum(len(con.execute(sql, args).fetchall()) for sql, args in queries)


def customer_emails(sqlite_path: Path) -> list[str]:
    """Every live customer's email, in id order (what the sessions' import names)."""
    con = sqlite3.connect(sqlite_path)
    try:
        return [e for (e,) in con.execute("select email from customers where deleted_at is "
                                          "null and email is not null order by id")]
    finally:
        con.close()
