"""Exports stream their records from the store: a fresh session exports customers, their
purchases, products and product revenue without loading any of those tables, in id order
(or a list's order), with the changes made since the last compaction."""

from __future__ import annotations

from pathlib import Path

from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.exports import Query, export_rows

from ..conftest import AS_OF, open_session

STREAMED = (tables.CUSTOMERS, tables.PURCHASES, tables.PRODUCTS)


def loaded(crm: Crm) -> set[str]:
    return {name for name in STREAMED if crm.db.engine.state(name).docs is not None}


def exported(crm: Crm, kind: str, query: Query | None = None) -> list[dict]:
    return list(export_rows(crm, kind, query or Query(as_of=AS_OF))[1])


def make_database(path: Path) -> list[int]:
    """Five customers (one in the trash), a product and purchases; compacted, then one
    more customer and a purchase that live only in the journal."""
    crm = open_session(path)
    people = [crm.customers.create({"first_name": name, "email": f"{name}@example.com"})
              for name in ("Ann", "Bob", "Cat", "Dan", "Eve")]
    crm.products.create({"name": "Widget", "price": "5"})
    for number, person in enumerate(people):
        crm.sales.record({"customer_id": person, "item": "Widget", "total": str(10 + number),
                          "date": "2026-06-01"})
    crm.customers.delete(people[3])
    crm.db.compact()
    people.append(crm.customers.create({"first_name": "Fay"}))
    crm.sales.record({"customer_id": people[-1], "item": "Widget", "total": "20",
                      "date": "2026-06-02"})
    crm.customers.update(people[0], {"first_name": "Anna"})
    crm.close()
    return people


def test_exports_stream_every_table_they_read(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    people = make_database(path)
    crm = open_session(path)
    try:
        customers = exported(crm, "customers")
        assert [(r["id"], r["first_name"]) for r in customers] == [
            (people[0], "Anna"), (people[1], "Bob"), (people[2], "Cat"), (people[4], "Eve"),
            (people[5], "Fay")]
        purchases = exported(crm, "purchases")
        assert [(r["customer_name"], str(r["total"])) for r in purchases] == [
            ("Anna", "10.00"), ("Bob", "11.00"), ("Cat", "12.00"), ("Eve", "14.00"),
            ("Fay", "20.00")]  # Dan's purchase goes with Dan, in the trash
        assert [r["name"] for r in exported(crm, "products")] == ["Widget"]
        [widget] = exported(crm, "product-revenue")
        assert (widget["orders"], str(widget["revenue"])) == (6, "80.00")
        assert loaded(crm) == set()
    finally:
        crm.close()


def test_a_list_of_customers_is_exported_in_its_order_without_loading_them(
        tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    people = make_database(path)
    crm = open_session(path)
    try:
        listed = (people[5], people[2], people[3], 999, people[0])
        rows = exported(crm, "customers", Query(as_of=AS_OF, customers=listed))
        # The trash and a number no customer has are left out; the rest keep the list's order.
        assert [r["id"] for r in rows] == [people[5], people[2], people[0]]
        assert loaded(crm) == set()
    finally:
        crm.close()
