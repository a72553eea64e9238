"""`crm restore` is atomic from the user's view: killed at any step, the path holds the old
database or the restored one, or a record from which the next command, whatever it is,
finishes the restore; no command ever finds the path empty and makes a new database
there. A backup is verified before anything is touched."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.store import Database, StoreError
from crm_tui.store.backup import RECORD, backup_database
from crm_tui.store.check import CheckFailed, check_database
from crm_tui.store.identity import database_id
from crm_tui.store.restore import restore_database
from crm_tui.store.restore_record import record_path

from .processes import ROOT

DIE_AT_STEP = Path(__file__).parent / "procs" / "die_at_step.py"
IN_BACKUP = {"ann@example.com"}
AFTER_BACKUP = {"ann@example.com", "bob@example.com"}


def emails(db: Path) -> set[str]:
    """The customers' emails, as the next command opening the database sees them."""
    database = Database(db, create=False)
    try:
        return {doc["email"] for doc in database.table("customers")}
    finally:
        database.close()


@pytest.fixture
def live_and_backup(tmp_path: Path) -> tuple[Path, Path]:
    """A database holding Ann and Bob, and a backup of it taken when it held only Ann."""
    db, backup = tmp_path / "template" / "crm.db", tmp_path / "backup"
    crm = Crm.open(db, clock=Clock.at(dt.date(2026, 6, 1)))
    crm.customers.create({"first_name": "Ann", "email": "ann@example.com"})
    backup_database(db, backup)
    crm.customers.create({"first_name": "Bob", "email": "bob@example.com"})
    crm.close()
    return db, backup


def crm_cmd(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crm_tui", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_a_restore_killed_at_every_step_is_finished_by_the_next_command(
        live_and_backup: tuple[Path, Path], tmp_path: Path) -> None:
    template, backup = live_and_backup
    seen_empty_path = 0
    step = 0
    while True:
        step += 1
        db = tmp_path / f"run{step}" / "crm.db"
        shutil.copytree(template, db)
        run = subprocess.run([sys.executable, str(DIE_AT_STEP), str(step), "--db", str(db),
                              "restore", str(backup)], capture_output=True, text=True,
                             cwd=ROOT, timeout=120)
        if "finished" in run.stdout:
            assert run.returncode == 0, run.stderr
            assert emails(db) == IN_BACKUP
            break
        assert run.returncode == -signal.SIGKILL, run.stderr
        assert db.exists() or record_path(db).exists(), f"step {step}: nothing at the path"
        if not db.exists():
            seen_empty_path += 1
            # The next command is an import: it finishes the restore, then imports.
            csv = tmp_path / f"run{step}" / "more.csv"
            csv.write_text("first_name,email\nCid,cid@example.com\n")
            done = crm_cmd("--db", str(db), "import", "customers", str(csv))
            assert done.returncode == 0, done.stderr
            assert emails(db) == IN_BACKUP | {"cid@example.com"}, f"step {step}"
        else:
            assert emails(db) in (IN_BACKUP, AFTER_BACKUP), f"step {step}"
        assert not record_path(db).exists()
        check_database(db)
        kept = list(db.parent.glob("crm.db.pre-restore-*"))
        if emails(db) != AFTER_BACKUP:  # restored: the old database is kept, whole
            assert [emails(k) for k in kept] == [AFTER_BACKUP]
    assert step > 10  # the restore really was killed at many points
    assert seen_empty_path >= 1  # including between its two renames


def test_a_restore_killed_at_random_moments(live_and_backup: tuple[Path, Path],
                                             tmp_path: Path) -> None:
    template, backup = live_and_backup
    rng = random.Random(16)
    for n in range(12):
        db = tmp_path / f"run{n}" / "crm.db"
        shutil.copytree(template, db)
        proc = subprocess.Popen([sys.executable, "-m", "crm_tui", "--db", str(db), "restore",
                                 str(backup)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd=ROOT)
        time.sleep(rng.uniform(0.2, 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        assert emails(db) in (IN_BACKUP, AFTER_BACKUP)
        assert not record_path(db).exists()
        check_database(db)


def test_restore_swaps_in_the_backup_and_keeps_the_old_database_with_its_id(
        live_and_backup: tuple[Path, Path]) -> None:
    db, backup = live_and_backup
    kept = restore_database(backup, db, stamp="20260601-120000")
    assert kept == db.with_name("crm.db.pre-restore-20260601-120000")
    assert emails(db) == IN_BACKUP and emails(kept) == AFTER_BACKUP
    assert database_id(kept) == database_id(db) == database_id(backup) is not None
    assert not (db / RECORD).exists()  # a restored database is a database, not a backup
    again = restore_database(backup, db, stamp="20260601-120000")
    assert again == db.with_name("crm.db.pre-restore-20260601-120000-2")


def test_restore_into_a_path_with_no_database(live_and_backup: tuple[Path, Path],
                                              tmp_path: Path) -> None:
    _, backup = live_and_backup
    assert restore_database(backup, tmp_path / "new" / "crm.db", stamp="x") is None
    assert emails(tmp_path / "new" / "crm.db") == IN_BACKUP


def _refused(backup: Path, db: Path, match: str) -> None:
    before = emails(db)
    with pytest.raises(StoreError, match=match):
        restore_database(backup, db, stamp="x")
    assert emails(db) == before
    assert [p.name for p in db.parent.iterdir()] == [db.name]


def test_restore_refuses_a_backup_holding_no_data(live_and_backup: tuple[Path, Path],
                                                  tmp_path: Path) -> None:
    db, _ = live_and_backup
    empty = tmp_path / "empty.db"
    Database(empty).close()  # crm.json, a journal without a commit: it passes `crm check`
    check_database(empty)
    _refused(empty, db, "holds no data")
    only_marker = tmp_path / "marker-only"
    only_marker.mkdir()
    shutil.copy(db / "crm.json", only_marker / "crm.json")
    with pytest.raises(CheckFailed):
        restore_database(only_marker, db, stamp="x")
    assert emails(db) == AFTER_BACKUP


def test_restore_refuses_a_backup_whose_record_does_not_match(
        live_and_backup: tuple[Path, Path]) -> None:
    db, backup = live_and_backup
    (backup / "id").write_text("0" * 32 + "\n")  # the record names another database
    _refused(backup, db, "not as crm backup wrote it")


def test_restore_never_replaces_what_is_not_a_database(live_and_backup: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    _, backup = live_and_backup
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(StoreError, match="not a crm-tui database"):
        restore_database(backup, folder, stamp="x")
    assert [p.name for p in folder.iterdir()] == ["cat.jpg"]


def test_a_read_only_open_of_an_interrupted_restore_says_so(
        live_and_backup: tuple[Path, Path]) -> None:
    db, _ = live_and_backup
    aside = db.with_name("aside")
    os.rename(db, aside)
    record_path(db).write_text("{}")  # as a restore killed between its renames leaves it
    with pytest.raises(StoreError, match="a restore into it was interrupted"):
        check_database(db)
    assert not db.exists()
