"""Loading a table lays over its snapshot only the journal lines the tail overlay says hold
its documents (engine `_replayed_lines`), and its last id comes from the ids the tail
knows: a table the journal never wrote is loaded without reading the journal through (an
import's final compaction loaded the segments and read hundreds of MB of purchases for
nothing). What is loaded is what reading every line gives, deletions and last ids too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_tui.store import Database
from crm_tui.store import engine as engine_module


def journal_lines_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Offsets of the journal lines the engine reads through (`scan`), from now on."""
    offsets: list[int] = []
    real = engine_module.scan

    def spy(fd: int, path: Path, start: int, end: int | None = None
            ) -> Iterator[tuple[int, bytes]]:
        for offset, line in real(fd, path, start, end):
            offsets.append(offset)
            yield offset, line

    monkeypatch.setattr(engine_module, "scan", spy)
    return offsets


def busy_journal(path: Path) -> None:
    """A compacted `quiet` table, then a journal of many lines about other tables."""
    db = Database(path)
    db.table("quiet").insert_multiple({"n": n} for n in range(5))
    db.compact()
    for n in range(40):
        db.table("purchases").insert({"n": n, "note": "quiet"})  # names it, holds none
    db.close()


def test_a_table_the_journal_never_wrote_loads_without_reading_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    busy_journal(tmp_path / "db")
    db = Database(tmp_path / "db")
    db.refresh()  # the journal read once, as every session does at open
    read = journal_lines_read(monkeypatch)
    db.preload("quiet")
    assert [dict(doc) for doc in db.table("quiet").all()] == [{"n": n} for n in range(5)]
    with db.transaction():
        assert db.engine.next_id("quiet") == 6
    assert read == []
    db.close()


def history(db: Database, base: int) -> None:
    """Writes over several lines (ids from `base` + 1): replaced, deleted (in a line holding
    no other of its documents), added then deleted (the highest id), interleaved with
    another table."""
    items = db.table("items")
    items.insert_multiple({"v": n} for n in range(1, 6))  # one line
    items.update({"v": 10}, doc_ids=[base + 1])
    db.table("other").insert({"x": 1})
    items.remove(doc_ids=[base + 2])
    with db.transaction():
        items.insert({"v": 6})
        items.update({"v": 30}, doc_ids=[base + 3])
    items.remove(doc_ids=[base + 6])  # the highest id, gone: never given again


@pytest.mark.parametrize("compacted_first", [False, True])
def test_a_load_gives_what_every_line_gives(tmp_path: Path, compacted_first: bool) -> None:
    writer = Database(tmp_path / "db")
    base = 0
    if compacted_first:
        writer.table("items").insert({"v": 0})
        writer.compact()
        base = 1
    history(writer, base)
    writer.close()
    expected = {base + 1: {"v": 10}, base + 3: {"v": 30}, base + 4: {"v": 4},
                base + 5: {"v": 5}, **({1: {"v": 0}} if compacted_first else {})}
    reader = Database(tmp_path / "db")
    reader.preload("items")
    assert {doc.doc_id: dict(doc) for doc in reader.table("items").all()} == expected
    assert reader.table("items").insert({"v": 7}) == base + 7  # base + 6 is never reused
    reader.close()
    fresh = Database(tmp_path / "db")  # the last id without loading the table
    with fresh.transaction():
        assert fresh.engine.next_id("items") == base + 8
        assert fresh.engine.state("items").docs is None
    fresh.close()


def test_a_truncated_table_still_loads_from_every_line(tmp_path: Path) -> None:
    writer = Database(tmp_path / "db")
    writer.table("items").insert_multiple({"v": n} for n in range(3))
    writer.table("items").truncate()
    writer.table("items").insert({"v": 9})
    writer.close()
    reader = Database(tmp_path / "db")
    assert [dict(doc) for doc in reader.table("items").all()] == [{"v": 9}]
    assert reader.table("items").insert({"v": 10}) == 5
    reader.close()
