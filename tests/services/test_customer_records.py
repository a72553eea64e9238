"""The customers list and segment standings hold a small record per customer, never the
documents, and never make the store load the customers table: a fresh session answers
from a streaming scan, and follows other processes' commits from the store's watcher."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import ListQuery
from crm_tui.services.customer_records import CustomerRecord

from .conftest import AS_OF

SKIPPED = (Crm,)  # the session (and through it the store) is not the list's to hold


def _held(root: object) -> Iterator[Any]:
    """Every value reachable from an object's attributes through plain containers."""
    seen: set[int] = set()
    stack: list[Any] = [vars(root)]
    while stack:
        value = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        yield value
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list | tuple | set | frozenset):
            stack.extend(value)


def _documents_held(root: object) -> list[dict[str, Any]]:
    return [v for v in _held(root) if isinstance(v, dict) and "email" in v]


def _people(crm: Crm, n: int = 30) -> list[int]:
    with crm.changes.change("seed"):
        ids = [crm.customers.create({"first_name": f"P{i:02}", "last_name": "Person",
                                     "email": f"p{i}@example.com", "tags": ["vip"],
                                     "addresses": [{"city": "Oslo", "default": True}]})
               for i in range(n)]
    crm.sales.record({"customer_id": ids[0], "item": "Desk", "total": "900",
                      "date": "2026-06-01"})
    return ids


def _fresh(crm: Crm) -> Crm:
    crm.db.compact()  # the table's snapshot and derived files, as any compaction leaves
    return Crm.open(crm.db.path, clock=Clock.at(AS_OF))


def test_the_list_and_standings_hold_records_not_documents(crm: Crm) -> None:
    ids = _people(crm)
    crm.segments.create({"name": "Oslo", "conditions": ["city = Oslo"]})
    listing = crm.customer_list
    assert len(listing.query(ListQuery())) == len(ids)
    assert listing.query(ListQuery(text="p01")) == [ids[1]]
    listing.warm()
    assert crm.segments.count("Oslo") == len(ids)
    listing.rows_now(ids[:10])
    crm.customers.update(ids[2], {"last_name": "Changed"})  # a commit's documents pass by
    assert listing.query(ListQuery(text="changed")) == [ids[2]]
    records = listing.records.snapshot()
    assert len(records) == len(ids)
    assert all(type(r) is CustomerRecord for r in records.values())
    # Held as they are between queries (the last commit not scored yet) and after.
    for holder in (listing, crm.segments.membership, listing.records):
        assert _documents_held(holder) == [], type(holder).__name__
    assert crm.segments.count("Oslo") == len(ids)
    assert _documents_held(crm.segments.membership) == []


def test_a_fresh_session_never_loads_the_customers_table(crm: Crm) -> None:
    ids = _people(crm)
    fresh = _fresh(crm)
    try:
        listing = fresh.customer_list
        assert listing.query(ListQuery()) == ids  # P00, P01, ...: name order
        assert listing.rows_now(ids[:2])[ids[0]].spent_cents == 90_000
        assert listing.query(ListQuery(sort="spent", descending=True))[0] == ids[0]
        assert fresh.segments.count("lifecycle:vip") == 1
        assert listing.row(ids[3]).name == "P03 Person"
        assert fresh.db.engine.state("customers").docs is None
    finally:
        fresh.close()


def test_another_process_commits_reach_a_session_that_never_loaded_the_table(
        crm: Crm) -> None:
    ids = _people(crm)
    fresh = _fresh(crm)
    try:
        listing = fresh.customer_list
        assert listing.query(ListQuery(text="renamed")) == []
        assert fresh.segments.count("lifecycle:vip") == 1
        script = (
            "import sys; from crm_tui.services.crm import Crm\n"
            "crm = Crm.open(sys.argv[1], staff='bob')\n"
            "crm.customers.update(int(sys.argv[2]), {'last_name': 'Renamed'})\n"
            "crm.sales.record({'customer_id': int(sys.argv[2]), 'item': 'Sofa',"
            " 'total': '900', 'date': '2026-06-03'})\n"
            "crm.customers.delete(int(sys.argv[3]))\n"
            "crm.close()\n"
        )
        subprocess.run([sys.executable, "-c", script, str(crm.db.path), str(ids[5]),
                        str(ids[6])], check=True, timeout=60)
        assert listing.query(ListQuery(text="renamed")) == [ids[5]]
        assert listing.query(ListQuery(deleted=True)) == [ids[6]]
        assert fresh.segments.members("lifecycle:vip") == [ids[0], ids[5]]
        assert listing.rows_now([ids[5]])[ids[5]].orders == 1
        assert fresh.db.engine.state("customers").docs is None
    finally:
        fresh.close()


def test_order_days_are_held_once_per_process() -> None:
    def doc(last: str) -> dict[str, Any]:  # decoded apart, as two documents' are
        return {"first_name": "A", "order_count": 1, "first_order_date": last[:8] + "01",
                "last_order_date": "".join(last)}

    one, two = CustomerRecord.of(1, doc("2026-03-14")), CustomerRecord.of(2, doc("2026-03-14"))
    assert one.last_order == "2026-03-14" and one.last_order is two.last_order
    assert one.first_order is two.first_order
    assert CustomerRecord.of(3, {"first_name": "B"}).last_order is None
