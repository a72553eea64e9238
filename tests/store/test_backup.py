"""`crm backup` is consistent even while another process writes, and whole or absent:
killed or out of space, it leaves nothing under the name asked for; `crm restore` never
loses (more in test_restore.py)."""

from __future__ import annotations

import errno
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from crm_tui.store import Database, StoreError
from crm_tui.store import backup as backup_module
from crm_tui.store.backup import backup_database, read_backup_record
from crm_tui.store.check import check_database
from crm_tui.store.files import partials_in
from crm_tui.store.identity import database_id
from crm_tui.store.restore import restore_database

from .processes import ROOT, acknowledged, start_writer

DIE_AT_STEP = Path(__file__).parent / "procs" / "die_at_step.py"


def test_backup_while_another_process_writes(db_path: Path, tmp_path: Path) -> None:
    Database(db_path).close()
    writer = start_writer(db_path, "batch", 0, 400, compact_bytes=8192)
    backups = [tmp_path / f"backup{n}" for n in range(5)]
    for target in backups:
        report = backup_database(db_path, target)
        assert report.path == target
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert len(acknowledged(out)) == 400
    for target in backups:
        items = Database(target).table("items").all()
        batches: dict[int, int] = {}
        for doc in items:
            batches[doc["batch"]] = batches.get(doc["batch"], 0) + 1
        assert all(n == 3 for n in batches.values())  # never half a transaction
        assert sorted(batches) == list(range(len(batches)))  # a prefix of the commits


def test_backup_refuses_to_overwrite(db_path: Path, tmp_path: Path) -> None:
    Database(db_path).close()
    (tmp_path / "taken").mkdir()
    with pytest.raises(StoreError, match="never overwrites"):
        backup_database(db_path, tmp_path / "taken")


def test_restore_swaps_in_the_backup_and_keeps_the_old_database(db_path: Path,
                                                                 tmp_path: Path) -> None:
    db = Database(db_path)
    db.table("t").insert({"n": 1})
    backup_database(db_path, tmp_path / "b")
    db.table("t").insert({"n": 2})
    db.close()
    kept = restore_database(tmp_path / "b", db_path, stamp="1")
    assert [d["n"] for d in Database(db_path).table("t")] == [1]
    assert [d["n"] for d in Database(kept).table("t")] == [1, 2]
    assert check_database(db_path).tables == {"t": 1}


def test_restore_refuses_a_damaged_backup(db_path: Path, tmp_path: Path) -> None:
    db = Database(db_path)
    db.table("t").insert({"n": 1})
    db.close()
    backup_database(db_path, tmp_path / "b")
    (tmp_path / "b" / "journal.log").write_bytes(b"garbage")
    with pytest.raises(StoreError):
        restore_database(tmp_path / "b", db_path, stamp="1")
    assert [d["n"] for d in Database(db_path).table("t")] == [1]


def test_a_backup_out_of_space_leaves_nothing(db_path: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database(db_path)
    db.table("t").insert_multiple({"n": n} for n in range(100))
    db.compact()
    db.table("t").insert({"n": 100})
    db.close()
    calls = 0
    real = backup_module.write_all

    def full_disk(fd: int, data: bytes) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # crm.json and the id are copied; the disk fills on the next file
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(backup_module, "write_all", full_disk)
    folder = tmp_path / "backups"
    with pytest.raises(StoreError, match=r"b\.db: the backup failed \(No space left on "
                                         r"device\); nothing was written there"):
        backup_database(db_path, folder / "b.db")
    assert list(folder.iterdir()) == []  # no backup, not even an unfinished one


def test_a_backup_killed_at_every_step_is_whole_or_absent(db_path: Path,
                                                          tmp_path: Path) -> None:
    db = Database(db_path)
    db.table("t").insert_multiple({"n": n} for n in range(50))
    db.compact()
    db.table("t").insert({"n": 50})
    db.close()
    folder = tmp_path / "backups"
    folder.mkdir()
    left_unfinished = 0
    for step in range(1, 200):
        target = folder / f"b{step}.db"
        run = subprocess.run([sys.executable, str(DIE_AT_STEP), str(step), "--db",
                              str(db_path), "backup", str(target)],
                             capture_output=True, text=True, cwd=ROOT, timeout=120)
        if "finished" in run.stdout:
            assert run.returncode == 0, run.stderr
            break
        assert run.returncode == -signal.SIGKILL
        if target.exists():  # renamed into place: then it is whole
            assert read_backup_record(target) is not None
            assert check_database(target).tables == {"t": 51}
        else:  # what it left (if anything) is hidden, and cleared by the next backup
            left_unfinished += len(partials_in(folder))
        for path in folder.glob("[!.]*"):  # under a backup's name, only whole backups
            assert read_backup_record(path) is not None
    assert step > 10 and left_unfinished > 5
    assert check_database(target).tables == {"t": 51}
    assert partials_in(folder) == []


def test_a_backup_records_the_database_it_copies(db_path: Path, tmp_path: Path) -> None:
    db = Database(db_path)
    db.table("t").insert({"n": 1})
    db.close()
    assert database_id(db_path) is None  # as an older crm-tui left it: no id yet
    backup_database(db_path, tmp_path / "b", taken_at="2026-06-01T12:00:00")
    given = database_id(db_path)
    assert given is not None and database_id(tmp_path / "b") == given
    record = read_backup_record(tmp_path / "b")
    assert record is not None
    assert (record.database, record.taken_at, record.documents) == (
        given, "2026-06-01T12:00:00", 1)
    backup_database(db_path, tmp_path / "c")
    assert database_id(db_path) == given  # given once, then kept


def test_the_id_is_given_once_even_by_processes_racing(db_path: Path) -> None:
    Database(db_path).close()
    script = ("import sys; from pathlib import Path; "
              "from crm_tui.store.identity import ensure_database_id; "
              "print(ensure_database_id(Path(sys.argv[1])))")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(db_path)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(6)]
    ids = {proc.communicate(timeout=60)[0].strip() for proc in procs}
    assert ids == {database_id(db_path)}
    assert [p.name for p in db_path.iterdir() if p.name.startswith(".")] == []


def test_a_backup_never_goes_inside_a_database(db_path: Path) -> None:
    Database(db_path).close()
    before = sorted(p.name for p in db_path.iterdir())
    with pytest.raises(StoreError, match="inside the database"):
        backup_database(db_path, db_path / "tables" / "copy")
    assert sorted(p.name for p in db_path.iterdir()) == before
