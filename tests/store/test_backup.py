"""`crm backup` is consistent even while another process writes; `crm restore` never loses."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.store import Database, StoreError
from crm_tui.store.backup import backup_database, restore_database
from crm_tui.store.check import check_database

from .processes import acknowledged, start_writer


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
    kept = restore_database(tmp_path / "b", db_path)
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
        restore_database(tmp_path / "b", db_path)
    assert [d["n"] for d in Database(db_path).table("t")] == [1]
