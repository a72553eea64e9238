"""`crm gdpr erase` from the command line: it says where it erased, names each place it
could not reach and exits non-zero then; run again by the email it was first given (after
a failure, or after being killed at any step), it finds the person and finishes."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, crm_cmd

DIE_AT_STEP = ROOT / "tests" / "store" / "procs" / "die_at_step.py"


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


def test_an_erase_killed_at_any_step_is_finished_by_running_it_again(
        small_db: Path, tmp_path: Path) -> None:
    template = tmp_path / "template"
    template.mkdir()
    shutil.copytree(small_db, template / "crm.db")
    assert crm_cmd(template / "crm.db", "backup").returncode == 0
    erase = ("gdpr", "erase", "john.doe@email.com", "--yes")
    shutil.copytree(template, tmp_path / "counted")
    whole = subprocess.run([sys.executable, str(DIE_AT_STEP), "100000", "--db",
                            str(tmp_path / "counted" / "crm.db"), *erase],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
    steps = int(whole.stdout.split("finished ")[1])
    assert steps > 20
    for step in range(1, steps, max(1, steps // 12)):
        run = tmp_path / f"run{step}"
        shutil.copytree(template, run)
        killed = subprocess.run([sys.executable, str(DIE_AT_STEP), str(step), "--db",
                                 str(run / "crm.db"), *erase], capture_output=True, text=True,
                                cwd=ROOT, timeout=120)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        again = crm_cmd(run / "crm.db", *erase)
        assert again.returncode == 0, (step, again.stderr)
        for path in run.rglob("*"):
            if path.is_file():
                assert b"john.doe@email.com" not in path.read_bytes().lower(), (step, path)
