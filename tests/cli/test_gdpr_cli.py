"""`crm gdpr erase` from the command line: it says where it erased, names each place it
could not reach and exits non-zero then; run again by the email it was first given, it
finds the person and finishes."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import crm_cmd


def test_an_unfinished_erase_is_named_and_finished_by_running_it_again(
        small_db: Path, tmp_path: Path) -> None:
    assert crm_cmd(small_db, "backup").returncode == 0
    broken = tmp_path / "backups" / "crm-20200101-000000.db"  # an older crm-tui's, cut short
    shutil.copytree(small_db, broken)
    (broken / "journal.log").unlink()
    first = crm_cmd(small_db, "gdpr", "erase", "john.doe@email.com", "--yes")
    assert first.returncode == 1
    assert first.stdout.startswith("erased customer #1: ")
    assert "erased in the copy " + str(tmp_path / "backups" / "crm-") in first.stdout
    said = first.stderr.splitlines()
    assert said[0] == "not finished: the customer's data is still in"
    assert said[1].startswith(f"  {broken} ({broken / 'journal.log'}: missing")
    assert said[2:] == ["run 'crm gdpr erase 1' again once that is fixed"]
    shutil.rmtree(broken)
    again = crm_cmd(small_db, "gdpr", "erase", "JOHN.DOE@email.com", "--yes")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("erased customer #1: ") and again.stderr == ""
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"john.doe@email.com" not in path.read_bytes().lower(), path
    unknown = crm_cmd(small_db, "gdpr", "erase", "nobody@email.com", "--yes")
    assert unknown.returncode == 2 and "no customer has" in unknown.stderr
