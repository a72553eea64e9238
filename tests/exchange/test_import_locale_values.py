"""Dates and amounts as each column writes them: the order of a column's dates and the
decimal mark of its amounts decided from its values, a clear error where they cannot be
told, and spreadsheet apostrophes taken off."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.exchange import csv_rows
from crm_tui.services.exchange.csv_rows import ReadOptions, unquote
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.locale_amounts import evident_mark, read_amount
from crm_tui.services.exchange.locale_dates import CellError, check_date_format, read_date

from .import_support import customers_by_email, open_crm, write_csv

PEOPLE = "Name,Email,Customer ID\nAnn Lee,ann@x.com,C1\nBob Ray,bob@x.com,C2\n"
CORPUS = Path(__file__).parent / "corpus"
SHOPIFY_CUSTOMERS = CORPUS / "shopify_customers_export.csv"
SHOPIFY_ORDERS = CORPUS / "shopify_orders_export.csv"


def purchases(crm: Crm) -> dict[str, dict[str, Any]]:
    return {p["external_id"]: p for p in crm.db.table("purchases").all()}


@pytest.fixture
def people(crm: Crm, tmp_path: Path) -> Crm:
    assert import_file(crm, "customers", write_csv(tmp_path / "people.csv", PEOPLE)).created == 2
    return crm


def orders(tmp_path: Path, dates: list[str], totals: list[str] | None = None,
           name: str = "o.csv") -> Path:
    totals = totals or ["10"] * len(dates)
    lines = ["Order ID,Email,Item,Total,Order Date"]
    lines += [f"A-{i},ann@x.com,Pen,\"{total}\",{day}"
              for i, (day, total) in enumerate(zip(dates, totals, strict=True), 1)]
    return write_csv(tmp_path / name, "\n".join(lines) + "\n")


def test_excel_us_dates_and_dollars(people: Crm, tmp_path: Path) -> None:
    path = orders(tmp_path, ["2/25/2024", "3/1/2024", "12/31/2023", "1/2/2024"],
                  ["$1,968.96", "USD 12.00", "(12.00)", " $ 7 "])
    report = import_file(people, "purchases", path)
    assert (report.created, report.failed) == (3, 1)
    assert {k: (p["total"], p["date"]) for k, p in purchases(people).items()} == {
        "A-1": (196896, "2024-02-25"), "A-2": (1200, "2024-03-01"), "A-4": (700, "2024-01-02")}
    # An accounting negative reads as one; the field's own rule refuses it.
    assert [(e.line, e.field) for e in report.errors] == [(4, "total")]
    assert "negative" in report.errors[0].message
    assert report.reading[1:] == ["amounts in 'Total': decimal point, like $1,968.96",
                                  "dates in 'Order Date': month first, like 2/25/2024"]


def test_an_ambiguous_date_column_asks_for_the_date_format(people: Crm,
                                                             tmp_path: Path) -> None:
    path = orders(tmp_path, ["01/02/2024", "03/04/2024", "2024-05-06"])
    with pytest.raises(ValidationError) as err:
        import_file(people, "purchases", path)
    assert err.value.field == "file"
    message = err.value.message
    assert "'Order Date'" in message and "'01/02/2024' on line 2" in message
    assert "--date-format DMY or MDY" in message
    assert len(people.db.table("purchases")) == 0

    report = import_file(people, "purchases", path, reading=ReadOptions(date_format="dmy"))
    assert report.created == 3 and report.reading[-1] == "dates in 'Order Date': day first"
    assert [p["date"] for p in purchases(people).values()] == [
        "2024-02-01", "2024-04-03", "2024-05-06"]
    again = import_file(people, "purchases", orders(tmp_path, ["01/02/2024"], name="m.csv"),
                        reading=ReadOptions(date_format="MDY"))
    assert again.updated == 1 and purchases(people)["A-1"]["date"] == "2024-01-02"


def test_a_column_with_both_orders_is_refused(people: Crm, tmp_path: Path) -> None:
    path = orders(tmp_path, ["31/01/2024", "05/05/2024", "2/25/2024"])
    with pytest.raises(ValidationError) as err:
        import_file(people, "purchases", path)
    message = err.value.message
    assert "'Order Date'" in message and "'31/01/2024' on line 2" in message
    assert "'2/25/2024' on line 4" in message and "--date-format" in message
    assert len(people.db.table("purchases")) == 0


def test_a_later_value_against_the_columns_order_is_a_bad_row(
        people: Crm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the rows read ahead, a value contradicting the decided order is that row's
    error (line and field), and the rest import."""
    monkeypatch.setattr(csv_rows, "LOOK_AHEAD", 2)
    path = orders(tmp_path, ["31/01/2024", "01/02/2024", "2/25/2024", "30/02/2024",
                             "15/03/2024"])
    report = import_file(people, "purchases", path)
    assert (report.created, report.failed) == (3, 2)
    assert [(e.line, e.field) for e in report.errors] == [(4, "date"), (5, "date")]
    assert "'2/25/2024' has the month first" in report.errors[0].message
    assert "like '31/01/2024'" in report.errors[0].message
    assert "not a real date: '30/02/2024'" in report.errors[1].message
    assert [p["date"] for p in purchases(people).values()] == [
        "2024-01-31", "2024-02-01", "2024-03-15"]


