"""Compaction copies the lines of documents the journal did not change (rewrite.py): only
the changed documents are encoded, the table is not loaded for it, the result holds what
a rewrite of every document holds, in the same order, and a damaged byte in a line it
would copy stops it instead of being carried into the next snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from crm_tui.store import DamagedError, Database
from crm_tui.store import engine as engine_module
from crm_tui.store import rewrite as rewrite_module
from crm_tui.store import snapshot as snapshot_module

from .damage import lines_of

ITEMS = "tables/items.json"


class CountingJson:
    """orjson as a module sees it, keeping the documents it encodes (not header lines)."""

    def __init__(self) -> None:
        self.dumped: list[Any] = []
        self.loads = orjson.loads
        self.JSONDecodeError = orjson.JSONDecodeError

    def dumps(self, value: Any) -> bytes:
        if "format" not in value:
            self.dumped.append(value)
        return orjson.dumps(value)


def make_items(path: Path, count: int) -> None:
    db = Database(path)
    db.table("items").insert_multiple({"n": n, "name": f"item {n}"} for n in range(count))
    db.compact()
    db.close()


def change_some(db: Database) -> None:
    items = db.table("items")
    items.update({"name": "renamed"}, doc_ids=[3, 17])
    items.remove(doc_ids=[5, 40])
    items.insert({"n": 1000, "name": "new"})


def everything(path: Path) -> list[tuple[int, dict[str, Any]]]:
    db = Database(path)
    try:
        return [(doc.doc_id, dict(doc)) for doc in db.table("items")]
    finally:
        db.close()


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot_module, "WRITE_BATCH", 8)  # many blocks of a small table


@pytest.mark.usefixtures("small_blocks")
def test_only_the_changed_documents_are_encoded_and_nothing_is_loaded(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_items(db_path, 50)
    db = Database(db_path)
    change_some(db)
    counting = CountingJson()
    monkeypatch.setattr(snapshot_module, "orjson", counting)
    monkeypatch.setattr(rewrite_module, "orjson", counting)
    loads: list[str] = []
    real_read = engine_module.read_snapshot
    monkeypatch.setattr(engine_module, "read_snapshot",
                        lambda path, *args: loads.append(path.name) or real_read(path, *args))
    db.compact()
    db.close()
    assert sorted(doc["n"] for doc in counting.dumped) == [2, 16, 1000]  # not the other 46
    assert loads == []  # the table was not loaded to be compacted
    docs = dict(everything(db_path))
    assert len(docs) == 49 and 5 not in docs and 40 not in docs
    assert docs[3]["name"] == docs[17]["name"] == "renamed"
    assert docs[51] == {"n": 1000, "name": "new"}


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("loaded", [True, False])
def test_copied_snapshot_equals_a_rewrite_of_every_document(db_path: Path, tmp_path: Path,
                                                            loaded: bool) -> None:
    make_items(db_path, 50)
    db = Database(db_path)
    if loaded:
        db.preload("items")
    change_some(db)
    expected = [(doc.doc_id, dict(doc)) for doc in db.table("items")]
    db.compact()
    db.close()
    after = everything(db_path)
    assert after == expected  # the same documents, in the same order
    documents = [line.rstrip(b"\n") for line in lines_of(db_path / ITEMS)[1:]
                 if not line.startswith(b"#")]
    assert len(documents) == 49 and all(map(snapshot_module.line_verifies, documents))
    reopened = Database(db_path)
    try:
        # read through the derived files the compaction wrote, without loading the table
        assert reopened.get("items", 9) == {"n": 8, "name": "item 8"}
        assert reopened.get("items", 51) == {"n": 1000, "name": "new"}
        assert reopened.get("items", 5) is None
        assert reopened.engine.state("items").docs is None
    finally:
        reopened.close()


def damage_line(path: Path, doc_id: int) -> None:
    """Change one byte of a document's line in place (same size, same file)."""
    data = bytearray(path.read_bytes())
    start = data.index(b"\n%d " % doc_id) + 1
    at = data.index(b"item", start)
    data[at] = ord("I")
    with open(path, "r+b") as handle:  # in place: the bytes rot under the open table
        handle.write(data)


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("damaged", [4, 30], ids=["block-with-changes", "block-copied-whole"])
@pytest.mark.parametrize("loaded", [True, False])
def test_a_damaged_unchanged_line_stops_the_compaction(db_path: Path, damaged: int,
                                                       loaded: bool) -> None:
    make_items(db_path, 50)
    db = Database(db_path)
    if loaded:
        db.preload("items")  # checked when read: the damage comes after
        db.table("items").update({"name": "renamed"}, doc_ids=[3])
    else:
        db.table("items").insert({"n": 1000, "name": "new"})  # appended, still not loaded
    assert (db.engine.state("items").docs is None) is not loaded
    damage_line(db_path / ITEMS, damaged)
    journal = (db_path / "journal.log").read_bytes()
    snapshot = (db_path / ITEMS).read_bytes()
    with pytest.raises(DamagedError) as refused:
        db.compact()
    assert "items.json" in str(refused.value) and "damaged" in str(refused.value)
    # Nothing written: the journal still holds the change, the snapshot is as it was
    # (its damage left for `crm check` / repair to report, not copied into a new one).
    assert (db_path / "journal.log").read_bytes() == journal
    assert (db_path / ITEMS).read_bytes() == snapshot
    assert not (db_path / (ITEMS + ".tmp")).exists()
    assert db.damage  # remembered: later writes are refused too
    db.close()
