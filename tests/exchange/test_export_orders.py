"""The purchases export shows each order's lines (a list in JSON, the lines as typed in
CSV), shipping, tax, discount and note; its CSV imports back with the lines; product
revenue shares an order's total among its lines."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import orjson

from crm_tui.services.crm import Crm
from crm_tui.services.exchange.exports import Query, export_rows
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.writers import write_rows

from .import_support import AS_OF, open_crm


def fill(crm: Crm) -> None:
    ann = crm.customers.create({"first_name": "Ann", "email": "ann@x.com"})
    crm.sales.record({"customer_id": ann, "date": "2026-06-01", "external_id": "#1001",
                      "lines": "2 x Mug @ 12.50 [MUG-01]\n1 x Teapot @ 45",
                      "shipping": "5.90", "tax": "9.10", "discount": "3", "note": "gift"})
    crm.sales.record({"customer_id": ann, "date": "2026-06-02", "item": "Pen", "quantity": 3,
                      "unit_price": "2"})


def exported(crm: Crm, fmt: str, kind: str = "purchases") -> bytes:
    columns, rows = export_rows(crm, kind, Query(as_of=AS_OF))
    out = io.BytesIO()
    write_rows(fmt, columns, rows, out)
    return out.getvalue()


def test_csv_shows_lines_as_typed_and_what_the_order_adds(crm: Crm) -> None:
    fill(crm)
    rows = list(csv.DictReader(io.StringIO(exported(crm, "csv").decode())))
    order, pen = rows
    assert order["lines"] == "2 x Mug @ 12.50 [MUG-01]; 1 x Teapot @ 45.00"
    assert (order["line_count"], order["shipping"], order["tax"], order["discount"],
            order["total"], order["note"]) == ("2", "5.90", "9.10", "3.00", "82.00", "gift")
    assert (pen["lines"], pen["line_count"], pen["shipping"], pen["total"]) == (
        "3 x Pen @ 2.00", "1", "", "6.00")


def test_json_keeps_the_lines_as_a_list_with_money_as_numbers(crm: Crm) -> None:
    fill(crm)
    text = exported(crm, "json")
    assert b'"unit_price":12.50' in text  # two places, like every amount of the export
    order, pen = orjson.loads(text)
    assert order["lines"] == [
        {"item": "Mug", "product_id": None, "quantity": 2, "unit_price": 12.5,
         "sku": "MUG-01"},
        {"item": "Teapot", "product_id": None, "quantity": 1, "unit_price": 45.0, "sku": None}]
    assert (order["line_count"], order["shipping"], pen["line_count"]) == (2, 5.9, 1)


def test_an_exported_csv_imports_back_with_its_lines(crm: Crm, tmp_path: Path) -> None:
    fill(crm)
    path = tmp_path / "purchases.csv"
    path.write_bytes(exported(crm, "csv"))
    again = import_file(crm, "purchases", path)
    assert (again.unchanged, again.created, again.failed) == (2, 0, 0)
    other = open_crm(tmp_path / "other.db")
    try:
        report = import_file(other, "purchases", path)
        assert (report.created, report.failed) == (2, 0)
        docs = {doc.get("external_id"): dict(doc) for doc in other.db.table("purchases")}
        assert [line["sku"] for line in docs["#1001"]["lines"]] == ["MUG-01", None]
        assert (docs["#1001"]["total"], docs["#1001"]["shipping"]) == (8200, 590)
        assert "lines" not in docs[None]  # the one-line purchase stays one
    finally:
        other.close()


def test_product_revenue_shares_an_orders_total_among_its_lines(crm: Crm) -> None:
    fill(crm)
    rows: dict[str, Any] = {r["product"]: r for r in orjson.loads(
        exported(crm, "json", "product-revenue"))}
    # #1001: lines 25.00 and 45.00 of 70.00; the total 82.00 shared 25:45.
    assert (rows["Mug"]["orders"], rows["Mug"]["quantity"], rows["Mug"]["revenue"]) == (
        1, 2, 29.29)
    assert rows["Teapot"]["revenue"] == 52.71
    assert rows["Pen"]["revenue"] == 6.0
