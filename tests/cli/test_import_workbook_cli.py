"""Importing a spreadsheet workbook itself (what Excel saves by default) instead of a CSV
says so and how to get the CSV, in a terminal and piped; nothing is imported."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from .conftest import crm_cmd
from .terminal import crm_either_way

ADVICE = ("is a spreadsheet workbook, not CSV text: save it as CSV (in Excel: File > Save As "
          "> CSV UTF-8) and import that")


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_an_excel_workbook_is_refused_with_the_way_to_import_it(
        small_db: Path, tmp_path: Path, terminal: bool) -> None:
    workbook = tmp_path / "Customers.XLSX"
    book = xlsxwriter.Workbook(str(workbook))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["First Name", "Last Name", "Email"])
    sheet.write_row(1, 0, ["Zoé", "Martin", "zoe@example.com"])
    book.close()
    args = ("import", "customers", str(workbook))
    code, said = crm_either_way(small_db, *args, terminal=terminal)
    assert code == 1 and "Traceback" not in said
    assert f"{workbook}: {ADVICE}" in said
    listed = crm_cmd(small_db, "export", "customers", "--format", "jsonl").stdout
    assert "zoe@example.com" not in listed


def test_any_other_binary_file_is_still_just_not_csv(small_db: Path, tmp_path: Path) -> None:
    picture = tmp_path / "photo.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    done = crm_cmd(small_db, "import", "customers", str(picture))
    assert done.returncode == 1 and f"{picture}: is a binary file, not CSV text" in done.stderr
