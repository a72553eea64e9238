"""A cell longer than the CSV reader takes (a note of 200,000 characters, or a quote
never closed) is that row's error, by line, while the other rows import: it ended the
import in a traceback when it was among the first lines, read to find the delimiter."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import crm_cmd
from .terminal import crm_in_terminal


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_a_cell_too_long_is_its_row_error(small_db: Path, tmp_path: Path,
                                          terminal: bool) -> None:
    people = tmp_path / "people.csv"
    people.write_text("first_name,last_name,email,note\n"
                      f'Ann,Big,annbig@example.com,"{"x" * 200_000}"\n'
                      "Bob,Ok,bobok@example.com,short\n")
    args = ("import", "customers", str(people))
    if terminal:
        ran = crm_in_terminal(small_db, *args)
        code, said = ran.returncode, ran.output
    else:
        done = crm_cmd(small_db, *args)
        code, said = done.returncode, done.stdout + done.stderr
    assert code == 1 and "Traceback" not in said
    assert "2 rows, 1 with errors" in said
    assert ("line 2: row: has a cell longer than 131,072 characters (is a quote opened "
            "there never closed?)") in said
    listed = crm_cmd(small_db, "export", "customers", "--format", "jsonl").stdout
    assert "bobok@example.com" in listed and "annbig@example.com" not in listed
