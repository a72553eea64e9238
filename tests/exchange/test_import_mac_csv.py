"""Excel for Mac's "CSV (Macintosh)": Mac OS Roman text, each line ended by a carriage
return alone. It was read as Windows-1252, which has a character for each of its bytes, so
"Zoé Müller" came in as "ZoŽ MŸller" without a word; and its lines were counted as none."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.exchange.csv_rows import CsvSource
from crm_tui.services.exchange.importer import import_file

from .import_support import customers_by_email

ROWS = ["First Name,Last Name,Email", "Zoé,Müller,zoe@example.com",
        "François,Dupont,francois@example.com"]


@pytest.fixture
def crm(tmp_path: Path) -> Crm:
    return Crm.open(tmp_path / "crm.db")


def mac_csv(path: Path, rows: list[str] = ROWS) -> Path:
    path.write_bytes(("\r".join(rows) + "\r").encode("mac_roman"))
    return path


def test_a_csv_saved_by_excel_for_mac(crm: Crm, tmp_path: Path) -> None:
    report = import_file(crm, "customers", mac_csv(tmp_path / "people.csv"))
    assert report.reading[0] == "read as Mac OS Roman (Excel for Mac's CSV), comma-separated"
    assert (report.created, report.failed) == (2, 0)
    people = customers_by_email(crm)
    assert (people["zoe@example.com"]["first_name"],
            people["zoe@example.com"]["last_name"]) == ("Zoé", "Müller")
    assert people["francois@example.com"]["first_name"] == "François"


def test_its_lines_are_counted(tmp_path: Path) -> None:
    with CsvSource(mac_csv(tmp_path / "people.csv")) as source:
        assert source.lines == 3


def test_windows_and_utf8_files_are_read_as_before(crm: Crm, tmp_path: Path) -> None:
    windows = tmp_path / "windows.csv"
    windows.write_bytes(("\r\n".join(ROWS) + "\r\n").encode("cp1252"))
    report = import_file(crm, "customers", windows)
    assert report.reading[0] == "read as Windows-1252 (Western European), comma-separated"
    utf8_mac = tmp_path / "utf8.csv"
    utf8_mac.write_bytes(("\r".join(ROWS) + "\r").encode("utf-8"))
    report = import_file(crm, "customers", utf8_mac, dry_run=True)
    assert report.reading[0] == "read as UTF-8, comma-separated"
