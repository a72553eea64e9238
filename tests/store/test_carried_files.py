"""A compaction that copies a snapshot's lines carries its derived files over (carried.py)
instead of reading the new snapshot through to build them: the `.ids` and index files it
writes are byte for byte those a build from the new snapshot writes, and when the old
files cannot serve it builds them from the snapshot as before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crm_tui.store import Database
from crm_tui.store import doc_index as doc_index_module
from crm_tui.store import snapshot as snapshot_module
from crm_tui.store.derived_files import derived_paths

TABLE = "items"


def open_db(path: Path, *, ordered: bool) -> Database:
    db = Database(path)
    table = db.table(TABLE)
    table.create_index("n", lambda doc: doc.get("n"), kind="int")
    if ordered:  # keeps no key on disk: carried only from the table held in memory
        table.create_index("by_name", lambda doc: (doc["name"], doc.get("n")), kind="order")
    return db


def compacted(path: Path, *, ordered: bool) -> Database:
    """A session on a new database of 50 items, compacted (snapshot and derived files)."""
    db = open_db(path, ordered=ordered)
    db.table(TABLE).insert_multiple({"n": n % 5, "name": f"item {n}"} for n in range(50))
    db.compact()
    return db


def derived_bytes(path: Path) -> dict[str, bytes]:
    return {file.name: file.read_bytes() for file in derived_paths(path / "tables", TABLE)}


def rebuilt_bytes(path: Path, *, ordered: bool) -> dict[str, bytes]:
    """What a build from the snapshot alone writes (the files removed, then rebuilt)."""
    for file in derived_paths(path / "tables", TABLE):
        file.unlink()
    db = open_db(path, ordered=ordered)
    try:
        assert db.engine.reads.build_missing() == [TABLE]
    finally:
        db.close()
    return derived_bytes(path)


def appended(db: Database) -> None:
    db.table(TABLE).insert_multiple({"n": n % 7, "name": f"new {n}"} for n in range(30))


def replaced(db: Database) -> None:  # leaves the table on disk
    items = db.table(TABLE)
    items.replace(3, {"n": 3, "name": "renamed"})
    items.replace(20, {"n": 99, "name": "moved"})  # its key moves
    items.insert({"n": 2, "name": "new"})


def removed(db: Database) -> None:  # loads the table
    replaced(db)
    db.table(TABLE).remove(doc_ids=[5, 40, 50])  # 50: the last document of the snapshot


@pytest.fixture
def lines_read(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Snapshots read through line by line to build derived files."""
    monkeypatch.setattr(snapshot_module, "WRITE_BATCH", 8)  # many blocks of a small table
    seen: list[Path] = []
    real = doc_index_module._lines

    def spy(fd: int, path: Path, body_start: int) -> Any:
        seen.append(path)
        return real(fd, path, body_start)

    monkeypatch.setattr(doc_index_module, "_lines", spy)
    return seen


@pytest.mark.parametrize("change", [appended, replaced, removed],
                         ids=["appended", "replaced", "removed"])
@pytest.mark.parametrize("loaded", [False, True], ids=["on-disk", "loaded"])
def test_carried_files_equal_a_build_from_the_snapshot(
        tmp_path: Path, lines_read: list[Path], change: Callable[[Database], None],
        loaded: bool) -> None:
    path = tmp_path / "db"
    db = compacted(path, ordered=loaded)
    for _ in range(2):  # carried from files that were carried themselves
        if loaded:
            db.preload(TABLE)
        change(db)
        assert (db.engine.state(TABLE).docs is not None) is (loaded or change is removed)
        lines_read.clear()
        db.compact()
        assert lines_read == []  # nothing read back to build them
        carried = derived_bytes(path)
        assert sorted(carried) == sorted(
            [f"{TABLE}.ids", f"{TABLE}.by-n", *([f"{TABLE}.by-by_name"] if loaded else [])])
        db.close()
        assert carried == rebuilt_bytes(path, ordered=loaded)
        db = open_db(path, ordered=loaded)
    assert db.ids_by(TABLE, "n", 2) == sorted(
        doc.doc_id for doc in db.table(TABLE) if doc.get("n") == 2)
    db.close()


@pytest.mark.parametrize("loaded", [False, True], ids=["on-disk", "loaded"])
def test_an_index_file_that_cannot_serve_is_built_again(
        tmp_path: Path, lines_read: list[Path], loaded: bool) -> None:
    path = tmp_path / "db"
    compacted(path, ordered=False).close()
    (path / "tables" / f"{TABLE}.by-n").write_bytes(b"damaged")
    db = open_db(path, ordered=False)
    if loaded:
        db.preload(TABLE)
    replaced(db)
    lines_read.clear()
    db.compact()
    db.close()
    # from the table held, else from the snapshot: the old index could not be carried
    assert bool(lines_read) is not loaded
    assert derived_bytes(path) == rebuilt_bytes(path, ordered=False)


def test_an_order_index_of_a_table_not_held_is_built_from_the_snapshot(
        tmp_path: Path, lines_read: list[Path]) -> None:
    path = tmp_path / "db"
    compacted(path, ordered=True).close()
    db = open_db(path, ordered=True)
    appended(db)
    assert db.engine.state(TABLE).docs is None
    db.compact()
    db.close()
    assert lines_read
    assert derived_bytes(path) == rebuilt_bytes(path, ordered=True)
