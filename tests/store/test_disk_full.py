"""A full disk during a compaction or a restore: every save is kept, the error names the
file, and nothing written aside is left to keep the disk full."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from crm_tui.store import Database, StoreError
from crm_tui.store import files as files_module
from crm_tui.store.backup import backup_database
from crm_tui.store.restore import restore_database


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Files written aside and renamed into place have no room for a snapshot (small
    files, like the journal's end mark, still fit). Commits to the journal are not
    affected."""
    calls: list[int] = []
    real = files_module.write_all

    def write_all(fd: int, data: bytes) -> None:
        calls.append(len(data))
        if len(data) > 1000:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(files_module, "write_all", write_all)
    return calls


def _filled(path: Path) -> Database:
    db = Database(path)
    db.table("t").insert_multiple({"n": n, "text": "x" * 200} for n in range(50))
    return db


def test_a_compaction_out_of_space_leaves_no_file_aside_and_names_the_file(
        db_path: Path, disk_full: list[int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = _filled(db_path)
    with pytest.raises(OSError) as raised:
        db.compact()
    assert max(disk_full) > 1000  # it ran, and the disk filled
    assert raised.value.errno == errno.ENOSPC
    assert raised.value.filename == str(db_path / "tables" / "t.json")
    assert list(db_path.rglob("*.tmp")) == []  # its half snapshot would keep the disk full
    monkeypatch.undo()
    db.table("t").insert({"n": 50})  # saves go on
    db.close()
    reopened = Database(db_path)
    assert [d["n"] for d in reopened.table("t").all()] == list(range(51))
    assert reopened.damage == []


def test_an_automatic_compaction_out_of_space_keeps_the_save_and_frees_the_room(
        db_path: Path, disk_full: list[int]) -> None:
    db = Database(db_path, compact_bytes=1)  # every commit sets a compaction off
    assert db.table("t").insert({"n": 0, "text": "x" * 5000}) == 1
    assert max(disk_full) > 1000
    assert list(db_path.rglob("*.tmp")) == []
    db.close()
    assert Database(db_path).table("t").get(doc_id=1) == {"n": 0, "text": "x" * 5000}


def test_a_restore_out_of_space_names_the_database_and_changes_nothing(
        db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _filled(db_path).close()
    backup_database(db_path, tmp_path / "b.db")
    db = Database(db_path)
    db.table("t").insert({"n": 50})
    db.close()
    from crm_tui.store import backup as backup_module

    def full_disk(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_module, "write_all", full_disk)
    with pytest.raises(StoreError, match=r"crm\.db: the restore failed \(No space left on "
                                         r"device\); the database is as it was"):
        restore_database(tmp_path / "b.db", db_path, stamp="x")
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.db", "crm.db"]
    assert len(Database(db_path).table("t")) == 51
