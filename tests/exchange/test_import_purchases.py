"""Importing purchases (and the other records that belong to customers) and products."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.importer import import_file

from .import_support import (
    customers_by_email,
    write_csv,
)

ORDERS = (
    "Order ID,Customer Email,Customer Name,Item,Amount,Order Date\n"
    "A-1,john.doe@email.com,,Laptop,1200,2026-06-01\n"
    "A-2,new.person@x.com,New Person,Mouse,25.50,2026-06-02\n"
    "A-3,new.person@x.com,,Pad,10,2026-06-03\n"
)


def test_purchases_link_by_email_and_create_unknown_customers(crm: Crm, tmp_path: Path) -> None:
    john = crm.customers.create({"first_name": "John", "last_name": "Doe",
                                 "email": "john.doe@email.com"})
    report = import_file(crm, "purchases", write_csv(tmp_path / "o.csv", ORDERS))
    assert (report.created, report.failed) == (3, 0)
    assert report.count("customers").created == 1
    new = customers_by_email(crm)["new.person@x.com"]
    assert (new["first_name"], new["last_name"]) == ("New", "Person")
    assert [p["external_id"] for p in crm.sales.for_customer(new["id"])] == ["A-3", "A-2"]
    assert crm.customers.profile(john).loyalty_points == 120
    assert crm.customers.profile(new["id"]).totals.total_spent_cents == 3550


def test_an_unknown_customer_without_a_name_or_id_is_a_row_error(crm: Crm,
                                                                tmp_path: Path) -> None:
    text = "customer_email,item,total\nnobody@x.com,Pad,10\n,Pad,10\n"
    report = import_file(crm, "purchases", write_csv(tmp_path / "o.csv", text))
    assert report.created == 0
    assert [(e.line, e.field) for e in report.errors] == [(2, "customer_email"),
                                                          (3, "customer_email")]
    assert len(crm.db.table("customers")) == 0


def test_link_by_external_id_or_our_customer_id(crm: Crm, tmp_path: Path) -> None:
    ann = crm.customers.create({"first_name": "Ann", "external_id": "ERP-7"})
    text = ("customer_external_id,customer_id,item,total\n"
            "ERP-7,,Pen,5\n"
            f",{ann},Pen,5\n"
            "ERP-9,,Pen,5\n"
            ",X-55,Pen,5\n")
    report = import_file(crm, "purchases", write_csv(tmp_path / "o.csv", text))
    assert report.created == 4 and report.count("customers").created == 2
    assert len(crm.sales.for_customer(ann)) == 2
    erp9 = crm.customers.find_by_external_id("ERP-9")
    x55 = crm.customers.find_by_external_id("X-55")  # someone else's id: an external id
    assert erp9 is not None and x55 is not None
    assert (erp9["first_name"], erp9["last_name"]) == ("Customer", "ERP-9")


def test_a_name_alone_links_to_the_one_customer_so_named(crm: Crm, tmp_path: Path) -> None:
    ann = crm.customers.create({"first_name": "Ann", "last_name": "Lee"})
    text = "Name,Item,Amount\nAnn Lee,Pen,5\nBob Ray,Pen,7\nbob ray,Ink,3\n"
    report = import_file(crm, "purchases", write_csv(tmp_path / "o.csv", text))
    assert report.created == 3 and report.count("customers").created == 1
    assert len(crm.sales.for_customer(ann)) == 1
    crm.customers.create({"first_name": "Ann", "last_name": "Lee"})
    again = import_file(crm, "purchases", write_csv(tmp_path / "o2.csv", "Name,Item,Amount\n"
                                                    "Ann Lee,Pen,5\n"))
    assert again.errors[0].field == "customer_name" and "2 customers" in again.errors[0].message


def test_totals_and_points_are_those_of_sales_record(crm: Crm, tmp_path: Path) -> None:
    typed = crm.customers.create({"first_name": "Typed", "email": "typed@x.com"})
    imported = crm.customers.create({"first_name": "Imported", "email": "imp@x.com"})
    rows = [("1200", "2026-05-01", "completed"), ("0", "2026-05-02", "completed"),
            ("99.99", "2026-06-01", "refunded"), ("15", "2026-06-01", "pending")]
    for total, day, status in rows:
        crm.sales.record({"customer_id": typed, "item": "X", "total": total, "date": day,
                          "status": status})
    text = "customer_email,item,total,date,status\n" + "".join(
        f"imp@x.com,X,{total},{day},{status}\n" for total, day, status in rows)
    assert import_file(crm, "purchases", write_csv(tmp_path / "o.csv", text)).created == 4
    a, b = crm.customers.profile(typed), crm.customers.profile(imported)
    assert (a.totals, a.loyalty_points, a.lifetime_points, a.lifecycle) == (
        b.totals, b.loyalty_points, b.lifetime_points, b.lifecycle)


def test_reimport_does_not_double_and_updates_a_changed_order(crm: Crm, tmp_path: Path) -> None:
    crm.customers.create({"first_name": "John", "email": "john.doe@email.com"})
    path = write_csv(tmp_path / "o.csv", ORDERS)
    import_file(crm, "purchases", path)
    again = import_file(crm, "purchases", path)
    assert (again.created, again.unchanged) == (0, 3)
    assert len(crm.db.table("purchases")) == 3
    changed = write_csv(tmp_path / "o2.csv", ORDERS.replace("Laptop,1200", "Laptop,1500"))
    third = import_file(crm, "purchases", changed)
    assert (third.updated, third.unchanged) == (1, 2)
    john = customers_by_email(crm)["john.doe@email.com"]
    assert (john["total_spent"], john["loyalty_points"]) == (150_000, 150)


def test_bad_purchase_rows_by_line(crm: Crm, tmp_path: Path) -> None:
    crm.customers.create({"first_name": "John", "email": "john.doe@email.com"})
    text = ("customer_email,item,total,date\n"
            "john.doe@email.com,Pen,-5,2026-06-01\n"
            "john.doe@email.com,Pen,5,31/02/2026\n"
            "john.doe@email.com,Pen,5\n"
            "john.doe@email.com,Pen,5.555,2026-06-01\n"
            "john.doe@email.com,Pen,5,2026-06-01\n")
    report = import_file(crm, "purchases", write_csv(tmp_path / "o.csv", text))
    assert report.created == 1
    assert [(e.line, e.field) for e in report.errors] == [
        (2, "total"), (3, "date"), (4, "row"), (5, "total")]
    assert "negative" in report.errors[0].message
    assert "31/02/2026" in report.errors[1].message


def test_a_bad_purchase_creates_no_customer(crm: Crm, tmp_path: Path) -> None:
    text = "customer_email,customer_name,item,total\nnew@x.com,New One,Pen,-1\n"
    report = import_file(crm, "purchases", write_csv(tmp_path / "o.csv", text))
    assert report.errors[0].field == "total" and len(crm.db.table("customers")) == 0


def test_items_link_to_catalogue_products(crm: Crm, tmp_path: Path) -> None:
    laptop = crm.products.create({"name": "Laptop", "price": "1200"})
    john = crm.customers.create({"first_name": "John", "email": "j@x.com"})
    text = "customer_email,product,qty,price\nj@x.com,laptop,2,1100\nj@x.com,Cable,1,9\n"
    import_file(crm, "purchases", write_csv(tmp_path / "o.csv", text))
    by_item = {p["item"]: p for p in crm.sales.for_customer(john)}
    assert by_item["laptop"]["product_id"] == laptop and by_item["laptop"]["total"] == 220_000
    assert by_item["Cable"]["product_id"] is None


def test_products_upsert_on_name(crm: Crm, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", "Product,Price,Category\nLaptop,1200,IT\nMouse,25,IT\n")
    assert import_file(crm, "products", path).created == 2
    changed = write_csv(tmp_path / "p2.csv", "name,price\n  LAPTOP ,1100\nMouse,25\n")
    report = import_file(crm, "products", changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    laptop = crm.products.find_by_name("laptop")
    assert laptop is not None and (laptop["price"], laptop["category"]) == (110_000, "IT")
    bad = import_file(crm, "products", write_csv(tmp_path / "p3.csv", "name,price\nPad,\n"))
    assert bad.errors[0].field == "price"


def test_interactions_deals_tasks_and_feedback(crm: Crm, tmp_path: Path) -> None:
    ann = crm.customers.create({"first_name": "Ann", "email": "ann@x.com"})
    calls = ("Email,Type,Date,Subject,Notes\n"
             "ann@x.com,Phone Call,2026-06-10,Hello,\"line1\nline2\"\n")
    assert import_file(crm, "interactions", write_csv(tmp_path / "i.csv", calls)).created == 1
    [call] = crm.interactions.for_customer(ann)
    assert (call["channel"], call["summary"], call["staff"]) == ("phone", "line1\nline2", "alice")
    deals = "Deal,Customer Email,Value,Stage\nBig one,ann@x.com,5000,Proposal\n"
    assert import_file(crm, "opportunities", write_csv(tmp_path / "d.csv", deals)).created == 1
    [deal] = crm.pipeline.for_customer(ann)
    assert (deal["value"], deal["probability"]) == (500_000, 50)
    tasks = "Title,Due,Customer Email\nCall back,2026-06-20,ann@x.com\nOrder paper,,\n"
    assert import_file(crm, "tasks", write_csv(tmp_path / "t.csv", tasks)).created == 2
    feedback = "Rating,Comments,Email\n5,great,ann@x.com\n2,meh,\n9,too high,\n"
    report = import_file(crm, "feedback", write_csv(tmp_path / "f.csv", feedback))
    assert report.created == 2 and [(e.line, e.field) for e in report.errors] == [(4, "rating")]
    shown = crm.feedback.rows(crm.feedback.inbox().ids).values()
    assert sorted(f.sentiment for f in shown) == ["negative", "positive"]
    missing = import_file(crm, "interactions", write_csv(tmp_path / "i2.csv", "Type\nphone\n"))
    assert missing.errors[0].field == "customer_email"



def test_a_row_refused_after_its_first_write_leaves_nothing(
        crm: Crm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The ledger refuses one row's points after its purchase was written: the chunk is
    # rolled back and replayed row by row, so that row leaves nothing behind and the
    # others still import.
    purchase_earning = crm.loyalty.purchase_earning

    def refusing(customer_id: int, points: int, day: str, purchase_id: int,
                 stamp: str) -> int:
        if points == 7:
            raise ValidationError("points", "refused by the ledger")
        return purchase_earning(customer_id, points, day, purchase_id, stamp)

    monkeypatch.setattr(crm.loyalty, "purchase_earning", refusing)
    john = crm.customers.create({"first_name": "John", "email": "j@x.com"})
    text = ("customer_email,customer_name,item,total\nj@x.com,,Pen,10\n"
            "j@x.com,,Island,70\nnew@x.com,New Person,Boat,75\nj@x.com,,Ink,20\n")
    report = import_file(crm, "purchases", write_csv(tmp_path / "o.csv", text))
    assert report.created == 2 and report.count("customers").created == 0
    assert [(e.line, e.field) for e in report.errors] == [(3, "points"), (4, "points")]
    profile = crm.customers.profile(john)
    assert (profile.totals.order_count, profile.totals.total_spent_cents) == (2, 3_000)
    assert profile.loyalty_points == 3 and len(crm.db.table("purchases")) == 2
    assert crm.customers.find_by_email("new@x.com") is None