def test_the_order_is_read_on_past_the_look_ahead(people: Crm, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_rows, "LOOK_AHEAD", 2)
    path = orders(tmp_path, ["01/02/2024", "03/04/2024", "05/06/2024", "1/13/2024"])
    report = import_file(people, "purchases", path)
    assert report.created == 4 and report.reading[-1] == (
        "dates in 'Order Date': month first, like 1/13/2024")
    assert purchases(people)["A-1"]["date"] == "2024-01-02"


def test_iso_timestamps_keep_the_sources_date(people: Crm, tmp_path: Path) -> None:
    path = orders(tmp_path, ["2024-02-07 18:27:00 -0500", "2024-02-07T23:30:00Z",
                             "2024-02-08T01:15:00+05:30", "2024-02-09 09:00"])
    report = import_file(people, "purchases", path)
    assert (report.created, report.failed) == (4, 0)
    assert [p["date"] for p in purchases(people).values()] == [
        "2024-02-07", "2024-02-07", "2024-02-08", "2024-02-09"]
    assert report.reading[-1] == "dates in 'Order Date': ISO (YYYY-MM-DD)"


@pytest.mark.parametrize(("cell", "order", "timestamp", "expected"), [
    ("2024-02-07 18:27:00 -0500", "ISO", True, "2024-02-07T18:27:00-05:00"),
    ("2024-02-07T18:27:00Z", "ISO", True, "2024-02-07T18:27:00+00:00"),
    ("2024-02-07T18:27:00.5+0530", "ISO", True, "2024-02-07T18:27:00.500000+05:30"),
    ("2024/2/7", "ISO", False, "2024-02-07"),
    ("31.01.2024 14:30", "ISO", True, "2024-01-31T14:30:00"),
    ("1/31/2024 2:30 PM", "MDY", True, "2024-01-31T14:30:00"),
    ("1/31/2024 12:05 am", "MDY", True, "2024-01-31T00:05:00"),
    ("31.01.24", "ISO", False, "2024-01-31"),  # two-digit years: 00-68 are 2000s
    ("1/2/99", "MDY", False, "1999-01-02"),  # 69-99 are 1900s
    ("02-01-2024", "DMY", False, "2024-01-02"),
    ("31 Jan 2024", "%d %b %Y", False, "2024-01-31"),
    ("2024-01-31", "%d %b %Y", False, "2024-01-31"),  # ISO stays ISO under any pattern
    ("today", "DMY", False, "today"),  # not a local form: the field's parser reads it
    ("not a date", "ISO", False, "not a date"),
])
def test_read_date(cell: str, order: str, timestamp: bool, expected: str) -> None:
    assert read_date(cell, order, timestamp=timestamp) == expected


@pytest.mark.parametrize(("cell", "order", "problem"), [
    ("01/02/2024", "ISO", "could have the day or the month first"),
    ("13/01/2024", "MDY", "--date-format says month first"),
    ("31/04/2024", "DMY", "not a real date"),
    ("2024-02-07 25:00", "ISO", "not a real date and time"),
    ("1/31/2024 13:30 PM", "MDY", "not a real time"),
    ("01/31/2024", "%d %b %Y", "does not match --date-format %d %b %Y"),
])
def test_read_date_refuses(cell: str, order: str, problem: str) -> None:
    with pytest.raises(CellError) as err:
        read_date(cell, order, timestamp=False)
    assert problem in str(err.value)


