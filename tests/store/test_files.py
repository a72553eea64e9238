"""On-disk properties: file modes, lazy per-table loading, compaction, O(1) appends."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from crm_tui.store import Database


def modes(path: Path) -> dict[str, int]:
    return {
        str(p.relative_to(path)): stat.S_IMODE(p.stat().st_mode)
        for p in path.rglob("*") if p.is_file()
    }


def test_new_files_are_private(db_path: Path) -> None:
    db = Database(db_path)
    db.table("t").insert({"n": 1})
    db.compact()
    assert set(modes(db_path).values()) == {0o600}
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o700


def test_group_shared_directory_gets_group_readable_files(tmp_path: Path) -> None:
    shared = tmp_path / "team.db"
    shared.mkdir()
    os.chmod(shared, 0o2770)  # setgid, group-writable: a team's shared database
    db = Database(shared)
    db.table("t").insert({"n": 1})
    db.compact()
    assert set(modes(shared).values()) == {0o660}


def test_tables_load_lazily(db_path: Path) -> None:
    db = Database(db_path)
    db.table("customers").insert({"name": "Ann"})
    db.table("events").insert_multiple([{"n": i} for i in range(100)])
    db.compact()
    db.close()

    fresh = Database(db_path)
    engine = fresh.engine
    assert len(fresh.table("customers")) == 1
    assert engine.state("events").docs is None  # never read, never loaded
    assert fresh.table("events").append({"n": 100}) == 101  # appends without loading
    assert engine.state("events").docs is None
    assert len(fresh.table("events")) == 101


def test_compaction_folds_the_journal_and_keeps_everything(db_path: Path) -> None:
    db = Database(db_path, compact_bytes=2_000)
    t = db.table("t")
    for n in range(200):
        t.insert({"n": n, "text": "x" * 20})
    t.remove(doc_ids=list(range(1, 101)))
    snapshot = db_path / "tables" / "t.json"
    assert snapshot.exists()
    # The bound grows with the data it would rewrite (half the snapshot), plus one line.
    bound = max(2_000, snapshot.stat().st_size // 2) + 200
    assert (db_path / "journal.log").stat().st_size <= bound
    assert not list(db_path.rglob("*.tmp"))
    again = Database(db_path).table("t")
    assert [d["n"] for d in again] == list(range(100, 200))
    assert again.insert({"n": 0}) == 201


def test_a_write_appends_only_the_changed_document(db_path: Path) -> None:
    db = Database(db_path)
    t = db.table("t")
    t.insert_multiple([{"n": n, "text": "y" * 50} for n in range(1000)])
    db.compact()
    journal = db_path / "journal.log"
    snapshot = db_path / "tables" / "t.json"
    before_journal, before_snapshot = journal.stat().st_size, snapshot.read_bytes()
    t.update({"n": -1}, doc_ids=[500])
    assert journal.stat().st_size - before_journal < 150
    assert snapshot.read_bytes() == before_snapshot  # committed files are never rewritten


def test_compaction_bound_grows_with_the_data(db_path: Path) -> None:
    """Bulk loads stay linear: a big table is not rewritten every `compact_bytes`."""
    db = Database(db_path, compact_bytes=10_000)
    t = db.table("t")
    epochs = []
    for chunk in range(40):
        t.insert_multiple({"n": n, "text": "y" * 40} for n in range(chunk * 100, chunk * 100 + 100))
        epochs.append(db.engine.journal_facts()["epoch"])
    # 40 chunks of ~7 KB: a fixed 10 KB bound would compact ~28 times; a growing one far less.
    assert epochs[-1] - epochs[0] <= 8
    assert len(Database(db_path).table("t")) == 4_000
