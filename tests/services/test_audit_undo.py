"""Audit log and undo through the services: every write says who, when, what and
old -> new; undo puts back exactly what was there, one change at a time, and refuses
when another session changed the record since."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services import tables
from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm

from .conftest import AS_OF, audit_log, history

STAMP = Clock.at(AS_OF).stamp()


@pytest.fixture
def other(crm: Crm) -> Iterator[Crm]:
    """A second session on the same database (another person over SSH)."""
    session = Crm.open(crm.db.path, clock=Clock.at(AS_OF), staff="bob")
    yield session
    session.close()


def raw(crm: Crm, table: str, doc_id: int) -> dict[str, Any] | None:
    """The stored document exactly (soft-deleted ones too), or None."""
    doc = crm.db.table(table).get(doc_id=doc_id)
    return None if doc is None else dict(doc)


def table_state(crm: Crm, *names: str) -> dict[str, dict[int, dict[str, Any]]]:
    return {name: {d.doc_id: dict(d) for d in crm.db.table(name)} for name in names}


def ann(crm: Crm) -> int:
    return crm.customers.create({"first_name": "Ann", "email": "ann@example.com"})


# ----- audit ---------------------------------------------------------------------------
def test_create_is_audited_with_who_when_and_new_values(crm: Crm) -> None:
    customer = ann(crm)
    [entry] = history(crm, tables.CUSTOMERS, customer)
    assert (entry["who"], entry["at"], entry["op"]) == ("alice", STAMP, "create")
    assert entry["entity"] == tables.CUSTOMERS and entry["entity_id"] == customer
    assert entry["action"] == "New customer"
    assert entry["changes"]["first_name"] == [None, "Ann"]
    assert entry["changes"]["email"] == [None, "ann@example.com"]


def test_edit_delete_restore_and_notes_record_old_and_new(crm: Crm) -> None:
    customer = ann(crm)
    crm.customers.update(customer, {"email": "ann.b@example.com", "status": "inactive"})
    crm.customers.add_note(customer, {"text": "likes tea"})
    crm.customers.delete(customer)
    crm.customers.restore(customer)
    entries = history(crm, tables.CUSTOMERS, customer)  # newest first
    restore, delete, note, edit, create = entries
    assert edit["changes"]["email"] == ["ann@example.com", "ann.b@example.com"]
    assert edit["changes"]["status"] == ["active", "inactive"]
    assert "first_name" not in edit["changes"]  # only what changed
    assert note["changes"]["notes"][0] == [] and note["changes"]["notes"][1][0]["text"] == (
        "likes tea")
    assert delete["changes"]["deleted_at"] == [None, STAMP]
    assert restore["changes"]["deleted_at"] == [STAMP, None]
    assert {e["who"] for e in entries} == {"alice"} and {e["at"] for e in entries} == {STAMP}
    assert create["op"] == "create" and {e["op"] for e in entries[:-1]} == {"update"}


def test_purchase_product_and_loyalty_writes_are_audited(crm: Crm) -> None:
    customer = ann(crm)
    product = crm.products.create({"name": "Laptop", "price": "1200"})
    crm.products.update(product, {"price": "1100"})
    purchase = crm.sales.record({"customer_id": customer, "item": "Laptop", "quantity": 2,
                                 "unit_price": "1100"})
    crm.loyalty.redeem(customer, 20)
    crm.sales.refund(purchase)

    created, = [e for e in history(crm, tables.PRODUCTS, product) if e["op"] == "create"]
    assert created["changes"]["price"] == [None, 120_000]
    assert history(crm, tables.PRODUCTS, product)[0]["changes"]["price"] == [120_000,
                                                                                 110_000]
    refund, record = history(crm, tables.PURCHASES, purchase)
    assert record["changes"]["total"] == [None, 220_000]
    assert refund["changes"]["status"] == ["completed", "refunded"]
    assert refund["changes"]["points"] == [220, 0]
    totals = [e["changes"] for e in history(crm, tables.CUSTOMERS, customer)
              if "total_spent" in e["changes"]]
    assert [0, 220_000] in [c["total_spent"] for c in totals]
    assert [220_000, 0] in [c["total_spent"] for c in totals]
    points = [e["changes"]["loyalty_points"] for e in history(crm, tables.CUSTOMERS,
                                                                        customer)
              if "loyalty_points" in e["changes"]]
    assert [220, 200] in points  # the redemption
    ledger = [e for e in audit_log(crm) if e["entity"] == tables.LEDGER]
    assert {e["changes"]["kind"][1] for e in ledger} == {"earn", "redeem", "adjust"}
    assert all(e["who"] == "alice" and e["at"] == STAMP for e in audit_log(crm))


# sales.py / products.py re-read stored cents as typed dollars (see the report).


def test_purchase_of_a_product_is_audited_at_the_product_price(crm: Crm) -> None:
    customer = ann(crm)
    product = crm.products.create({"name": "Laptop", "price": "1100"})
    purchase = crm.sales.record({"customer_id": customer, "product_id": product,
                                 "quantity": 2})
    [entry] = history(crm, tables.PURCHASES, purchase)
    assert entry["changes"]["total"] == [None, 220_000]


def test_refund_is_audited_as_a_status_change_only(crm: Crm) -> None:
    customer = ann(crm)
    purchase = crm.sales.record({"customer_id": customer, "item": "Laptop", "total": "1200"})
    crm.sales.refund(purchase)
    refund = history(crm, tables.PURCHASES, purchase)[0]
    assert set(refund["changes"]) <= {"status", "points", "updated_at"}
    assert crm.sales.get(purchase)["total"] == 120_000


def test_product_edit_is_audited_without_touching_the_price(crm: Crm) -> None:
    product = crm.products.create({"name": "Laptop", "price": "1100"})
    crm.products.update(product, {"category": "computers"})
    assert set(history(crm, tables.PRODUCTS, product)[0]["changes"]) == {"category"}
    assert crm.products.get(product)["price"] == 110_000


def test_undo_is_audited(crm: Crm) -> None:
    customer = ann(crm)
    crm.undo()
    entry = history(crm, tables.CUSTOMERS, customer)[0]
    assert entry["action"] == "Undo: New customer" and entry["op"] == "delete"
    assert entry["changes"]["first_name"] == ["Ann", None]


# ----- undo ----------------------------------------------------------------------------
def test_undo_create(crm: Crm) -> None:
    customer = ann(crm)
    crm.undo()
    assert raw(crm, tables.CUSTOMERS, customer) is None
    assert crm.customers.find_by_email("ann@example.com") is None


def test_undo_edit_restores_the_exact_document(crm: Crm) -> None:
    customer = ann(crm)
    before = raw(crm, tables.CUSTOMERS, customer)
    crm.customers.update(customer, {"email": "new@example.com", "tags": ["vip"]})
    crm.undo()
    assert raw(crm, tables.CUSTOMERS, customer) == before


def test_undo_delete(crm: Crm) -> None:
    customer = ann(crm)
    before = raw(crm, tables.CUSTOMERS, customer)
    crm.customers.delete(customer)
    crm.undo()
    assert raw(crm, tables.CUSTOMERS, customer) == before
    assert [c["id"] for c in crm.customers.all()] == [customer]


def test_undo_purchase_restores_totals_and_loyalty(crm: Crm) -> None:
    customer = ann(crm)
    crm.sales.record({"customer_id": customer, "item": "Desk", "total": "80"})
    names = (tables.CUSTOMERS, tables.PURCHASES, tables.LEDGER)
    before = table_state(crm, *names)
    crm.sales.record({"customer_id": customer, "item": "Laptop", "total": "1200"})
    assert crm.customers.profile(customer).loyalty_points == 128
    crm.undo()
    assert table_state(crm, *names) == before
    profile = crm.customers.profile(customer)
    assert (profile.loyalty_points, profile.totals.total_spent_cents) == (8, 8_000)
    assert profile.totals.order_count == 1


def test_undo_refund_and_redemption(crm: Crm) -> None:
    customer = ann(crm)
    purchase = crm.sales.record({"customer_id": customer, "item": "Laptop", "total": "1200"})
    names = (tables.CUSTOMERS, tables.PURCHASES, tables.LEDGER)
    before = table_state(crm, *names)
    crm.loyalty.redeem(customer, 50)
    crm.sales.refund(purchase)
    crm.undo()
    crm.undo()
    assert table_state(crm, *names) == before


def test_at_least_twenty_changes_undo_one_by_one(crm: Crm) -> None:
    customer = ann(crm)
    states = [raw(crm, tables.CUSTOMERS, customer)]
    for n in range(25):
        crm.customers.update(customer, {"industry": f"industry {n}"})
        states.append(raw(crm, tables.CUSTOMERS, customer))
    for expected in reversed(states[:-1]):
        crm.undo()
        assert raw(crm, tables.CUSTOMERS, customer) == expected
    crm.undo()  # the creation
    assert raw(crm, tables.CUSTOMERS, customer) is None
    with pytest.raises(ValidationError):
        crm.undo()


def test_undo_refuses_when_another_session_changed_the_record(crm: Crm, other: Crm) -> None:
    customer = ann(crm)
    crm.customers.update(customer, {"industry": "tea"})
    other.customers.update(customer, {"industry": "coffee"})
    with pytest.raises(ValidationError) as caught:
        crm.undo()
    assert caught.value.field == "undo"
    assert "changed since" in caught.value.message
    assert crm.customers.get(customer)["industry"] == "coffee"  # bob's change stands


def test_undo_refuses_a_purchase_when_the_customer_changed_elsewhere(crm: Crm,
                                                                     other: Crm) -> None:
    customer = ann(crm)
    crm.sales.record({"customer_id": customer, "item": "Desk", "total": "80"})
    other.sales.record({"customer_id": customer, "item": "Chair", "total": "40"})
    with pytest.raises(ValidationError) as caught:
        crm.undo()
    assert caught.value.field == "undo"
    assert crm.customers.profile(customer).totals.order_count == 2  # nothing half-undone
    assert len(crm.sales.for_customer(customer)) == 2


def test_nothing_to_undo(crm: Crm) -> None:
    with pytest.raises(ValidationError) as caught:
        crm.undo()
    assert caught.value.field == "undo"
    assert crm.changes.undo_labels == []


@pytest.mark.parametrize("undoable", [False, True])
def test_a_summary_entry_counts_the_documents_a_change_wrote(crm: Crm, undoable: bool) -> None:
    ann = crm.customers.create({"first_name": "Ann"})
    with crm.changes.change("Bulk", audit="summary", undoable=undoable):
        crm.sales.record({"customer_id": ann, "item": "Pen", "total": "10"})
        crm.sales.record({"customer_id": ann, "item": "Ink", "total": "20"})
    entries = [e for e in crm.db.table(tables.AUDIT) if e["action"] == "Bulk"]
    assert len(entries) == 1 and entries[0]["op"] == "batch"
    # Two purchases and their two ledger entries; the customer, written three times, once.
    assert entries[0]["changes"] == {"documents": {"purchases": 2, "ledger": 2, "customers": 1}}
    assert crm.changes.undo_labels[:1] == (["Bulk"] if undoable else ["New customer"])
