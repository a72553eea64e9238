"""Several OS processes writing one database at once: nothing lost, ids unique."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_tui.store import Database, engine

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


def test_opening_while_another_process_finishes_creating_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder is there without crm.json; while we look at what else it holds, another
    process finishes creating the database and writes to it. What we saw was a creation under
    way, not a foreign folder: the open goes on (it used to refuse, "not a crm-tui database")."""
    path = tmp_path / "crm.db"
    path.mkdir()
    looked = engine._holds_commits

    def another_process_finishes_first(folder: Path) -> bool:
        seen = looked(folder)
        proc = start_writer(path, "insert", start=0, count=2)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        return seen

    monkeypatch.setattr(engine, "_holds_commits", another_process_finishes_first)
    db = Database(path)
    assert len(db.table("items")) == 2
    db.close()


def test_a_line_finished_while_another_process_reads_is_not_damage(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader scans the journal while a writer is mid-line, then reads the bytes after
    the last whole line: by then the writer has ended it. That line is a commit to read,
    not "the last commit's newline is damaged" (which stopped every writer)."""
    writer = Database(db_path)
    writer.table("items").insert({"n": 1})
    reader = Database(db_path)
    assert len(reader.table("items")) == 1
    writer.table("items").insert({"n": 2})
    journal = db_path / "journal.log"
    whole = journal.read_bytes()
    journal.write_bytes(whole[:-1])  # the writer has not written its newline yet
    scanned = engine.scan

    def writer_ends_its_line_after_the_scan(*args: object) -> Iterator[tuple[int, bytes]]:
        yield from scanned(*args)  # type: ignore[arg-type]
        if journal.stat().st_size < len(whole):
            journal.write_bytes(whole)

    monkeypatch.setattr(engine, "scan", writer_ends_its_line_after_the_scan)
    reader.refresh()
    assert [doc["n"] for doc in reader.table("items").all()] == [1, 2]
    assert reader.damage == []
    reader.table("items").insert({"n": 3})  # a damaged database would refuse this
    writer.close()
    reader.close()
