"""Importing an Excel workbook (.xlsx) directly: its first sheet's cells read as the text a
CSV of it would hold, then the one import pipeline (mapping, validation, errors by the
sheet's row number); a damaged workbook refused as a file, nothing imported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.workbook_rows import WorkbookRows, cell_text

from .import_support import customers_by_email, exported
from .workbooks import damaged_workbook, orders_workbook, people_workbook


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), ("Zoé", "Zoé"), (12, "12"), (12.0, "12"), (4155550123.0, "4155550123"),
    (1234.56, "1234.56"), (0.1, "0.1"), (1.5e-7, "0.00000015"), (-3.25, "-3.25"),
    (True, "yes"), (False, "no"),
    (dt.datetime(2026, 12, 31), "2026-12-31"),
    (dt.datetime(2026, 12, 31, 10, 0), "2026-12-31T10:00:00"),
    (dt.date(2026, 12, 31), "2026-12-31"), (dt.time(9, 15), "09:15:00"),
])
def test_a_cell_reads_as_the_text_a_csv_would_hold(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_rows_carry_their_sheet_row_and_the_headers_width(tmp_path: Path) -> None:
    book = WorkbookRows(people_workbook(tmp_path / "People.xlsx"))
    try:
        rows = [(book.line_num, row) for row in book]
    finally:
        book.close()
    assert book.sheet == "People" and book.lines == 5
    assert rows == [
        (1, ["First Name", "Last Name", "Email", "Phone", "Created At"]),
        (2, ["Zoé", "Müller", "zoe@example.com", "4155550123", "2025-01-17"]),
        (3, ["", "", "", "", ""]),
        (4, ["Łukasz", "Øster", "not-an-email", "", ""]),
        (5, ["Ана", "Силва", "ana@example.com", "4155550124", "2025-02-03T10:30:00"]),
    ]


def test_customers_import_from_a_workbook(crm: Crm, tmp_path: Path) -> None:
    report = import_file(crm, "customers", people_workbook(tmp_path / "People.xlsx"))
    assert (report.rows, report.created, report.failed) == (3, 2, 1)
    assert [(e.line, e.field) for e in report.errors] == [(4, "email")]
    assert report.reading[0] == "read from the workbook's sheet 'People'"
    people = customers_by_email(crm)
    zoe, ana = people["zoe@example.com"], people["ana@example.com"]
    assert (zoe["first_name"], zoe["last_name"], zoe["phone"]) == ("Zoé", "Müller", "4155550123")
    assert (ana["first_name"], ana["last_name"], ana["phone"]) == ("Ана", "Силва", "4155550124")
    assert str(zoe["created_at"]).startswith("2025-01-17")
    assert str(ana["created_at"]).startswith("2025-02-03")
    assert len(people) == 2


def test_purchases_import_amounts_quantities_and_dates(crm: Crm, tmp_path: Path) -> None:
    import_file(crm, "customers", people_workbook(tmp_path / "People.xlsx"))
    report = import_file(crm, "purchases", orders_workbook(tmp_path / "Orders.xlsx"))
    assert (report.created, report.failed) == (2, 0), report.errors
    rows = {r["external_id"]: r for r in exported(crm, "purchases")}
    assert {k: (r["customer_email"], r["item"], r["quantity"], r["total"], r["date"])
            for k, r in rows.items()} == {
        "X-1": ("zoe@example.com", "Crème brûlée", 2, 1234.56, "2026-03-01"),
        "1002": ("ana@example.com", "Kaffee", 3, 12.5, "2026-03-02")}


@pytest.mark.parametrize("contents", ["zip", "encrypted"])
def test_a_damaged_workbook_is_refused_naming_it(crm: Crm, tmp_path: Path,
                                                 contents: str) -> None:
    path = tmp_path / "People.xlsx"
    if contents == "zip":
        damaged_workbook(path)
    else:  # Excel saves a workbook with a password as an OLE2 file, not a zip
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    with pytest.raises(ValidationError) as refused:
        import_file(crm, "customers", path)
    assert str(path) in str(refused.value)
    assert "cannot be read as an Excel workbook" in str(refused.value)
    assert customers_by_email(crm) == {}
