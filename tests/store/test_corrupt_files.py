"""Damaged or foreign files: a clear error naming the file, non-zero exit, file untouched."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from crm_tui.store import CorruptFileError, DamagedError, Database, NotADatabaseError, StoreError
from crm_tui.store import engine as engine_module

from .damage import crm_check, fingerprint

STOCK_TINYDB = b'{"_default": {"1": {"name": "John Doe", "contact": "john@example.com"}}}'


def make_database(path: Path) -> None:
    db = Database(path)
    items = db.table("items")
    for n in range(20):
        items.insert({"n": n, "name": f"item {n}"})
    db.compact()  # so there is a table snapshot to damage too
    items.update({"name": "renamed"}, doc_ids=[1])
    db.close()


DAMAGES = {
    "truncated": lambda data: data[: min(len(data) // 2, 20)],
    "garbage": lambda data: bytes((i * 37 + 11) % 256 for i in range(len(data))),
    "empty": lambda data: b"",
    "foreign": lambda data: STOCK_TINYDB,
}
TARGETS = ["crm.json", "journal.log", "tables/items.json"]


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("target", TARGETS)
def test_damaged_file_is_reported_and_left_alone(db_path: Path, target: str, damage: str) -> None:
    make_database(db_path)
    victim = db_path / target
    victim.write_bytes(DAMAGES[damage](victim.read_bytes()))
    before = fingerprint(db_path)

    result = crm_check(db_path)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crm: error: ")
    assert str(victim) in lines[0]
    assert "Traceback" not in result.stderr
    with pytest.raises(StoreError):
        Database(db_path).table("items").all()
    assert fingerprint(db_path) == before


@pytest.mark.parametrize("content", [STOCK_TINYDB, b"\x00\xffgarbage", b""])
def test_foreign_file_given_as_database(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "customers.json"
    path.write_bytes(content)
    result = crm_check(path)
    assert result.returncode != 0
    assert str(path) in result.stderr and "not a crm-tui database" in result.stderr
    with pytest.raises(NotADatabaseError):
        Database(path)
    assert path.read_bytes() == content
    assert sorted(tmp_path.iterdir()) == [path]


def test_foreign_directory_is_not_touched(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"\xff\xd8\xff")
    before = fingerprint(folder)
    with pytest.raises(NotADatabaseError, match="refusing to touch it"):
        Database(folder)
    assert crm_check(folder).returncode != 0
    assert fingerprint(folder) == before and sorted(p.name for p in folder.iterdir()) == ["cat.jpg"]


def test_missing_database_is_an_error_for_check(tmp_path: Path) -> None:
    result = crm_check(tmp_path / "nope.db")
    assert result.returncode != 0 and "no database here" in result.stderr
    assert not (tmp_path / "nope.db").exists()


def test_damage_in_the_middle_of_the_journal_names_the_offset(db_path: Path) -> None:
    make_database(db_path)
    db = Database(db_path)
    for n in range(3):
        db.table("items").insert({"n": 100 + n})
    db.close()
    journal = db_path / "journal.log"
    lines = journal.read_bytes().split(b"\n")
    offset = len(lines[0]) + len(lines[1]) + 2
    lines[2] = lines[2].replace(b"100", b"999")  # flips bytes under a valid-looking line
    journal.write_bytes(b"\n".join(lines))
    with pytest.raises(CorruptFileError) as caught:
        Database(db_path)
    assert caught.value.path == journal and caught.value.offset == offset
    assert "checksum" in str(caught.value)


def test_torn_last_line_is_ignored_then_dropped_by_next_writer(db_path: Path) -> None:
    make_database(db_path)
    journal = db_path / "journal.log"
    intact = journal.read_bytes()
    journal.write_bytes(intact + b'1234abcd {"g":99,"c":{"items":{"50":{"n"')  # killed mid-write
    assert crm_check(db_path).returncode == 0
    db = Database(db_path)
    assert len(db.table("items")) == 20
    assert journal.read_bytes().startswith(intact)  # reading does not modify the file
    db.table("items").insert({"n": 20})  # a writer holds the lock: the fragment goes
    db.close()
    reopened = Database(db_path).table("items")
    assert len(reopened) == 21 and reopened.get(doc_id=21) == {"n": 20}
    assert b'"g":99' not in journal.read_bytes()


def test_a_save_over_a_damaged_snapshot_is_refused_and_nothing_is_written(
        tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    make_database(path)
    snapshot = path / "tables" / "items.json"
    data = snapshot.read_bytes()
    snapshot.write_bytes(data[:data.index(b"\n") + 10])  # the documents cut short
    before = fingerprint(path)
    db = Database(path, compact_bytes=1)  # every commit would be followed by a compaction
    with pytest.raises(DamagedError, match=r"items\.json: offset \d+: cut short"):
        db.table("other").append({"n": 99})
    with pytest.raises(DamagedError, match=r"items\.json"):
        db.compact()
    db.close()
    assert fingerprint(path) == before  # nothing appended, nothing rewritten
    with pytest.raises(CorruptFileError, match=r"items\.json"):
        len(Database(path).table("items"))  # the damage is still reported when read


def test_a_save_whose_compaction_fails_still_succeeds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commit is durable before compaction starts: a full disk while compacting
    must not turn the save into an error."""
    path = tmp_path / "crm.db"
    make_database(path)

    tried: list[object] = []

    def disk_full(*args: object) -> int:
        tried.append(args[0])
        raise OSError(errno.ENOSPC, "No space left on device")

    # A snapshot written whole, or from the one before it (the items' is copied).
    monkeypatch.setattr(engine_module, "write_snapshot", disk_full)
    monkeypatch.setattr(engine_module, "write_rewrite", disk_full)
    db = Database(path, compact_bytes=1)
    big = {"n": 99, "text": "x" * 5000}  # a journal past half the snapshot: compaction is due
    assert db.table("items").append(big) == 21
    assert tried  # the compaction ran, and failed
    db.close()
    monkeypatch.undo()
    reopened = Database(path)
    assert reopened.table("items").get(doc_id=21) == big and reopened.damage == []
