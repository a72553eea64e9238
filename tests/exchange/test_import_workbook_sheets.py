"""A workbook's sheet: the first is read unless `sheet` (`--sheet`) names another, by name
(case ignored) or number; how it was read says which of the workbook's sheets it was; a
first sheet with no column to import (a cover page) is refused listing the sheets; the
options that choose how a CSV file is read are refused for a workbook, naming the option,
and a sheet for a CSV file."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.csv_rows import ReadOptions
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.read_ahead import WORTH_LINES

from .import_support import customers_by_email, write_csv
from .workbooks import covered_workbook

SHEETS = "1 'Cover', 2 'Customers', 3 'Notes'"


@pytest.fixture
def crm(tmp_path: Path) -> Crm:
    return Crm.open(tmp_path / "crm.db")


@pytest.mark.parametrize("sheet", ["Customers", " customers ", "2"])
def test_the_sheet_named_or_numbered_is_read(crm: Crm, tmp_path: Path, sheet: str) -> None:
    path = covered_workbook(tmp_path / "report.xlsx")
    report = import_file(crm, "customers", path, reading=ReadOptions(sheet=sheet))
    assert report.reading[0] == (f"read from the workbook's sheet 2, 'Customers', of 3 "
                                 f"({SHEETS}: --sheet chooses another)")
    assert report.count("customers").created == 2
    assert customers_by_email(crm)["zoe@example.com"]["first_name"] == "Zoé"


def test_a_cover_sheet_first_is_refused_listing_the_sheets(crm: Crm, tmp_path: Path) -> None:
    path = covered_workbook(tmp_path / "report.xlsx")
    with pytest.raises(ValidationError) as refused:
        import_file(crm, "customers", path)
    assert refused.value.message == (
        f"{path}: no column is a customers field (columns: Customer export — Q3 2025); name "
        f"them with --map, or read another sheet with --sheet (the workbook's: {SHEETS})")
    assert list(crm.customers.all()) == []


@pytest.mark.parametrize("sheet", ["Orders", "0", "4"])
def test_a_sheet_the_workbook_lacks_is_refused(crm: Crm, tmp_path: Path, sheet: str) -> None:
    path = covered_workbook(tmp_path / "report.xlsx")
    with pytest.raises(ValidationError) as refused:
        import_file(crm, "customers", path, reading=ReadOptions(sheet=sheet))
    assert refused.value.errors == {
        "sheet": f"the workbook has no sheet {sheet!r}: its sheets are {SHEETS}"}


@pytest.mark.parametrize(("option", "value"), [("encoding", "cp1252"), ("delimiter", ";")])
def test_a_csv_option_is_refused_for_a_workbook(crm: Crm, tmp_path: Path, option: str,
                                                value: str) -> None:
    path = covered_workbook(tmp_path / "report.xlsx")
    with pytest.raises(ValidationError) as refused:
        import_file(crm, "customers", path,
                    reading=ReadOptions(**{option: value, "sheet": "2"}))  # type: ignore[arg-type]
    assert refused.value.errors == {option: f"report.xlsx is an Excel workbook: it has no "
                                            f"{option} to choose (--{option} is for CSV files)"}


def test_a_sheet_is_refused_for_a_csv_file(crm: Crm, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", "email\nzoe@example.com\n")
    with pytest.raises(ValidationError) as refused:
        import_file(crm, "customers", path, reading=ReadOptions(sheet="2"))
    assert refused.value.errors == {"sheet": "people.csv is not an Excel workbook (.xlsx): "
                                             "it has no sheets (--sheet is for workbooks)"}


def test_a_big_workbook_read_ahead_reads_the_sheet_chosen(crm: Crm, tmp_path: Path) -> None:
    """Past WORTH_LINES rows a second process reads the file: the same sheet."""
    path = covered_workbook(tmp_path / "report.xlsx", rows=WORTH_LINES)
    report = import_file(crm, "customers", path, reading=ReadOptions(sheet="Customers"),
                         dry_run=True)
    assert report.rows == WORTH_LINES and not report.failed
    assert report.count("customers").created == WORTH_LINES
