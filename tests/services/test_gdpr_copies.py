"""GDPR erase everywhere: the database and every copy of it the program keeps (backups,
pre-restore copies), tied to it by its id and never by a file name; whatever it cannot
reach is named; run again (by number or by the email it was given) it finishes; and in
the end no file the program manages holds a byte of the person."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from crm_tui.services import tables
from crm_tui.services.backups import create_backup
from crm_tui.services.erase_everywhere import erase_everywhere
from crm_tui.store import rewrite as rewrite_module
from crm_tui.store import snapshot as snapshot_module
from crm_tui.store.files import partial_dir
from crm_tui.store.restore import restore_database
from tests.conftest import open_session

from .test_gdpr import BOB_EMAIL, PII, build, leaks

ZELDA_EMAIL = "zelda.quixote@windmill.example"
NOON = dt.datetime(2026, 6, 15, 12, 0)


def backup(db: Path, minute: int) -> Path:
    return create_backup(db, None, NOON + dt.timedelta(minutes=minute)).path


def customer(db: Path, customer_id: int) -> dict[str, Any]:
    crm = open_session(db)
    try:
        return dict(crm.customers.get(customer_id, include_deleted=True))
    finally:
        crm.close()


@pytest.fixture
def zelda_db(tmp_path: Path) -> tuple[Path, int]:
    """crm.db with Zelda (all her history) and Bob, and two backups of it."""
    db = tmp_path / "crm.db"
    crm = open_session(db)
    zelda = build(crm).zelda
    crm.close()
    backup(db, 1)
    backup(db, 2)
    return db, zelda


def erase(db: Path, customer_id: int) -> Any:
    crm = open_session(db)
    try:
        return erase_everywhere(crm, customer_id)
    finally:
        crm.close()


def test_erase_reaches_every_backup_and_pre_restore_copy(zelda_db: tuple[Path, int],
                                                         tmp_path: Path) -> None:
    db, zelda = zelda_db
    kept = restore_database(db.parent / "backups" / "crm-20260615-120100.db", db, stamp="x")
    assert kept is not None and leaks(kept, PII)  # the test can see her everywhere
    report = erase(db, zelda)
    assert report.complete
    assert sorted(p.name for p in report.scrubbed) == [
        "crm-20260615-120100.db", "crm-20260615-120200.db", "crm.db.pre-restore-x"]
    # Every file under the folder: the database, its journal, backups, the kept copy.
    assert leaks(tmp_path, PII) == []
    assert leaks(tmp_path, (BOB_EMAIL,)) != []  # others untouched


def test_two_databases_sharing_a_stem_keep_their_own_people(tmp_path: Path) -> None:
    """crm.db and crm.old keep their managed backups in one folder, named crm-*.db
    alike: erasing customer 1 of crm.db must not touch customer 1 of crm.old's backup."""
    db, old = tmp_path / "crm.db", tmp_path / "crm.old"
    crm = open_session(db)
    zelda = build(crm).zelda
    crm.close()
    other = open_session(old)
    oscar = other.customers.create({"first_name": "Oscar", "last_name": "Otherperson",
                                    "email": "oscar@other.example"})
    other.close()
    assert oscar == zelda == 1
    backup(db, 1)
    old_backup = backup(old, 2)
    report = erase(db, zelda)
    assert [p.name for p in report.scrubbed] == ["crm-20260615-120100.db"]
    assert customer(old_backup, oscar)["email"] == "oscar@other.example"
    assert customer(old, oscar)["first_name"] == "Oscar"
    assert leaks(tmp_path / "backups" / "crm-20260615-120100.db", PII) == []


def test_backups_from_before_ids_are_searched_for_the_same_person(
        zelda_db: tuple[Path, int], tmp_path: Path) -> None:
    db, zelda = zelda_db
    backups = tmp_path / "backups"
    for made in backups.iterdir():  # as an older crm-tui wrote them: no id, no record
        (made / "id").unlink()
        (made / "backup.json").unlink()
    stranger = tmp_path / "stranger.db"
    crm = open_session(stranger)
    crm.customers.create({"first_name": "Oscar", "email": "oscar@other.example"})
    crm.close()
    shutil.copytree(stranger, backups / "crm-20250101-000000.db")  # another database's, same stem
    report = erase(db, zelda)
    assert report.complete and len(report.scrubbed) == 2
    assert leaks(backups, PII) == []
    assert customer(backups / "crm-20250101-000000.db", 1)["first_name"] == "Oscar"


