"""An import's counts are written as every other count is: '1 row', '2,500 rows'."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import crm_cmd
from .terminal import crm_in_terminal


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_one_row_and_thousands(small_db: Path, tmp_path: Path, terminal: bool) -> None:
    one = tmp_path / "one.csv"
    one.write_text("first_name,last_name,email\nZoe,Martin,zoe@example.com\n")
    many = tmp_path / "many.csv"
    many.write_text("first_name,last_name,email\n" + "".join(
        f"P{n},Row,p{n}@example.com\n" for n in range(2500)))

    def said(*args: str) -> str:
        if terminal:
            return crm_in_terminal(small_db, *args).output
        return crm_cmd(small_db, *args).stdout

    assert f"imported {one}: 1 row, 0 with errors (batch " in said("import", "customers",
                                                                   str(one))
    assert f"would import {many}: 2,500 rows, 0 with errors" in said(
        "import", "customers", str(many), "--dry-run")
    assert "customers     done        1 row, 0 failed  one.csv" in said("import", "list")
