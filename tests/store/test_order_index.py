"""An index of kind "order": its file holds ids in the order of their keys, never a key;
`db.ordered_ids` reads it and the journal since without loading the table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crm_tui.store import Database


def _order(doc: dict[str, Any]) -> str | None:
    return None if doc.get("gone") else str(doc["name"]).casefold()


def _open(path: Path) -> Database:
    db = Database(path)
    db.table("people").create_index("by_name", _order, kind="order")
    return db


def test_the_order_comes_from_the_file_and_the_journal_since(tmp_path: Path) -> None:
    db = _open(tmp_path / "db")
    people = db.table("people")
    ids = {name: people.insert({"name": name}) for name in ["Zoe", "ann", "Mia", "Bob", "Kim"]}
    db.compact()
    db.close()
    order_file = tmp_path / "db" / "tables" / "people.by-by_name"
    body = order_file.read_bytes()
    assert b"Zoe" not in body and b"zoe" not in body  # ids only: no key is written

    db = _open(tmp_path / "db")
    assert db.ordered_ids("people", "by_name") == [ids[n] for n in ["ann", "Bob", "Kim", "Mia",
                                                                    "Zoe"]]
    people = db.table("people")
    with db.transaction():
        people.replace(ids["Zoe"], {"name": "Cleo"})  # moves up
        people.replace(ids["Bob"], {"name": "Bob", "gone": True})  # leaves the order
    other = _open(tmp_path / "db")
    new = other.table("people").insert({"name": "Lea"})  # another process's, in its place
    other.close()
    assert db.ordered_ids("people", "by_name") == [ids["ann"], ids["Zoe"], ids["Kim"], new,
                                                   ids["Mia"]]
    assert db.engine.state("people").docs is None  # answered without loading the table
    db.close()


def test_a_missing_order_file_is_written_again(tmp_path: Path) -> None:
    db = _open(tmp_path / "db")
    people = db.table("people")
    ids = [people.insert({"name": name}) for name in ["b", "a"]]
    db.compact()
    db.close()
    (tmp_path / "db" / "tables" / "people.by-by_name").unlink()
    db = _open(tmp_path / "db")
    assert db.ordered_ids("people", "by_name") == [ids[1], ids[0]]
    db.close()
    assert (tmp_path / "db" / "tables" / "people.by-by_name").exists()


def test_a_loaded_table_answers_from_memory(tmp_path: Path) -> None:
    db = _open(tmp_path / "db")
    people = db.table("people")
    ids = [people.insert({"name": name}) for name in ["b", "c", "a"]]
    assert len(people.all()) == 3  # loaded
    assert db.ordered_ids("people", "by_name") == [ids[2], ids[0], ids[1]]
    db.close()
