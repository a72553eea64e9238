"""XLSX exports, written by XlsxWriter in constant-memory mode (each row goes to a temporary
file as soon as the next one starts, so 100,000 rows never sit in memory).

One sheet, a bold header row frozen in place, and typed cells: text is written as text,
never as a formula (so `=1+1` stays the characters `=1+1`, with no leading `'` as in CSV),
money (`Decimal`) as a number shown with two decimals, integers and floats as numbers,
yes/no as booleans, lists as comma-separated text, and the ISO text of a date column as a
real Excel date (a date, or a date and time when the value has one).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.worksheet import Worksheet

from crm_tui.domain.errors import ValidationError

from .cells import text_cell

SHEET = "export"
# A column named `date` or `at`, or ending in `_date` or `_at` (due_date, created_at...):
# in every export kind, these and only these hold ISO dates or timestamps.
DATE_COLUMN = re.compile(r"(?:^|_)(?:date|at)$")
DATE_FORMAT = "yyyy-mm-dd"
STAMP_FORMAT = "yyyy-mm-dd hh:mm:ss"
MONEY_FORMAT = "#,##0.00"
# Column widths in characters: at least the header's, at most MAX_WIDTH of a long text.
MAX_WIDTH = 50
# The rows of an Excel sheet, less the header: past it a cell would be dropped unsaid.
MAX_ROWS = 1_048_575
DATE_WIDTH, STAMP_WIDTH, NUMBER_WIDTH, BOOL_WIDTH = 10, 19, 12, 5


def is_date_column(name: str) -> bool:
    return DATE_COLUMN.search(name) is not None


def parse_when(text: str) -> dt.date | dt.datetime | None:
    """ISO text as a date (YYYY-MM-DD) or a naive date and time (an offset is dropped,
    keeping the time as written: Excel has no time zones); None when it is neither."""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


class _Cells:
    """Writes the header and the rows of one sheet, and sizes its columns to what it wrote."""

    def __init__(self, book: xlsxwriter.Workbook, sheet: Worksheet, columns: list[str]) -> None:
        self.sheet, self.columns = sheet, columns
        self.bold = book.add_format({"bold": True})
        self.day = book.add_format({"num_format": DATE_FORMAT})
        self.stamp = book.add_format({"num_format": STAMP_FORMAT})
        self.cash = book.add_format({"num_format": MONEY_FORMAT})
        self.dated = [is_date_column(c) for c in columns]
        self.widths = [len(c) for c in columns]

    def header(self) -> None:
        for c, column in enumerate(self.columns):
            self.sheet.write_string(0, c, column, self.bold)
        self.sheet.freeze_panes(1, 0)

    def row(self, r: int, row: Mapping[str, Any]) -> None:
        # One loop with the typed writers inline: it runs for every cell of the export.
        sheet, widths, dated = self.sheet, self.widths, self.dated
        for c, value in enumerate(map(row.get, self.columns)):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                if not value:
                    continue  # a blank cell, as in CSV
                when = parse_when(value) if dated[c] else None
                if when is None:
                    sheet.write_string(r, c, value)
                    width = len(value)
                elif type(when) is dt.date:
                    sheet.write_datetime(r, c, when, self.day)
                    width = DATE_WIDTH
                else:
                    sheet.write_datetime(r, c, when, self.stamp)
                    width = STAMP_WIDTH
            elif kind is Decimal:  # money: exact cents until this cell, a float in it
                sheet.write_number(r, c, float(value), self.cash)
                width = NUMBER_WIDTH
            elif kind is bool:
                sheet.write_boolean(r, c, value)
                width = BOOL_WIDTH
            elif kind is int or kind is float:
                sheet.write_number(r, c, value)
                width = NUMBER_WIDTH
            else:  # lists (tags), mappings (audit changes): their CSV text, as text
                text = text_cell(value, raw=True)
                if not text:
                    continue
                sheet.write_string(r, c, text)
                width = len(text)
            if width > widths[c]:
                widths[c] = width

    def size_columns(self) -> None:
        for c, width in enumerate(self.widths):
            self.sheet.set_column(c, c, min(width, MAX_WIDTH) + 2)


def write_xlsx(columns: list[str], rows: Iterable[Mapping[str, Any]], out: IO[bytes]) -> int:
    """Write a one-sheet workbook to a binary stream (a pipe will do: the workbook is made
    aside, then copied in one pass); returns the number of rows. A failed write (a full
    disk, a reader gone) raises its OSError."""
    # XlsxWriter removes its row file only on close: a scratch folder of our own is removed
    # whatever happens (a refused export, a closed pipe, Ctrl-C). The zip is made there
    # too: written by XlsxWriter straight into `out`, a write failing there became its
    # FileCreateError (a traceback) and left a zip that complained again when collected.
    with tempfile.TemporaryDirectory(prefix="crm-xlsx-") as scratch:
        made = os.path.join(scratch, "export.xlsx")
        book = xlsxwriter.Workbook(made, {"constant_memory": True, "tmpdir": scratch})
        cells = _Cells(book, book.add_worksheet(SHEET), columns)
        cells.header()
        count = 0
        for count, row in enumerate(rows, start=1):
            if count > MAX_ROWS:
                raise ValidationError("format", f"an XLSX sheet holds at most {MAX_ROWS:,} "
                                                "rows: export as csv or jsonl")
            cells.row(count, row)
        cells.size_columns()  # the widths go in the sheet's head, assembled at close
        try:
            book.close()
        except FileCreateError as failed:  # the scratch folder's disk is full, say
            cause = failed.args[0] if failed.args else None
            if isinstance(cause, OSError):
                raise cause.with_traceback(None) from None
            raise
        with open(made, "rb") as workbook:
            shutil.copyfileobj(workbook, out)
    return count
