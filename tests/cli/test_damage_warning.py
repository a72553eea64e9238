"""`crm export` and `crm report` on a damaged database: what can be read is written, and one
line on stderr says the database is damaged and how to repair it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..store.damage import cut_last_commit
from .conftest import crm_cmd


@pytest.mark.parametrize("args", [("export", "customers"), ("report", "--as-of", "2026-06-15")])
def test_damage_met_is_said_in_one_line_after_the_output(small_db: Path,
                                                         args: tuple[str, ...]) -> None:
    whole = crm_cmd(small_db, *args)
    assert whole.returncode == 0 and whole.stderr == ""
    cut_last_commit(small_db)
    damaged = crm_cmd(small_db, *args)
    assert damaged.returncode == 0, damaged.stderr
    assert damaged.stdout  # what could be read
    warning, = damaged.stderr.splitlines()
    assert warning.startswith("crm: warning: the database is damaged: ")
    assert "journal.log" in warning and "cut short" in warning
    assert warning.endswith("run 'crm check --repair'")
