"""`crm check --repair`: every readable commit kept, exactly what was lost said, a copy of
the files taken first, and a database that checks whole and takes writes afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.store import Database
from crm_tui.store.repair import repair_database

from .damage import crm_check, fingerprint, lines_of


def make_db(path: Path) -> None:
    """Items 1-20 in a snapshot; then 21-23 inserted and 5 renamed (journal only)."""
    db = Database(path)
    items = db.table("items")
    items.insert_multiple({"n": n, "name": f"item {n}"} for n in range(1, 21))
    db.compact()
    for n in range(21, 24):
        items.insert({"n": n, "name": f"item {n}"})
    items.update({"name": "renamed"}, doc_ids=[5])
    db.close()


def contents(path: Path) -> dict[int, str]:
    return {d.doc_id: d["name"] for d in Database(path, create=False).table("items")}


def everything() -> dict[int, str]:
    return {n: "renamed" if n == 5 else f"item {n}" for n in range(1, 24)}


def repaired(path: Path, *, lost: int) -> str:
    """Repair through the command line; check what it says and what it left."""
    result = crm_check(path, "--repair")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("  lost: ") == lost, result.stdout
    copies = list(path.parent.glob(f"{path.name}.before-repair-*"))
    assert len(copies) == 1 and f"kept in {copies[0]}" in result.stdout
    assert crm_check(path).returncode == 0
    db = Database(path)
    db.table("items").insert({"n": 99, "name": "after"})  # writes work again
    db.close()
    return result.stdout


def test_a_changed_byte_in_a_snapshot_loses_only_that_document(db_path: Path) -> None:
    make_db(db_path)
    snapshot = db_path / "tables" / "items.json"
    lines = lines_of(snapshot)
    doc_line = next(i for i, line in enumerate(lines) if line.startswith(b"7 "))
    lines[doc_line] = lines[doc_line].replace(b"item 7", b"item 8")
    snapshot.write_bytes(b"\n".join(lines) + b"\n")
    damaged = snapshot.read_bytes()

    out = repaired(db_path, lost=1)
    assert "document #7" in out and f"line {doc_line + 1}" in out
    expected = everything()
    del expected[7]
    assert contents(db_path) == expected | {24: "after"}
    copy = next(db_path.parent.glob("crm.db.before-repair-*"))
    assert (copy / "tables" / "items.json").read_bytes() == damaged  # what it changed, kept


def test_a_damaged_commit_in_the_middle_of_the_journal_loses_only_that_commit(
        db_path: Path) -> None:
    make_db(db_path)
    journal = db_path / "journal.log"
    lines = lines_of(journal)
    lines[2] = lines[2].replace(b"item 22", b"item 29")  # the commit inserting item 22
    journal.write_bytes(b"\n".join(lines) + b"\n")

    out = repaired(db_path, lost=1)
    assert "checksum mismatch" in out and "it changed items #22" in out
    expected = everything()
    del expected[22]
    assert contents(db_path) == expected | {24: "after"}  # the commits after it are kept


@pytest.mark.parametrize("where", ["inside a line", "at a line boundary"])
def test_a_cut_snapshot_keeps_every_whole_line(db_path: Path, where: str) -> None:
    make_db(db_path)
    snapshot = db_path / "tables" / "items.json"
    data = snapshot.read_bytes()
    last_line = data.rindex(b"\n", 0, len(data) - 1) + 1  # item 20's line
    snapshot.write_bytes(data[:-5] if where == "inside a line" else data[:last_line])

    out = repaired(db_path, lost=1)
    if where == "inside a line":
        assert "cut short" in out and "document #20" in out
    else:
        assert "1 documents are missing" in out
    expected = everything()
    del expected[20]
    assert contents(db_path) == expected | {24: "after"}


def test_a_missing_snapshot_keeps_what_the_journal_has(db_path: Path) -> None:
    make_db(db_path)
    (db_path / "tables" / "items.json").unlink()
    out = repaired(db_path, lost=1)
    assert "the 20 documents it held are lost" in out
    assert contents(db_path) == {5: "renamed", 21: "item 21", 22: "item 22", 23: "item 23",
                                 24: "after"}  # ids are never reused either


def test_a_journal_cut_at_a_line_boundary_says_which_commit_was_lost(db_path: Path) -> None:
    make_db(db_path)
    journal = db_path / "journal.log"
    data = journal.read_bytes()
    journal.write_bytes(data[:data.rindex(b"\n", 0, len(data) - 1) + 1])
    out = repaired(db_path, lost=1)
    assert "commit 5 was cut from the end of the journal" in out
    assert contents(db_path)[5] == "item 5"  # the rename was that commit


def test_a_damaged_last_newline_is_mended_and_nothing_is_lost(db_path: Path) -> None:
    make_db(db_path)
    journal = db_path / "journal.log"
    journal.write_bytes(journal.read_bytes()[:-1] + b"x")
    out = repaired(db_path, lost=0)
    assert "repaired: nothing was lost" in out
    assert contents(db_path) == everything() | {24: "after"}


def test_a_missing_journal_keeps_the_snapshots(db_path: Path) -> None:
    make_db(db_path)
    (db_path / "journal.log").unlink()
    out = repaired(db_path, lost=1)
    assert "every commit since the last compaction (up to commit 5) is lost" in out
    assert contents(db_path) == {n: f"item {n}" for n in range(1, 21)} | {21: "after"}


def test_repair_of_a_sound_database_changes_nothing(db_path: Path) -> None:
    make_db(db_path)
    before = fingerprint(db_path)
    report = repair_database(db_path)
    assert report.copy is None and report.dropped == []
    assert fingerprint(db_path) == before
    assert not list(db_path.parent.glob("*.before-repair-*"))


def test_a_session_open_during_the_repair_follows_it(db_path: Path) -> None:
    make_db(db_path)
    journal = db_path / "journal.log"
    journal.write_bytes(journal.read_bytes()[:-1] + b"x")
    session = Database(db_path)
    assert len(session.table("items")) == 23 and session.damage  # it noticed
    repair_database(db_path)
    assert session.table("items").insert({"n": 98, "name": "during"}) == 24  # not refused
    assert session.damage == []
    session.close()
    assert contents(db_path) == everything() | {24: "during"}
