"""Several OS processes writing one database at once: nothing lost, ids unique."""

from __future__ import annotations

from pathlib import Path

from crm_tui.store import Database

from .processes import start_writer


def test_four_processes_insert_250_each(db_path: Path) -> None:
    Database(db_path).close()  # created up front so the writers race only on writes
    procs = [start_writer(db_path, "insert", start=k * 1000, count=250) for k in range(4)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.count("ack ") == 250
    table = Database(db_path).table("items")
    docs = table.all()
    assert len(docs) == 1000
    assert sorted(d.doc_id for d in docs) == list(range(1, 1001))
    seen = {(d["proc"], d["seq"]) for d in docs}
    assert seen == {(k * 1000, k * 1000 + i) for k in range(4) for i in range(250)}


def test_read_modify_write_is_atomic_across_processes(db_path: Path) -> None:
    Database(db_path).close()
    procs = [start_writer(db_path, "counter", start=0, count=50) for _ in range(4)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    counters = Database(db_path).table("counters")
    assert len(counters) == 1
    assert counters.get(doc_id=1) == {"n": 200}


def test_concurrent_writers_with_compaction(db_path: Path) -> None:
    Database(db_path).close()
    procs = [
        start_writer(db_path, "insert", start=k * 1000, count=150, compact_bytes=4096)
        for k in range(3)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    docs = Database(db_path).table("items").all()
    assert len(docs) == 450
    assert len({d.doc_id for d in docs}) == 450


def test_four_processes_creating_the_same_database_at_once(tmp_path: Path) -> None:
    """Each creates the folder if it is missing: one of them used to fail with "File
    exists" when another made it between its check and its mkdir."""
    for round_no in range(5):
        path = tmp_path / f"round{round_no}" / "crm.db"
        procs = [start_writer(path, "insert", start=k * 1000, count=2) for k in range(4)]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        assert len(Database(path).table("items")) == 8
