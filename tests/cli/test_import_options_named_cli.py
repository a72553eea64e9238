"""`crm import KIND` with a bad option value names the option as typed (`--date-format`),
not the service's field (`date_format`); one line, exit 1. In a terminal and piped."""

from __future__ import annotations

from pathlib import Path

import pytest

from .terminal import crm_either_way

TERMINAL = pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
BAD = [
    (("--map", "nonsense"), "--map: 'nonsense' is not COLUMN=field"),
    (("--map", "email=bogus"), "--map: unknown field 'bogus' for customers"),
    (("--date-format", "XYZ"), "--date-format: 'XYZ' is not a date format"),
    (("--encoding", "klingon"), "--encoding: unknown encoding 'klingon'"),
    (("--delimiter", "ab"), "--delimiter: 'ab' is not a delimiter"),
]


@TERMINAL
@pytest.mark.parametrize(("option", "said_first"), BAD, ids=[o[0][0] + " " + o[0][1] for o in BAD])
def test_a_bad_option_is_named_as_typed(small_db: Path, tmp_path: Path, terminal: bool,
                                        option: tuple[str, str], said_first: str) -> None:
    people = tmp_path / "people.csv"
    people.write_text("email\nzoe@example.com\n")
    code, said = crm_either_way(small_db, "import", "customers", str(people), *option,
                                terminal=terminal)
    assert code == 1 and "Traceback" not in said, said
    assert f"crm: error: {said_first}" in " ".join(said.split())
