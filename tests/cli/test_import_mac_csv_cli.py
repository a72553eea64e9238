"""`crm import customers` of a CSV saved by Excel for Mac ("CSV (Macintosh)": Mac OS Roman,
carriage returns alone) says how it read it and keeps its accents. In a terminal and
piped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.exchange.test_import_mac_csv import mac_csv

from .conftest import crm_cmd
from .terminal import crm_either_way

TERMINAL = pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])


@TERMINAL
def test_a_csv_saved_by_excel_for_mac(small_db: Path, tmp_path: Path, terminal: bool) -> None:
    people = mac_csv(tmp_path / "people.csv")
    code, said = crm_either_way(small_db, "import", "customers", str(people),
                                terminal=terminal)
    assert code == 0 and "customers: 2 created" in said, said
    assert "read as Mac OS Roman (Excel for Mac's CSV), comma-separated" in said
    exported = crm_cmd(small_db, "export", "customers").stdout
    assert "Zoé,Müller," in exported and "François,Dupont," in exported
