"""A cell longer than the CSV reader takes (a note of 200,000 characters, or a quote
never closed) is that row's error, by line, while the other rows import: it ended the
import in a traceback when it was among the first lines, read to find the delimiter. A
quote never closed in a short file is said as such, by the line it opens on."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import crm_cmd
from .terminal import crm_either_way


def imported(db: Path, people: Path, terminal: bool) -> tuple[int, str]:
    """`crm import customers PEOPLE`, in a terminal or piped: its exit status and words."""
    args = ("import", "customers", str(people))
    return crm_either_way(db, *args, terminal=terminal)


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_a_cell_too_long_is_its_row_error(small_db: Path, tmp_path: Path,
                                          terminal: bool) -> None:
    people = tmp_path / "people.csv"
    people.write_text("first_name,last_name,email,note\n"
                      f'Ann,Big,annbig@example.com,"{"x" * 200_000}"\n'
                      "Bob,Ok,bobok@example.com,short\n")
    code, said = imported(small_db, people, terminal)
    assert code == 1 and "Traceback" not in said
    assert "2 rows, 1 with errors" in said
    assert ("line 2: row: has a cell longer than 131,072 characters (is a quote opened "
            "there never closed?)") in said
    listed = crm_cmd(small_db, "export", "customers", "--format", "jsonl").stdout
    assert "bobok@example.com" in listed and "annbig@example.com" not in listed


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_a_quote_never_closed_is_said_by_line(small_db: Path, tmp_path: Path,
                                              terminal: bool) -> None:
    people = tmp_path / "people.csv"
    people.write_text("first_name,last_name,email\n"
                      "Ann,Early,annearly@example.com\n"
                      'Bob,"Open,bobopen@example.com\n'
                      "Cy,Late,cylate@example.com\n")
    code, said = imported(small_db, people, terminal)
    assert code == 1 and "Traceback" not in said
    assert ('line 3: row: a quote (") opened here is never closed, so the lines after it '
            "were read as part of this row (2 cells; the header has 3)") in said
    listed = crm_cmd(small_db, "export", "customers", "--format", "jsonl").stdout
    assert "annearly@example.com" in listed and "bobopen@example.com" not in listed