def test_date_format_option() -> None:
    assert check_date_format("mdy") == "MDY" and check_date_format("%d.%m.%y") == "%d.%m.%y"
    for bad in ("DDMM", "%Q", ""):
        with pytest.raises(ValidationError) as err:
            check_date_format(bad)
        assert err.value.field == "date_format"


@pytest.mark.parametrize(("cell", "mark", "expected"), [
    ("1234.56", ".", "1234.56"),
    ("$1,968.96", ".", "1968.96"),
    ("USD 12.00", ".", "12.00"),
    ("12.00 USD", ".", "12.00"),
    ("(12.00)", ".", "-12.00"),
    ("($1,200)", ".", "-1200"),
    ("-$5", ".", "-5"),
    ("$-5", ".", "-5"),
    ("12.00-", ".", "-12.00"),
    ("  42  ", ".", "42"),
    ("1,234", ".", "1234"),
    ("1.234,56", ",", "1234.56"),
    ("1 234,56", ",", "1234.56"),
    ("1\u00a0234,56\u00a0€", ",", "1234.56"),
    ("€12,50", ",", "12.50"),
    ("1.234", ",", "1234"),
    ("1,234", ",", "1.234"),  # three decimals: the amount field refuses it, quoting this
    ("1'234.50 CHF", ".", "1234.50"),
    ("12", ",", "12"),
    ("abc", ".", "abc"),  # not an amount: the field's parser says so
    ("(12", ".", "(12"),
    ("--5", ".", "--5"),
])
def test_read_amount(cell: str, mark: str, expected: str) -> None:
    assert read_amount(cell, mark) == expected


def test_read_amount_refuses_the_other_mark() -> None:
    with pytest.raises(CellError) as err:
        read_amount("12,50", ".", example="1,234.50")
    assert "decimal comma" in str(err.value) and "'1,234.50'" in str(err.value)
    with pytest.raises(CellError):
        read_amount("1,234.50", ",")


@pytest.mark.parametrize(("number", "mark"), [
    ("1.234,56", ","), ("1,234.56", "."), ("12,5", ","), ("12.5", "."), ("0,500", ","),
    ("1.234.567", ","), ("1,234,567", "."), ("1,234", None), ("1.234", None), ("12", None),
])
def test_evident_mark(number: str, mark: str | None) -> None:
    assert evident_mark(number) == mark


def test_decimal_commas_in_a_comma_file_and_the_files_default(people: Crm,
                                                                tmp_path: Path) -> None:
    """Quoted "12,50" in a comma file is a decimal comma; a column whose values could be
    either ("1,234") takes the file's other amount columns' mark."""
    text = ("Order ID,Email,Item,Qty,Price,Total\n"
            'A-1,ann@x.com,Pen,"1,000","0,10","100,00"\n'
            'A-2,ann@x.com,Pen,2,"1,25","2,50"\n')
    report = import_file(people, "purchases", write_csv(tmp_path / "o.csv", text))
    assert (report.created, report.failed) == (2, 0)
    assert {k: (p["quantity"], p["unit_price"], p["total"])
            for k, p in purchases(people).items()} == {"A-1": (1, 10, 10000),
                                                       "A-2": (2, 125, 250)}
    assert "numbers in 'Qty': decimal comma" in report.reading


def test_thousands_in_a_comma_file(people: Crm, tmp_path: Path) -> None:
    text = ('Order ID,Email,Item,Qty,Total\nA-1,ann@x.com,Pen,"1,000","1,234"\n'
            'A-2,ann@x.com,Pen,2,"2,000,000.50"\n')
    report = import_file(people, "purchases", write_csv(tmp_path / "o.csv", text))
    assert {k: (p["quantity"], p["total"]) for k, p in purchases(people).items()} == {
        "A-1": (1000, 123400), "A-2": (2, 200000050)}
    assert report.failed == 0