def test_an_unfinished_backup_does_not_stop_the_erase(zelda_db: tuple[Path, int],
                                                      tmp_path: Path) -> None:
    db, zelda = zelda_db
    backups = tmp_path / "backups"
    # What a killed backup leaves: a hidden folder nobody holds any more...
    dead = backups / ".crm-20260615-130000.db.k1ll3d.crm-partial"
    shutil.copytree(db, dead)
    # ...and what an older crm-tui left when killed: a backup without its journal.
    broken = backups / "crm-20260615-140000.db"
    shutil.copytree(db, broken)
    (broken / "journal.log").unlink()
    (broken / "id").unlink()
    report = erase(db, zelda)
    assert report.removed == [dead]
    assert len(report.scrubbed) == 2  # the whole backups were reached all the same
    assert [path for path, _ in report.failed] == [broken]
    assert "journal" in report.failed[0][1]
    assert not report.complete
    assert leaks(db, PII) == [] and leaks(backups / "crm-20260615-120100.db", PII) == []
    # The broken one is dealt with; a retry by the email first given finds her again.
    shutil.rmtree(broken)
    crm = open_session(db)
    try:
        assert crm.gdpr.find_erased(ZELDA_EMAIL.upper()) == zelda
        assert crm.gdpr.find_erased("someone@else.example") is None
        assert erase_everywhere(crm, zelda).complete
    finally:
        crm.close()
    assert leaks(tmp_path, PII) == []


def _fail_snapshots_under(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """A full disk for the compactions of databases under `folder` (a snapshot written
    whole, or from the one before it)."""
    for module in (snapshot_module, rewrite_module):
        real = module.atomic_write_chunks

        def full(path: Path, *args: Any, real: Any = real) -> int:
            if folder in path.parents:
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
            return real(path, *args)

        monkeypatch.setattr(module, "atomic_write_chunks", full)


def test_a_full_disk_after_the_erase_says_what_is_left(zelda_db: tuple[Path, int],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    db, zelda = zelda_db
    _fail_snapshots_under(monkeypatch, db)
    report = erase(db, zelda)
    # The erase itself is saved: it is not reported as a failure to erase...
    assert customer(db, zelda)["erased"] is True
    assert report.erasure.records[tables.CUSTOMERS] == 1
    # ...but what is left is said: the journal still holds her until it is compacted.
    assert report.erasure.not_compacted is not None
    assert "No space left on device" in report.erasure.not_compacted
    assert not report.complete and len(report.scrubbed) == 2
    assert {name for name, _ in leaks(db, PII)} == {"journal.log"}
    monkeypatch.undo()
    assert erase(db, zelda).complete
    assert leaks(db.parent, PII) == []


def test_a_full_disk_in_one_backup_leaves_the_others_erased(
        zelda_db: tuple[Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db, zelda = zelda_db
    full_one = tmp_path / "backups" / "crm-20260615-120200.db"
    _fail_snapshots_under(monkeypatch, full_one)
    report = erase(db, zelda)
    assert [p.name for p in report.scrubbed] == ["crm-20260615-120100.db"]
    assert [(path, "No space left on device" in why) for path, why in report.failed] == [
        (full_one, True)]
    assert leaks(db, PII) == []
    monkeypatch.undo()
    assert erase(db, zelda).complete
    assert leaks(tmp_path, PII) == []


def test_a_backup_under_way_is_waited_for(zelda_db: tuple[Path, int], tmp_path: Path) -> None:
    """A partial folder someone holds is a backup being written (it copied her before the
    erase): the erase waits for it, then erases her from it once it is in place."""
    db, zelda = zelda_db
    backups = tmp_path / "backups"
    late = backups / "crm-20260615-150000.db"
    holding = threading.Event()

    def slow_backup() -> None:
        with partial_dir(backups, late.name) as tmp:
            shutil.copytree(backups / "crm-20260615-120100.db", tmp, dirs_exist_ok=True)
            holding.set()
            time.sleep(1.5)  # still writing when the erase looks (its own erase takes less)
            os.rename(tmp, late)

    writer = threading.Thread(target=slow_backup)
    writer.start()
    holding.wait(10)
    report = erase(db, zelda)
    writer.join()
    assert late in report.scrubbed
    assert leaks(tmp_path, PII) == []
