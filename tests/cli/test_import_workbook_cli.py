"""`crm import` of an Excel workbook (.xlsx, what Excel saves by default), in a terminal and
piped: its rows imported, a bad row named by its sheet row; a damaged workbook refused in one
line naming it; other spreadsheet formats refused with the way to import them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.exchange.workbooks import damaged_workbook, orders_workbook, people_workbook

from .conftest import crm_cmd
from .terminal import crm_either_way

TERMINAL = pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])


def listed(db: Path, kind: str) -> str:
    return crm_cmd(db, "export", kind, "--format", "csv").stdout


@TERMINAL
def test_an_excel_workbook_is_imported(small_db: Path, tmp_path: Path,
                                       terminal: bool) -> None:
    people = people_workbook(tmp_path / "People.XLSX")
    code, said = crm_either_way(small_db, "import", "customers", str(people),
                                terminal=terminal)
    assert code == 1 and "Traceback" not in said  # 1: a row was rejected
    assert f"imported {people}: 3 rows, 1 with errors" in said
    assert "customers: 2 created" in said
    assert "line 4: email: is not a valid email address: 'not-an-email'" in said
    customers = listed(small_db, "customers")
    assert "Zoé,Müller,,zoe@example.com,4155550123" in customers
    assert "Ана,Силва,,ana@example.com,4155550124" in customers
    assert "Łukasz" not in customers

    orders = orders_workbook(tmp_path / "Orders.xlsx")
    code, said = crm_either_way(small_db, "import", "purchases", str(orders),
                                terminal=terminal)
    assert code == 0 and "purchases: 2 created" in said, said
    purchases = listed(small_db, "purchases")
    assert "Crème brûlée,2,617.28,2 x Crème brûlée @ 617.28,1,,,,1234.56,2026-03-01" in purchases
    assert "Kaffee,3,4.17,3 x Kaffee @ 4.17,1,,,,12.50,2026-03-02,,completed,1002" in purchases


@TERMINAL
def test_a_damaged_workbook_is_said_in_one_line(small_db: Path, tmp_path: Path,
                                                terminal: bool) -> None:
    path = damaged_workbook(tmp_path / "People.xlsx")
    before = listed(small_db, "customers")
    code, said = crm_either_way(small_db, "import", "customers", str(path), terminal=terminal)
    assert code == 1 and "Traceback" not in said
    assert (f"{path}: cannot be read as an Excel workbook (is it damaged, or protected with a "
            "password?): open it in Excel and save it again, or save it as CSV") in said
    assert listed(small_db, "customers") == before


@TERMINAL
def test_other_workbook_formats_are_refused_with_the_way_to_import_them(
        small_db: Path, tmp_path: Path, terminal: bool) -> None:
    sheet = tmp_path / "Customers.ods"
    sheet.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x00\x00" + bytes(range(256)))
    code, said = crm_either_way(small_db, "import", "customers", str(sheet), terminal=terminal)
    assert code == 1 and "Traceback" not in said
    assert (f"{sheet}: is a spreadsheet workbook in a format not read here: save it as CSV "
            "or as an Excel workbook (.xlsx) and import that") in said


def test_any_other_binary_file_is_still_just_not_csv(small_db: Path, tmp_path: Path) -> None:
    picture = tmp_path / "photo.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    done = crm_cmd(small_db, "import", "customers", str(picture))
    assert done.returncode == 1 and f"{picture}: is a binary file, not CSV text" in done.stderr
