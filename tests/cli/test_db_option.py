"""`--db` before or after the command's name, at any depth, and $CRM_DB without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import AS_OF, copy_of, crm_cmd

DAY = AS_OF.isoformat()


@pytest.mark.parametrize("args", [
    ("report", "--as-of", DAY),
    ("check",),
    ("export", "customers", "--as-of", DAY),
    ("export", "purchases", "--format", "jsonl", "--as-of", DAY),
    ("export", "segments", "--as-of", DAY),
    ("import", "list"),
])
def test_db_after_the_command_is_db_before_it(demo_db: Path, args: tuple[str, ...]) -> None:
    before = crm_cmd(demo_db, *args)
    assert before.returncode == 0, before.stderr
    after = crm_cmd(None, *args, "--db", str(demo_db))
    assert (after.returncode, after.stdout, after.stderr) == (0, before.stdout, before.stderr)
    inside = crm_cmd(None, args[0], "--db", str(demo_db), *args[1:])  # between the words
    assert (inside.returncode, inside.stdout) == (0, before.stdout)


def test_commands_that_write_take_db_after_them_too(demo_db: Path, tmp_path: Path) -> None:
    db = copy_of(demo_db, tmp_path)
    people = tmp_path / "people.csv"
    people.write_text("email,first name\nnew@x.com,New\n", encoding="utf-8")
    imported = crm_cmd(None, "import", "customers", str(people), "--db", str(db))
    assert imported.returncode == 0, imported.stderr
    assert "1 created" in imported.stdout
    exported = crm_cmd(None, "gdpr", "export", "new@x.com", "--db", str(db))
    assert exported.returncode == 0 and '"email": "new@x.com"' in exported.stdout
    erased = crm_cmd(None, "gdpr", "erase", "new@x.com", "--yes", "--db", str(db))
    assert erased.returncode == 0 and "erased customer" in erased.stdout
    fresh = tmp_path / "fresh.db"
    filled = crm_cmd(None, "demo", "--customers", "5", "--db", str(fresh))
    assert filled.returncode == 0 and "5 customers" in filled.stdout
    assert crm_cmd(None, "backup", str(tmp_path / "b"), "--db", str(fresh)).returncode == 0
    assert crm_cmd(None, "compact", "--db", str(fresh)).returncode == 0


def test_the_db_given_last_wins(demo_db: Path, tmp_path: Path) -> None:
    result = crm_cmd(tmp_path / "none.db", "check", "--db", str(demo_db))
    assert result.returncode == 0 and str(demo_db) in result.stdout
    result = crm_cmd(demo_db, "check", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 1 and "no database here" in result.stderr


def test_crm_db_from_the_environment_still_serves(demo_db: Path, tmp_path: Path) -> None:
    env = {**os.environ, "CRM_DB": str(demo_db)}
    result = crm_cmd(None, "report", "--as-of", DAY, env=env)
    assert result.returncode == 0 and "CRM SUMMARY REPORT" in result.stdout
    overridden = crm_cmd(None, "check", "--db", str(tmp_path / "none.db"), env=env)
    assert overridden.returncode == 1 and "none.db" in overridden.stderr


def test_every_command_lists_db_in_its_help(tmp_path: Path) -> None:
    for args in (["report"], ["export"], ["import", "customers"], ["import", "revert"],
                 ["gdpr", "erase"], ["demo"], ["check"], ["restore"]):
        shown = crm_cmd(None, *args, "--help")
        assert shown.returncode == 0 and "--db PATH" in shown.stdout, args
