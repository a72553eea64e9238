"""`crm import` of a workbook whose first sheet is a cover page: refused listing the sheets,
imported from the sheet `--sheet` names; `--encoding` for a workbook and `--sheet` for a CSV
file refused naming the option. In a terminal and piped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.exchange.workbooks import covered_workbook

from .terminal import crm_either_way

TERMINAL = pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
SHEETS = "1 'Cover', 2 'Customers', 3 'Notes'"


def said_flat(said: str) -> str:
    return " ".join(said.split())


@TERMINAL
def test_a_workbook_s_sheet_is_chosen_with_sheet(small_db: Path, tmp_path: Path,
                                                 terminal: bool) -> None:
    path = covered_workbook(tmp_path / "report.xlsx")
    code, said = crm_either_way(small_db, "import", "customers", str(path), terminal=terminal)
    assert code == 1 and "Traceback" not in said
    assert (f"or read another sheet with --sheet (the workbook's: {SHEETS})"
            in said_flat(said))
    code, said = crm_either_way(small_db, "import", "customers", str(path), "--sheet",
                                "Customers", terminal=terminal)
    assert code == 0, said
    assert "customers: 2 created" in said
    assert (f"read from the workbook's sheet 2, 'Customers', of 3 ({SHEETS}: --sheet "
            "chooses another)") in said_flat(said)


@TERMINAL
def test_options_that_cannot_apply_are_refused(small_db: Path, tmp_path: Path,
                                               terminal: bool) -> None:
    book = covered_workbook(tmp_path / "report.xlsx")
    code, said = crm_either_way(small_db, "import", "customers", str(book), "--sheet", "2",
                                "--encoding", "cp1252", terminal=terminal)
    assert code == 1 and "Traceback" not in said
    assert ("crm: error: --encoding: report.xlsx is an Excel workbook: it has no encoding to "
            "choose (--encoding is for CSV files)") in said_flat(said)
    people = tmp_path / "people.csv"
    people.write_text("email\nzoe@example.com\n")
    code, said = crm_either_way(small_db, "import", "customers", str(people), "--sheet",
                                "2", terminal=terminal)
    assert code == 1 and "Traceback" not in said
    assert ("crm: error: --sheet: people.csv is not an Excel workbook (.xlsx): it has no "
            "sheets (--sheet is for workbooks)") in said_flat(said)
