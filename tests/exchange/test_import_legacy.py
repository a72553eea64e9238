"""The original CRM script's customers.json: John Doe buys a $1,200 laptop -> 120 points,
and variants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.legacy import import_legacy
from crm_tui.services.exchange.revert import revert

from .import_support import (
    customers_by_email,
    database_bytes,
)

SEED = {"John Doe": {"contact_info": "john.doe@email.com",
                     "purchase_history": [{"item": "Laptop", "amount": 1200}],
                     "loyalty_points": 120}}


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_john_doe_laptop_120_points(crm: Crm, tmp_path: Path) -> None:
    report = import_legacy(crm, write_json(tmp_path / "customers.json", SEED))
    assert report.failed == 0 and report.count("customers").created == 1
    john = customers_by_email(crm)["john.doe@email.com"]
    assert (john["first_name"], john["last_name"]) == ("John", "Doe")
    profile = crm.customers.profile(john["id"])
    assert profile.loyalty_points == 120 and profile.totals.total_spent_cents == 120_000
    assert [(p["item"], p["total"]) for p in crm.sales.for_customer(john["id"])] == [
        ("Laptop", 120_000)]
    assert len(crm.db.table("ledger")) == 1  # the earned points, no adjustment needed


def test_importing_twice_changes_nothing(crm: Crm, tmp_path: Path) -> None:
    path = write_json(tmp_path / "customers.json", SEED)
    import_legacy(crm, path)
    before = database_bytes(crm.db.path)
    dry = import_legacy(crm, path, dry_run=True)
    assert database_bytes(crm.db.path) == before
    assert dry.count("customers").unchanged == 1 and dry.count("purchases").unchanged == 1
    assert import_legacy(crm, path).count("purchases").created == 0
    assert len(crm.db.table("purchases")) == 1


def test_variants_and_balances_carry_over(crm: Crm, tmp_path: Path) -> None:
    data = {"customers": [
        {"name": "Ann Lee", "contact": {"email": "ann@x.com", "phone": "+1 555 123 4567"},
         "purchases": [["Pen", 3.5], {"product": "Desk", "price": "250", "date": "2026-01-10"}],
         "points": 40},
        {"name": "Bob", "contact_info": "+44 20 7946 0958", "purchase_history": []},
        {"name": "Cy", "contact_info": "ask at the front desk", "loyalty_points": 0},
    ]}
    report = import_legacy(crm, write_json(tmp_path / "c.json", data))
    assert report.failed == 0 and report.count("customers").created == 3
    ann = customers_by_email(crm)["ann@x.com"]
    assert ann["phone"] == "+1 555 123 4567"
    assert crm.customers.profile(ann["id"]).loyalty_points == 40  # 25 earned + 15 carried
    assert crm.customers.profile(ann["id"]).lifetime_points == 25
    bob = crm.customers.find_by_external_id("legacy:Bob")
    assert bob is not None and bob["phone"] == "+44 20 7946 0958"
    cy = crm.customers.find_by_external_id("legacy:Cy")
    assert cy is not None and "front desk" in cy["notes"][0]["text"]
    assert report.count("ledger").created == 1
    revert(crm, str(report.batch_id))
    assert len(crm.db.table("customers")) == 0 and len(crm.db.table("ledger")) == 0


def test_bad_entries_are_row_errors(crm: Crm, tmp_path: Path) -> None:
    data = {"Ann": {"contact_info": "ann@x.com", "purchase_history": [
                {"item": "Pen", "amount": -3}, "junk", {"item": "Ink", "amount": 2}]},
            "Bad": {"contact_info": "bad@@mail", "purchase_history": [{"item": "X",
                                                                      "amount": 1}]}}
    report = import_legacy(crm, write_json(tmp_path / "c.json", data))
    found = {(e.kind, e.line, e.field) for e in report.errors}
    assert found == {("purchases", 1, "purchase_history[1].total"),
                     ("purchases", 1, "purchase_history[2].purchase"),
                     ("customers", 2, "email"),
                     ("purchases", 2, "purchase_history[1].customer")}
    assert report.count("purchases").created == 1


@pytest.mark.parametrize("content", [b"", b"not json", b"[1, 2]", b'{"John": "x"}',
                                     b"\xff\xfe\x00"])
def test_not_a_legacy_file_names_the_file(crm: Crm, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "customers.json"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as err:
        import_legacy(crm, path)
    assert err.value.field == "file" and str(path) in err.value.message
