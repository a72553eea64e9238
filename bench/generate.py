"""A deterministic scale database: N customers and M events (purchases + interactions),
with deals, tasks, feedback and follow-ups in the demo's proportions (bench/work_data.py).

    python -m bench.generate PATH [--customers 100000] [--events 1000000] [--seed 1]

Written straight through the store in large transactions (the services would audit and
validate each record, which is not what is being measured), with the customers' totals and
loyalty counters computed exactly as the services keep them, so every screen and export
reads it as real data. Three custom segments, as a user would define them (on totals, on
tags, on a field only the documents hold), so that their cost is measured. Same seed, same
database. The last compaction is an app session's (as `crm compact` does it), as of
AS_OF, so the files for fast reading, the dashboard's saved figures and that day's segment
standings are there as the app leaves them: a compaction by a bare store would leave them
out, and the first reader would pay to write them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb.table import Document

from crm_tui.domain.rules.loyalty import points_for_purchase
from crm_tui.services import tables
from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.store import Database

from . import work_data
from .common import AS_OF, customer_doc

CHUNK = 50_000
ITEMS = [("Laptop", 120_000), ("Monitor", 32_000), ("Keyboard", 7_900), ("Mouse", 2_500),
         ("Dock", 18_900), ("Headset", 9_900), ("Cable", 999), ("Support plan", 49_900)]
CHANNELS = ["email", "phone", "sms", "chat", "in_person", "whatsapp", "meeting", "demo"]
STAMP = f"{AS_OF.isoformat()}T09:00:00"
SEGMENTS = [
    {"name": "Big spenders", "match": "all", "conditions": ["total_spent >= 5000"]},
    {"name": "Newsletter VIPs", "match": "all",
     "conditions": ["tags has vip", "tags has newsletter"]},
    {"name": "Email opt-ins", "match": "all", "conditions": ["email_opt_in = true"]},
]


Event = tuple[str, dict[str, Any]]
WORK_TABLES = (tables.OPPORTUNITIES, tables.TASKS, tables.FEEDBACK)


def _events(customers: int, events: int, rng: random.Random) -> Iterator[Event]:
    """Purchases (60%) and interactions (40%) spread over two years before AS_OF."""
    for _ in range(events):
        customer_id = 1 + int(customers * rng.random() ** 1.5)  # some customers buy a lot
        day = (AS_OF - dt.timedelta(days=rng.randrange(730))).isoformat()
        if rng.random() < 0.6:
            item, price = rng.choice(ITEMS)
            quantity = 1 + int(rng.random() ** 4 * 4)
            yield tables.PURCHASES, {
                "customer_id": customer_id, "product_id": None, "item": item,
                "quantity": quantity, "unit_price": price, "total": price * quantity,
                "date": day, "payment_method": "card", "status": "completed",
                "external_id": None, "created_at": STAMP, "updated_at": STAMP,
                "created_by": "bench",
            }
        else:
            yield tables.INTERACTIONS, {
                "customer_id": customer_id, "channel": rng.choice(CHANNELS),
                "direction": rng.choice(["inbound", "outbound"]), "status": "delivered",
                "date": day, "subject": "Follow-up", "summary": "Talked about the order",
                "outcome": None, "next_action": None, "follow_up_date": None,
                "follow_up_done": False, "duration_minutes": rng.randrange(5, 60),
                "staff": "bench", "created_at": STAMP, "updated_at": STAMP,
                "created_by": "bench",
            }


def generate(path: Path, customers: int, events: int, seed: int = 1) -> dict[str, float]:
    rng = random.Random(seed)
    work_rng = random.Random(f"work {seed}")  # its own stream: the events stay as they were
    db = Database(path)
    started = time.perf_counter()
    totals: dict[int, dict[str, Any]] = {}
    buffers: dict[str, list[dict[str, Any]]] = {
        name: [] for name in (tables.PURCHASES, tables.INTERACTIONS, *WORK_TABLES)}

    def flush(name: str) -> None:
        if buffers[name]:
            db.table(name).insert_multiple(buffers[name])
            buffers[name] = []

    def add(name: str, doc: dict[str, Any]) -> None:
        buffers[name].append(doc)
        if len(buffers[name]) >= CHUNK:
            flush(name)

    for name, doc in _events(customers, events, rng):
        if name == tables.PURCHASES:
            t = totals.setdefault(doc["customer_id"], {"order_days": {}, "total_spent": 0,
                                                       "points": 0})
            t["order_days"][doc["date"]] = t["order_days"].get(doc["date"], 0) + 1
            t["total_spent"] += doc["total"]
            doc["points"] = points_for_purchase(doc["total"])
            t["points"] += doc["points"]
        else:
            work_data.follow_up(doc, work_rng)
        add(name, doc)
    buyers = {c: [dt.date.fromisoformat(d) for d in t["order_days"]] for c, t in totals.items()}
    for name, doc in work_data.work(customers, buyers, work_rng):
        add(name, doc)
    for name in buffers:
        flush(name)
    events_done = time.perf_counter()

    source = _customers(customers, rng, totals)
    table = db.table(tables.CUSTOMERS)
    for _ in range(0, customers, CHUNK):
        table.insert_multiple(_take(source, CHUNK))
    crm = Crm(db, clock=Clock.at(AS_OF), staff="bench")
    for segment in SEGMENTS:
        crm.segments.create(segment)
    crm.dashboard_view.warm()  # so that the compaction saves the dashboard's figures
    crm.segments.counts()  # and the segment standings of AS_OF
    db.compact()
    crm.close()
    return {"events_s": events_done - started, "total_s": time.perf_counter() - started}


def _take(source: Iterator[Document], count: int) -> list[Document]:
    return [doc for _, doc in zip(range(count), source, strict=False)]


def _customers(count: int, rng: random.Random,
               totals: dict[int, dict[str, Any]]) -> Iterator[Document]:
    for n in range(count):
        customer_id = n + 1
        doc = customer_doc(n, rng)
        doc.pop("total_spent_cents", None)
        t = totals.get(customer_id)
        days = dict(sorted(t["order_days"].items())) if t else {}
        doc.update(
            company=None, industry=None, customer_type="retail", source="direct",
            addresses=[], notes=[], segment_override=None, external_id=f"C{customer_id:07d}",
            preferences={"email_opt_in": n % 3 == 0, "sms_opt_in": False},
            order_count=sum(days.values()), total_spent=t["total_spent"] if t else 0,
            first_order_date=min(days) if days else None,
            last_order_date=max(days) if days else None,
            loyalty_points=t["points"] if t else 0, points_earned=t["points"] if t else 0,
            created_at=STAMP, updated_at=STAMP, created_by="bench",
        )
        yield Document(doc, doc_id=customer_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.path.exists():
        parser.error(f"{args.path} exists; the generator only fills a new database")
    times = generate(args.path, args.customers, args.events, args.seed)
    print(f"{args.customers:,} customers, {args.events:,} events in {times['total_s']:.1f} s")


if __name__ == "__main__":
    main()
