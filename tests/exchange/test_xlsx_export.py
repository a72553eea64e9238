"""XLSX exports read back with openpyxl: every export kind opens, its header row stays put,
text stays text (a leading = is no formula), dates are dates and money is a two-decimal
number, each cell equal to what the CSV export of the same data says."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.demo import fill_demo
from crm_tui.services.exchange import xlsx
from crm_tui.services.exchange.exports import KINDS, Query, export_rows
from crm_tui.services.exchange.writers import write_rows
from tests.cli.conftest import crm_cmd
from tests.conftest import AS_OF, open_session

DATE, STAMP, MONEY = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "#,##0.00"
# What each kind holds, written out here rather than derived from the code under test.
DATE_COLUMNS = {
    "customers": ["first_order_date", "last_order_date", "created_at"],
    "purchases": ["date"],
    "interactions": ["date", "follow_up_date"],
    "opportunities": ["expected_close_date", "closed_date", "stage_changed_at"],
    "tasks": ["due_date", "completed_date"],
    "feedback": ["date", "resolved_date"],
    "products": [],
    "product-revenue": [],
    "segments": [],
    "audit": ["at"],
}
MONEY_COLUMNS = {
    "customers": ["total_spent", "average_order"],
    "purchases": ["unit_price", "total"],
    "opportunities": ["value"],
    "products": ["price"],
    "product-revenue": ["revenue"],
}
# Text a spreadsheet would run as a formula, put where each kind shows it.
FORMULAS = {"customers": "=Ann Lee", "purchases": "+plus", "interactions": "=1+1",
            "opportunities": "=SUM(A1)", "tasks": "@home", "feedback": "-ok",
            "products": "=cmd", "product-revenue": "+plus"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crm]:
    """Deterministic demo data, and records whose text looks like formulas."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("xlsx")
        patch.setenv("CRM_CONFIG", str(folder / "config.json"))
        crm = open_session(folder / "crm.db")
        fill_demo(crm, customers=40, seed=1, as_of=AS_OF)
        ann = crm.customers.create({"first_name": "=Ann", "last_name": "Lee",
                                    "email": "ann@example.com", "tags": ["@vip", "b2b"]})
        crm.products.create({"name": "=cmd", "price": "2.50"})
        crm.sales.record({"customer_id": ann, "item": "+plus", "total": "1234.5"})
        crm.interactions.log({"customer_id": ann, "channel": "phone", "subject": "=1+1"})
        crm.pipeline.create({"customer_id": ann, "name": "=SUM(A1)", "value": "100"})
        crm.tasks.create({"title": "@home", "customer_id": ann})
        crm.feedback.submit({"customer_id": ann, "rating": 4, "comments": "-ok"})
        yield crm
        crm.close()


def exported(crm: Crm, kind: str) -> tuple[list[list[str]], Worksheet]:
    """The raw CSV rows (header first) and the XLSX sheet of one kind, as read back."""
    outputs = {}
    for fmt in ("csv", "xlsx"):
        columns, rows = export_rows(crm, kind, Query(as_of=AS_OF))
        outputs[fmt] = io.BytesIO()
        write_rows(fmt, columns, rows, outputs[fmt], raw=True)
    table = list(csv.reader(io.StringIO(outputs["csv"].getvalue().decode(), newline="")))
    return table, openpyxl.load_workbook(outputs["xlsx"]).active


def matches(column: str, kind: str, text: str, cell: Cell) -> bool:
    """Whether an XLSX cell is the typed form of the CSV text of the same cell."""
    value = cell.value
    if column in DATE_COLUMNS[kind] and text:
        form = DATE if len(text) == 10 else STAMP
        return (cell.is_date and cell.number_format == form
                and value == dt.datetime.fromisoformat(text))
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return cell.data_type == "b" and text == str(value).lower()
    if isinstance(value, int | float):
        if column in MONEY_COLUMNS.get(kind, []):
            return cell.number_format == MONEY and f"{value:.2f}" == text
        return cell.number_format == "General" and value == float(text)
    return cell.data_type == "s" and value == text


@pytest.mark.parametrize("kind", list(DATE_COLUMNS))
def test_every_kind_opens_typed_as_its_csv(demo: Crm, kind: str) -> None:
    table, sheet = exported(demo, kind)
    header, *rows = table
    assert [c.value for c in sheet[1]] == header == KINDS[kind].columns
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"  # the header row stays put
    cells = list(sheet.iter_rows(min_row=2))
    assert len(cells) == len(rows) > 0
    wrong = [(i, column, text, cell.value, cell.number_format)
             for i, (row, line) in enumerate(zip(cells, rows, strict=True), start=2)
             for column, text, cell in zip(header, line, row, strict=True)
             if not matches(column, kind, text, cell)]
    assert wrong == []
    assert all(len(c.value) <= widths(sheet)[c.column] <= 60 for c in sheet[1])


