"""Excel workbooks the import tests read, written with XlsxWriter as Excel saves them: typed
cells (numbers, dates with a date format), and rows Excel never wrote (an empty row)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import xlsxwriter

# Sheet row 3 is left empty, row 4's email is bad.
PEOPLE_EMAILS = ("zoe@example.com", "ana@example.com")


def people_workbook(path: Path) -> Path:
    """Customers: names beyond ASCII, a phone typed as a number, a creation date."""
    book = xlsxwriter.Workbook(str(path))
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("People")
    sheet.write_row(0, 0, ["First Name", "Last Name", "Email", "Phone", "Created At"])
    sheet.write_row(1, 0, ["Zoé", "Müller", "zoe@example.com"])
    sheet.write_number(1, 3, 4155550123)
    sheet.write_datetime(1, 4, dt.datetime(2025, 1, 17), day)
    sheet.write_row(3, 0, ["Łukasz", "Øster", "not-an-email"])
    sheet.write_row(4, 0, ["Ана", "Силва", "ana@example.com"])
    sheet.write_number(4, 3, 4155550124.0)
    sheet.write_datetime(4, 4, dt.datetime(2025, 2, 3, 10, 30), day)
    book.close()
    return path


def orders_workbook(path: Path) -> Path:
    """Purchases of PEOPLE_EMAILS: amounts, whole quantities (one typed 3.0), dates, and an
    order id typed as a number."""
    book = xlsxwriter.Workbook(str(path))
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Email", "Order ID", "Item", "Quantity", "Total", "Date"])
    sheet.write_row(1, 0, ["zoe@example.com", "X-1", "Crème brûlée", 2, 1234.56])
    sheet.write_datetime(1, 5, dt.datetime(2026, 3, 1), day)
    sheet.write_row(2, 0, ["ana@example.com", 1002, "Kaffee", 3.0, 12.5])
    sheet.write_datetime(2, 5, dt.datetime(2026, 3, 2, 9, 15), day)
    book.close()
    return path


def damaged_workbook(path: Path) -> Path:
    """A zip that is not a workbook (what a download cut short or a renamed file gives)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return path


def covered_workbook(path: Path, rows: int = 2) -> Path:
    """A report as often sent: a cover sheet first, then the customers (`rows` of them,
    the first two Zoé and Ana), then notes."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    cover = book.add_worksheet("Cover")
    cover.write(0, 0, "Customer export — Q3 2025")
    cover.write(2, 0, "Prepared by Sales")
    sheet = book.add_worksheet("Customers")
    sheet.write_row(0, 0, ["First Name", "Last Name", "Email"])
    sheet.write_row(1, 0, ["Zoé", "Müller", "zoe@example.com"])
    sheet.write_row(2, 0, ["Ана", "Силва", "ana@example.com"])
    for n in range(2, rows):
        sheet.write_row(n + 1, 0, [f"Person {n}", "Row", f"p{n}@example.com"])
    book.add_worksheet("Notes").write(0, 0, "nothing to import")
    book.close()
    return path
