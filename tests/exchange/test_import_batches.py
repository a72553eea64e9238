"""Batches: dry runs leave no trace, every import is recorded, revert undoes exactly one."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.batches import BATCH_FIELD, forget_customer, list_batches
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.revert import revert

from .import_support import (
    customers_by_email,
    database_bytes,
    write_csv,
)

PEOPLE = "name,email,phone\nAnn Lee,ann@x.com,+1 555 000 0001\nBob Ray,bob@x.com,\n"
ORDERS_1 = "order id,customer email,item,total,date\nO-1,ann@x.com,Laptop,1200,2026-05-01\n"
ORDERS_2 = ("order id,customer email,customer name,item,total,date\n"
            "O-2,ann@x.com,,Mouse,300,2026-06-01\n"
            "O-3,cat@x.com,Cat Sun,Pad,50,2026-06-02\n")


def test_dry_run_changes_no_byte_and_reports_the_same(crm: Crm, tmp_path: Path) -> None:
    crm.customers.create({"first_name": "Ann", "email": "ann@x.com"})
    files = {name: write_csv(tmp_path / f"{name}.csv", text) for name, text in (
        ("people", PEOPLE + "Bad,bad@@,\n"), ("orders", ORDERS_2))}
    before = database_bytes(crm.db.path)
    dry = import_file(crm, "customers", files["people"], dry_run=True)
    dry_orders = import_file(crm, "purchases", files["orders"], dry_run=True)
    assert database_bytes(crm.db.path) == before
    assert dry.batch_id is None and list_batches(crm) == []
    assert len(crm.db.table("customers")) == 1 and len(crm.db.table("purchases")) == 0
    real = import_file(crm, "customers", files["people"])
    assert (dry.counts, dry.errors, dry.failed) == (real.counts, real.errors, real.failed)
    assert (dry.created, dry.updated) == (1, 1)
    assert dry_orders.count("customers").created == 1 and dry_orders.created == 2


def test_every_import_is_a_recorded_batch(crm: Crm, tmp_path: Path) -> None:
    first = import_file(crm, "customers", write_csv(tmp_path / "people.csv", PEOPLE))
    second = import_file(crm, "purchases", write_csv(tmp_path / "o.csv", ORDERS_1))
    assert (first.batch_id, second.batch_id) == ("imp-20260615-0001", "imp-20260615-0002")
    latest, earliest = list_batches(crm)
    assert (latest.batch_id, latest.kind, latest.file, latest.who) == (
        second.batch_id, "purchases", "o.csv", "alice")
    assert (earliest.status, earliest.rows, earliest.failed) == ("done", 2, 0)
    assert earliest.counts["customers"]["created"] == 2
    assert {c[BATCH_FIELD] for c in crm.customers.all()} == {first.batch_id}


def test_revert_removes_exactly_the_second_batch(crm: Crm, tmp_path: Path) -> None:
    import_file(crm, "customers", write_csv(tmp_path / "people.csv", PEOPLE))
    one = import_file(crm, "purchases", write_csv(tmp_path / "o1.csv", ORDERS_1))
    two = import_file(crm, "purchases", write_csv(tmp_path / "o2.csv", ORDERS_2))
    ann = customers_by_email(crm)["ann@x.com"]
    assert (ann["total_spent"], ann["loyalty_points"], ann["order_count"]) == (150_000, 150, 2)
    report = revert(crm, two.batch_id)
    assert report.removed == {"purchases": 2, "customers": 1} and report.kept == []
    ann = customers_by_email(crm)["ann@x.com"]
    assert (ann["total_spent"], ann["loyalty_points"], ann["order_count"]) == (120_000, 120, 1)
    assert crm.customers.profile(ann["id"]).lifetime_points == 120
    assert "cat@x.com" not in customers_by_email(crm)
    assert [p["external_id"] for p in crm.sales.for_customer(ann["id"])] == ["O-1"]
    assert {b.batch_id: b.status for b in list_batches(crm)}[two.batch_id] == "reverted"
    assert {b.batch_id: b.status for b in list_batches(crm)}[one.batch_id] == "done"
    again = import_file(crm, "purchases", write_csv(tmp_path / "o2.csv", ORDERS_2))
    assert again.created == 2  # what was reverted can be imported again


def test_revert_twice_or_unknown_batch_names_batch(crm: Crm, tmp_path: Path) -> None:
    report = import_file(crm, "customers", write_csv(tmp_path / "people.csv", PEOPLE))
    assert report.batch_id is not None
    revert(crm, report.batch_id)
    assert len(crm.db.table("customers")) == 0
    for batch in (report.batch_id, "imp-19990101-0001"):
        with pytest.raises(ValidationError) as err:
            revert(crm, batch)
        assert err.value.field == "batch"


def test_revert_restores_what_an_import_updated(crm: Crm, tmp_path: Path) -> None:
    ann = crm.customers.create({"first_name": "Ann", "email": "ann@x.com", "tags": ["old"]})
    crm.sales.record({"customer_id": ann, "item": "Pen", "total": "20"})
    before = crm.customers.get(ann)
    text = "email,last_name,tags,city\nann@x.com,Lee,new,Rome\n"
    report = import_file(crm, "customers", write_csv(tmp_path / "u.csv", text))
    assert report.updated == 1
    crm.sales.record({"customer_id": ann, "item": "Ink", "total": "30"})  # totals move: fine
    result = revert(crm, report.batch_id)
    assert result.restored == {"customers": 1}
    after = crm.customers.get(ann)
    assert (after["last_name"], after["tags"], after["addresses"]) == (None, ["old"], [])
    assert after.get(BATCH_FIELD) == before.get(BATCH_FIELD)
    assert after["total_spent"] == 5_000 and after["order_count"] == 2


def test_revert_leaves_what_changed_since(crm: Crm, tmp_path: Path) -> None:
    ann = crm.customers.create({"first_name": "Ann", "email": "ann@x.com"})
    report = import_file(crm, "customers", write_csv(tmp_path / "u.csv",
                                                     "email,last_name\nann@x.com,Lee\n"))
    crm.customers.update(ann, {"phone": "+1 555 999 0000"})
    result = revert(crm, report.batch_id)
    assert result.restored == {} and len(result.kept) == 1 and "changed since" in result.kept[0]
    assert crm.customers.get(ann)["last_name"] == "Lee"


def test_a_created_customer_given_other_records_since_is_kept(crm: Crm, tmp_path: Path) -> None:
    first = import_file(crm, "customers", write_csv(tmp_path / "p.csv", PEOPLE))
    ann = customers_by_email(crm)["ann@x.com"]["id"]
    crm.sales.record({"customer_id": ann, "item": "Pen", "total": "20"})
    result = revert(crm, first.batch_id)
    assert result.removed == {"customers": 1}
    assert list(customers_by_email(crm)) == ["ann@x.com"] and "purchases" in result.kept[0]


def test_a_later_import_of_the_same_customer_is_reported(crm: Crm, tmp_path: Path) -> None:
    first = import_file(crm, "customers", write_csv(tmp_path / "p.csv", PEOPLE))
    second = import_file(crm, "customers", write_csv(tmp_path / "q.csv",
                                                     "email,last_name\nann@x.com,Other\n"))
    result = revert(crm, first.batch_id)
    assert any(second.batch_id in text for text in result.kept)
    assert list(customers_by_email(crm)) == ["ann@x.com"]


def test_forget_customer_drops_before_images(crm: Crm, tmp_path: Path) -> None:
    ann = crm.customers.create({"first_name": "Ann", "email": "ann@x.com"})
    import_file(crm, "customers", write_csv(tmp_path / "u.csv", "email,last_name\nann@x.com,Lee\n"))
    assert len(crm.db.table("import_undo")) == 1
    with crm.changes.change("Erase", undoable=False):
        assert forget_customer(crm.db, ann) == 1
    assert len(crm.db.table("import_undo")) == 0