def widths(sheet: Worksheet) -> dict[int, float]:
    """Each column's width by number (a run of equal widths is stored once, as a range)."""
    return {i: d.width for d in sheet.column_dimensions.values() if d.min
            for i in range(d.min, d.max + 1)}


def test_the_date_columns_are_those_the_writer_takes_for_dates() -> None:
    assert {kind: [c for c in KINDS[kind].columns if xlsx.is_date_column(c)]
            for kind in KINDS} == DATE_COLUMNS


@pytest.mark.parametrize("kind", [k for k, names in DATE_COLUMNS.items() if names])
def test_dated_kinds_hold_excel_dates(demo: Crm, kind: str) -> None:
    _, sheet = exported(demo, kind)
    assert any(c.is_date and isinstance(c.value, dt.datetime)
               for row in sheet.iter_rows(min_row=2) for c in row)


def test_customer_cells_by_type(demo: Crm) -> None:
    _, sheet = exported(demo, "customers")
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("email")].value
               == "ann@example.com")
    cell = dict(zip(header, row, strict=True))
    assert (cell["name"].value, cell["name"].data_type) == ("=Ann Lee", "s")
    assert cell["tags"].value == "@vip, b2b"
    assert (cell["total_spent"].value, cell["total_spent"].number_format) == (1234.5, MONEY)
    assert cell["order_count"].value == 1 and cell["order_count"].data_type == "n"
    assert cell["created_at"].value == dt.datetime(2026, 6, 15)
    assert cell["created_at"].is_date and cell["created_at"].number_format == DATE
    assert cell["email_opt_in"].data_type == "b"


@pytest.mark.parametrize("kind", list(FORMULAS))
def test_text_that_looks_like_a_formula_stays_text(demo: Crm, kind: str) -> None:
    _, sheet = exported(demo, kind)
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    found = [c for c in cells if c.value == FORMULAS[kind]]
    assert found and all(c.data_type == "s" for c in found)


@pytest.mark.parametrize("raw", [False, True])
def test_no_quote_is_added_to_xlsx_text(raw: bool) -> None:
    out = io.BytesIO()
    write_rows("xlsx", ["name", "total"], [{"name": "=1+1", "total": Decimal("-3.50")}], out,
               raw=raw)  # --raw is a CSV matter: XLSX text is never a formula
    name, total = openpyxl.load_workbook(out).active[2]
    assert (name.value, name.data_type) == ("=1+1", "s")
    assert (total.value, total.number_format) == (-3.5, MONEY)


class Pipe(io.RawIOBase):
    """A stream that can only be written, as stdout piped into another program."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk: Any) -> int:
        self.data += chunk
        return len(chunk)


def test_a_workbook_streams_into_a_pipe() -> None:
    pipe = Pipe()
    assert write_rows("xlsx", ["id", "at"], [{"id": 1, "at": "2026-06-15T09:30:00+02:00"}],
                      pipe) == 1
    sheet = openpyxl.load_workbook(io.BytesIO(bytes(pipe.data))).active
    assert sheet["B2"].value == dt.datetime(2026, 6, 15, 9, 30)  # as written, offset dropped
    assert sheet["B2"].number_format == STAMP


def test_too_many_rows_for_a_sheet_are_refused(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 2)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with pytest.raises(ValidationError, match="at most 2 rows"):
        write_rows("xlsx", ["id"], [{"id": n} for n in range(3)], io.BytesIO())
    assert list(tmp_path.iterdir()) == []  # no scratch file left behind


def test_export_all_as_xlsx_writes_a_workbook_per_kind(demo: Crm, tmp_path: Path) -> None:
    folder = tmp_path / "books"
    result = crm_cmd(demo.db.path, "export", "all", "--format", "xlsx", "-o", str(folder),
                     "--as-of", AS_OF.isoformat())
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{k}.xlsx" for k in KINDS)
    for kind in KINDS:
        sheet = openpyxl.load_workbook(folder / f"{kind}.xlsx").active
        assert [c.value for c in sheet[1]] == KINDS[kind].columns
        assert sheet.max_row == len(list(export_rows(demo, kind, Query(as_of=AS_OF))[1])) + 1
