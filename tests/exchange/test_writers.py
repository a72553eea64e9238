"""Export writers: RFC 4180 CSV, BOM, formula neutralising, exact money, JSON (XLSX: see
test_xlsx_export.py)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from crm_tui.services.exchange.cells import money
from crm_tui.services.exchange.writers import write_rows

COLUMNS = ["id", "name", "phone", "total_spent", "tags", "note"]
ROWS = [
    {"id": 1, "name": '=HYPERLINK("x")', "phone": "+1-555", "total_spent": money(120000),
     "tags": ["vip", "b2b"], "note": 'said "hi",\nthen left'},
    {"id": 2, "name": "@SUM(A1)", "phone": "\tx", "total_spent": money(-350), "tags": [],
     "note": None},
    {"id": 3, "name": "Ann-Marie", "phone": "-5", "total_spent": money(0), "tags": ["x"],
     "note": "\rcr"},
]


def export(fmt: str, **options: bool) -> bytes:
    out = io.BytesIO()
    assert write_rows(fmt, COLUMNS, ROWS, out, **options) == 3
    return out.getvalue()


def test_csv_neutralises_formulas_and_keeps_numbers() -> None:
    rows = list(csv.reader(io.StringIO(export("csv").decode("utf-8"), newline="")))
    assert rows[0] == COLUMNS
    assert rows[1] == ["1", '\'=HYPERLINK("x")', "'+1-555", "1200.00", "vip, b2b",
                       'said "hi",\nthen left']
    assert rows[2][1:4] == ["'@SUM(A1)", "'\tx", "-3.50"]  # a negative amount is a number
    assert rows[3][1:3] == ["Ann-Marie", "'-5"] and rows[3][5] == "'\rcr"


def test_csv_raw_gives_values_back_unchanged() -> None:
    rows = list(csv.reader(io.StringIO(export("csv", raw=True).decode(), newline="")))
    assert rows[1][1:3] == ['=HYPERLINK("x")', "+1-555"]


def test_csv_is_rfc4180_with_optional_bom() -> None:
    plain = export("csv")
    assert plain.startswith(b"id,name") and b"\r\n" in plain
    assert b'"said ""hi"",\nthen left"' in plain
    assert export("csv", bom=True).startswith("\ufeff".encode())


def test_json_keeps_two_decimal_money_and_lists() -> None:
    text = export("json").decode()
    assert '"total_spent":1200.00' in text and '"total_spent":-3.50' in text
    data = json.loads(text, parse_float=Decimal)
    assert data[0]["tags"] == ["vip", "b2b"] and data[0]["name"] == '=HYPERLINK("x")'
    assert data[1]["total_spent"] == Decimal("-3.50")


def test_jsonl_one_object_per_line() -> None:
    lines = export("jsonl").decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [1, 2, 3]


def test_json_of_nothing_is_an_empty_array() -> None:
    out = io.BytesIO()
    assert write_rows("json", COLUMNS, [], out) == 0
    assert json.loads(out.getvalue()) == []


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        write_rows("pdf", COLUMNS, ROWS, io.BytesIO())
