"""`export all` then `import_all` into an empty database gives back the same export."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.dump import import_all
from crm_tui.services.exchange.revert import revert

from .import_support import (
    DUMP_KINDS,
    export_dump,
    open_crm,
)


def build(crm: Crm) -> None:
    """A bit of everything, with id gaps, refunds, redemptions and closed deals."""
    laptop = crm.products.create({"name": "Laptop", "price": "1200", "category": "IT"})
    crm.products.create({"name": "Old", "price": "5", "active": False,
                         "description": "line 1\nline 2"})
    ann = crm.customers.create({
        "first_name": "Ann", "last_name": "Lee", "email": "ann@x.com", "phone": "+1 555 0100 22",
        "tags": ["vip", "b2b"], "addresses": [{"city": "Paris", "country": "FR"}],
        "preferences": {"email_opt_in": True}, "customer_type": "wholesale",
        "source": "referral", "external_id": "ERP-1"})
    gone = crm.customers.create({"first_name": "Tmp"})
    acme = crm.customers.create({"kind": "corporate", "company_name": "=Acme", "status":
                                 "inactive", "industry": "Retail", "tags": ["-b2b"]})
    crm.customers.update(acme, {"segment_override": "vip"})
    crm.customers.create({"first_name": "Zoe", "email": "zoe@x.com",
                          "addresses": [{"city": "Rabat", "region": "Rabat-Sale"}]})
    p1 = crm.sales.record({"customer_id": ann, "product_id": laptop, "date": "2026-05-01",
                           "payment_method": "card", "external_id": "O-1"})
    mistake = crm.sales.record({"customer_id": ann, "item": "Oops", "total": "1"})
    crm.sales.delete(mistake)
    p2 = crm.sales.record({"customer_id": ann, "item": "Mouse", "quantity": 3,
                           "unit_price": "8.33", "date": "2026-06-01"})
    crm.sales.refund(p2)
    crm.sales.record({"customer_id": acme, "item": "Free sample", "total": "0",
                      "date": "2026-06-10"})
    crm.sales.record({"customer_id": acme, "item": "Crate", "total": "640.50",
                      "date": "2026-03-03", "status": "pending"})
    crm.sales.record({"customer_id": acme, "lines": "2 x Crate @ 320.25 [CR-1]\nLid @ 12",
                      "shipping": "9.90", "tax": "3", "discount": "1", "note": "dock 4",
                      "date": "2026-04-04", "external_id": "O-2"})
    crm.loyalty.redeem(ann, 20)
    crm.loyalty.adjust(acme, 7, "goodwill")
    assert p1
    crm.interactions.log({"customer_id": ann, "channel": "phone", "subject": "Hi",
                          "summary": "said\nthings", "follow_up_date": "2026-06-20",
                          "duration_minutes": 12})
    crm.interactions.log({"customer_id": acme, "channel": "email", "direction": "inbound",
                          "status": "replied", "staff": "bob"})
    deal = crm.pipeline.create({"customer_id": acme, "name": "Big", "value": "5000",
                                "stage": "Proposal", "expected_close_date": "2026-07-01"})
    crm.pipeline.create({"customer_id": ann, "name": "Small", "value": "100",
                         "probability": 35})
    crm.pipeline.move(deal, "Closed Won")
    crm.tasks.create({"title": "Call Ann", "customer_id": ann, "due_date": "2026-06-16",
                      "priority": "high"})
    done = crm.tasks.create({"title": "Solo", "assigned_to": "bob"})
    crm.tasks.complete(done)
    crm.feedback.submit({"customer_id": ann, "rating": 5, "recommend_score": 9,
                         "comments": "great", "service_type": "delivery"})
    anonymous = crm.feedback.submit({"rating": 2, "source": "web"})
    crm.feedback.resolve(anonymous, "called back")
    crm.customers.delete(gone)


def test_export_import_export_is_the_same(tmp_path: Path) -> None:
    source = open_crm(tmp_path / "source.db")
    build(source)
    first = export_dump(source)
    (tmp_path / "all.json").write_bytes(first)
    target = open_crm(tmp_path / "target.db")
    report = import_all(target, tmp_path / "all.json")
    assert report.failed == 0, report.errors
    second = export_dump(target)
    a, b = orjson.loads(first), orjson.loads(second)
    for kind in DUMP_KINDS:
        assert a[kind] == b[kind], kind
    assert a["customers"] and a["purchases"] and a["segments"]
    assert report.count("customers").created == 3 and report.count("purchases").created == 5
    ann = target.customers.find_by_email("ann@x.com")
    assert ann is not None and ann["created_by"] == "alice"
    assert target.loyalty.summary(ann["id"]).balance == 100  # 120 earned - 20 redeemed
    # Ids keep counting after the highest one imported.
    assert target.customers.create({"first_name": "New"}) == max(c["id"] for c in
                                                                 a["customers"]) + 1


def test_dry_run_and_revert_of_a_full_import(tmp_path: Path) -> None:
    source = open_crm(tmp_path / "source.db")
    build(source)
    (tmp_path / "all.json").write_bytes(export_dump(source))
    target = open_crm(tmp_path / "target.db")
    dry = import_all(target, tmp_path / "all.json", dry_run=True)
    assert dry.failed == 0 and len(target.db.table("customers")) == 0
    report = import_all(target, tmp_path / "all.json")
    assert report.counts == dry.counts
    revert(target, str(report.batch_id))
    for table in ("customers", "products", "purchases", "ledger", "interactions",
                  "opportunities", "tasks", "feedback"):
        assert len(target.db.table(table)) == 0, table


def test_import_all_needs_an_empty_database(crm: Crm, tmp_path: Path) -> None:
    crm.customers.create({"first_name": "Already"})
    path = tmp_path / "all.json"
    path.write_bytes(b'{"format": "crm-tui-export", "version": 1, "customers": []}')
    with pytest.raises(ValidationError) as err:
        import_all(crm, path)
    assert err.value.field == "database"


@pytest.mark.parametrize("content", [
    b"[]", b'{"format": "other"}', b'{"format": "crm-tui-export", "version": 9}',
    b'{"format": "crm-tui-export", "version": 1, "customers": {}}', b"\x00\x01", b"{"])
def test_not_an_export_names_the_file(crm: Crm, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "all.json"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as err:
        import_all(crm, path)
    assert err.value.field == "file" and str(path) in err.value.message


def test_bad_records_in_an_export_are_row_errors(crm: Crm, tmp_path: Path) -> None:
    dump = {"format": "crm-tui-export", "version": 1,
            "customers": [{"id": 1, "first_name": "Ann", "email": "ann@x.com"},
                          {"id": 1, "first_name": "Twin"},
                          {"id": 2, "email": "nobody"}],
            "purchases": [{"id": 1, "customer_id": 1, "item": "Pen", "total": 5},
                          {"id": 2, "customer_id": 9, "item": "Pen", "total": 5}]}
    path = tmp_path / "all.json"
    path.write_bytes(orjson.dumps(dump))
    report = import_all(crm, path)
    found = sorted((e.kind, e.line, e.field) for e in report.errors)
    assert found == [("customers", 2, "id"), ("customers", 3, "email"),
                     ("customers", 3, "first_name"), ("purchases", 2, "customer_id")]
    assert report.count("purchases").created == 1