def test_a_semicolon_file_reads_ambiguous_amounts_with_a_decimal_comma(
        people: Crm, tmp_path: Path) -> None:
    text = "Order ID;Email;Item;Total\nA-1;ann@x.com;Pen;1.234\nA-2;ann@x.com;Pen;1,234\n"
    report = import_file(people, "purchases", write_csv(tmp_path / "o.csv", text))
    assert purchases(people)["A-1"]["total"] == 123400
    assert [(e.line, e.field) for e in report.errors] == [(3, "total")]
    assert "more than 2 decimals" in report.errors[0].message


def test_leading_apostrophes(crm: Crm, tmp_path: Path) -> None:
    """Shopify's `'7000000000`, a spreadsheet's `'00123`, our own `'=SUM(...)` lose the
    `'`; a name that starts with one keeps it."""
    text = ("Customer ID,First Name,Last Name,Email,Company,Zip,Phone\n"
            "'7000000000,Kai,Kahale,kai@x.com,'Ohana Cafe,'00123,'+1 555 0100\n"
            "'7000000001,Lani,Akana,lani@x.com,'=SUM(A1),'2024-01,\n")
    report = import_file(crm, "customers", write_csv(tmp_path / "shopify.csv", text))
    assert (report.created, report.failed) == (2, 0)
    kai, lani = customers_by_email(crm)["kai@x.com"], customers_by_email(crm)["lani@x.com"]
    assert (kai["external_id"], kai["company"], kai["phone"]) == (
        "7000000000", "'Ohana Cafe", "+1 555 0100")
    assert kai["addresses"][0]["postal_code"] == "00123"
    assert (lani["external_id"], lani["company"]) == ("7000000001", "=SUM(A1)")
    assert lani["addresses"][0]["postal_code"] == "2024-01"


@pytest.mark.parametrize(("cell", "expected"), [
    ("'7000000000", "7000000000"), ("'=SUM(A1)", "=SUM(A1)"), ("'-5", "-5"),
    ("'Ohana Cafe", "'Ohana Cafe"), ("'90s Diner", "'90s Diner"), ("'", "'"),
    ("' ", "' "), ("''", "''"), ("plain", "plain"), ("", ""),
])
def test_unquote(cell: str, expected: str) -> None:
    assert unquote(cell) == expected


def test_a_shopify_orders_export_resaved_by_excel_in_germany(crm: Crm,
                                                              tmp_path: Path) -> None:
    """The same orders as the export itself, once Excel in Germany has saved it: Windows-1252,
    `;`, decimal commas, `07.02.2024 18:27` dates (the orders' lines included)."""
    money = {"Subtotal", "Shipping", "Taxes", "Total", "Discount Amount", "Lineitem price",
             "Refunded Amount", "Lineitem discount", "Outstanding Balance"}
    with SHOPIFY_ORDERS.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    header = rows[0]
    for row in rows[1:]:
        for index, name in enumerate(header):
            cell = row[index] if index < len(row) else ""
            if name in money and cell:
                row[index] = cell.replace(".", ",")
            elif name == "Created at" and cell:
                day, time = cell.split(" ")[:2]
                year, month, date = day.split("-")
                row[index] = f"{date}.{month}.{year} {time[:5]}"
    resaved = tmp_path / "orders_export.csv"
    with resaved.open("w", encoding="cp1252", newline="") as out:
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)

    original = open_crm(tmp_path / "original.db")
    for target, orders_file in ((original, SHOPIFY_ORDERS), (crm, resaved)):
        import_file(target, "customers", SHOPIFY_CUSTOMERS)
        report = import_file(target, "purchases", orders_file)
        assert (report.created, report.failed) == (7, 5)
    assert "read as Windows-1252 (Western European), semicolon-separated" in report.reading
    assert "dates in 'Created at': day first, like 02.05.2026 10:15" in report.reading
    assert "amounts in 'Lineitem price': decimal comma, like 18,50" in report.reading
    keep = ("lines", "shipping", "tax", "discount", "total", "date", "status", "points")
    assert purchases(crm) and {
        ref: {k: doc.get(k) for k in keep} for ref, doc in purchases(crm).items()} == {
        ref: {k: doc.get(k) for k in keep} for ref, doc in purchases(original).items()}
    original.close()
