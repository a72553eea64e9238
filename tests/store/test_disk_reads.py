"""Reads by id and by index key without loading the table: `db.get`, `get_many`, `ids_by`
and `by` answer from the snapshot through its derived files plus the journal's tail, and
give the same answer as the loaded table whatever state those files are in."""

from __future__ import annotations

import os
import subprocess
import sys
from array import array
from pathlib import Path
from typing import Any

import pytest

from crm_tui.store import Database
from crm_tui.store.backup import backup_database
from crm_tui.store.check import check_database
from crm_tui.store.derived_files import DerivedFile, ids_path, index_path, write_derived
from crm_tui.store.doc_index import IDS_DEFINITION, snapshot_identity
from crm_tui.store.errors import CorruptFileError

POKE = Path(__file__).parent / "procs" / "poke.py"
ROOT = Path(__file__).resolve().parents[2]
TABLE = "events"


def open_db(path: Path, **kwargs: Any) -> Database:
    """A session that declares the on-disk index, as every product session does."""
    db = Database(path, **kwargs)
    db.table(TABLE).create_index("n", lambda doc: doc.get("n"), kind="int")
    return db


def loaded(db: Database) -> bool:
    return db.engine.state(TABLE).docs is not None


def answers(db: Database) -> dict[str, Any]:
    """Everything the four reads say about the table (keys 0-3, ids 1-40)."""
    return {
        "get": {i: db.get(TABLE, i) for i in range(1, 41)},
        "get_many": db.get_many(TABLE, range(40, 0, -1)),
        "ids_by": {n: db.ids_by(TABLE, "n", n) for n in range(4)},
        "by": {n: db.by(TABLE, "n", n) for n in range(4)},
        "find_between": {(low, high): [(key, doc.doc_id, dict(doc)) for key, doc in
                                       db.table(TABLE).find_between("n", low, high)]
                         for low, high in ((None, None), (1, 2), (None, 0), (2, None), (3, 9))},
    }


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """30 events, keys 0-2 round robin, compacted: snapshot plus derived files."""
    db = open_db(tmp_path / "db")
    with db.transaction():
        for i in range(30):
            db.table(TABLE).insert({"name": f"event {i}", "n": i % 3})
    db.compact()
    db.close()
    return tmp_path / "db"


def expected(path: Path) -> dict[str, Any]:
    """The answers of a session that loaded the table (the truth the files must match)."""
    db = open_db(path)
    len(db.table(TABLE))  # loads it
    found = answers(db)
    db.close()
    return found


def test_compaction_writes_the_files_and_reads_use_them(path: Path) -> None:
    assert ids_path(path / "tables", TABLE).exists()
    assert index_path(path / "tables", TABLE, "n").exists()
    db = open_db(path)
    assert db.ids_by(TABLE, "n", 1) == list(range(2, 31, 3))
    assert db.by(TABLE, "n", 2)[0] == (3, {"name": "event 2", "n": 2})
    assert db.get(TABLE, 7) == {"name": "event 6", "n": 0}
    assert db.get(TABLE, 31) is None and db.ids_by(TABLE, "n", 9) == []
    assert sorted(db.get_many(TABLE, [5, 99, 1])) == [1, 5]
    assert not loaded(db)
    assert answers(db) == expected(path)


def test_a_range_of_keys_is_read_from_the_files_in_key_then_id_order(path: Path) -> None:
    db = open_db(path)
    found = db.table(TABLE).find_between("n", 1, 2)
    assert [(key, doc.doc_id) for key, doc in found] == (
        [(1, i) for i in range(2, 31, 3)] + [(2, i) for i in range(3, 31, 3)])
    assert found[0][1] == {"name": "event 1", "n": 1}
    assert [doc.doc_id for _, doc in db.table(TABLE).find_between("n", None, 0)] == list(
        range(1, 31, 3))
    assert db.table(TABLE).find_between("n", 3, None) == []
    assert not loaded(db)


def test_a_range_sees_the_tail_and_this_threads_writes(path: Path) -> None:
    reader, writer = open_db(path), Database(path)
    assert len(reader.table(TABLE).find_between("n", 0, 0)) == 10  # files opened first
    writer.table(TABLE).update({"n": 5}, doc_ids=[1])  # leaves key 0
    writer.table(TABLE).insert({"name": "late", "n": 4})
    with reader.transaction():
        reader.table(TABLE).replace(2, {"name": "moved", "n": 4})
        found = [(key, doc.doc_id) for key, doc in reader.table(TABLE).find_between("n", 3, 9)]
        assert found == [(4, 2), (4, 31), (5, 1)]
    assert [doc.doc_id for _, doc in reader.table(TABLE).find_between("n", 0, 0)] == list(
        range(4, 31, 3))
    assert not loaded(reader)
    assert answers(reader) == expected(path)


def test_a_read_hands_out_a_copy(path: Path) -> None:
    db = open_db(path)
    db.get(TABLE, 1)["name"] = "changed"  # type: ignore[index]
    db.by(TABLE, "n", 0)[0][1]["name"] = "changed"
    assert db.get(TABLE, 1) == {"name": "event 0", "n": 0}
    len(db.table(TABLE))
    db.get(TABLE, 1)["name"] = "changed"  # type: ignore[index]
    assert db.get(TABLE, 1) == {"name": "event 0", "n": 0}


def test_the_journal_since_the_snapshot_is_laid_over_it(path: Path) -> None:
    reader, writer = open_db(path), Database(path)
    assert reader.ids_by(TABLE, "n", 0) == list(range(1, 31, 3))  # files opened first
    events = writer.table(TABLE)
    new = events.insert({"name": "new", "n": 0})
    events.update({"n": 1}, doc_ids=[4])  # moves from key 0 to key 1
    events.update({"name": "renamed"}, doc_ids=[2])  # same key
    events.remove(doc_ids=[7])
    assert reader.ids_by(TABLE, "n", 0) == [1, 10, 13, 16, 19, 22, 25, 28, new]
    assert 4 in reader.ids_by(TABLE, "n", 1)
    assert reader.get(TABLE, 2) == {"name": "renamed", "n": 1}
    assert reader.get(TABLE, 7) is None and reader.get(TABLE, new) == {"name": "new", "n": 0}
    assert not loaded(reader)
    assert answers(reader) == expected(path)


def test_this_threads_transaction_sees_its_own_writes(path: Path) -> None:
    db = open_db(path)
    with db.transaction():
        db.table(TABLE).replace(1, {"name": "moved", "n": 2})
        new = db.table(TABLE).insert({"name": "new", "n": 2})
        assert db.get(TABLE, 1) == {"name": "moved", "n": 2}
        assert db.ids_by(TABLE, "n", 2)[-2:] == [30, new]
        assert 1 in db.ids_by(TABLE, "n", 2) and 1 not in db.ids_by(TABLE, "n", 0)
    assert not loaded(db)


def test_a_replace_without_loading_keeps_its_before_image(path: Path) -> None:
    db = open_db(path)
    with db.transaction() as txn:
        db.table(TABLE).replace(1, {"name": "moved", "n": 2})
    assert not loaded(db)
    assert txn.changed()[TABLE] == {1: ({"name": "event 0", "n": 0}, {"name": "moved", "n": 2})}


def test_another_process_committing_is_caught_up(path: Path) -> None:
    db = open_db(path)
    assert db.ids_by(TABLE, "n", 2) == list(range(3, 31, 3))
    for args in (["insert", TABLE, "other", "2"], ["remove", TABLE, "3"],
                 ["rename", TABLE, "6", "renamed"]):
        subprocess.run([sys.executable, str(POKE), str(path), *args], check=True, cwd=ROOT)
        if args[0] == "insert":
            assert db.ids_by(TABLE, "n", 2) == [*range(3, 31, 3), 31]
    assert db.ids_by(TABLE, "n", 2) == [*range(6, 31, 3), 31]
    assert db.by(TABLE, "n", 2)[0] == (6, {"name": "renamed", "n": 2})
    subprocess.run([sys.executable, str(POKE), str(path), "compact"], check=True, cwd=ROOT)
    assert db.ids_by(TABLE, "n", 2) == [*range(6, 31, 3), 31]  # after its compaction
    assert not loaded(db)


def flip(file: Path, at: int) -> None:
    data = bytearray(file.read_bytes())
    data[at] ^= 0x01
    file.write_bytes(bytes(data))


@pytest.mark.parametrize("which", ["ids", "index"])
@pytest.mark.parametrize("where", ["header", "body"])
def test_a_damaged_file_is_written_again(path: Path, which: str, where: str) -> None:
    truth = expected(path)
    file = (ids_path if which == "ids" else
            lambda d, t: index_path(d, t, "n"))(path / "tables", TABLE)
    good = file.read_bytes()
    flip(file, 20 if where == "header" else len(good) - 3)
    db = open_db(path)
    assert answers(db) == truth
    assert not loaded(db)  # the files were written again, not the table loaded
    assert file.read_bytes() == good
    assert check_database(path).problems == [] and db.damage == []


def test_a_session_rebuilding_keeps_the_index_files_it_does_not_declare(path: Path) -> None:
    ids_path(path / "tables", TABLE).unlink()
    db = Database(path)  # declares no index
    assert db.get(TABLE, 1) == {"name": "event 0", "n": 0}
    assert not loaded(db) and ids_path(path / "tables", TABLE).exists()
    assert index_path(path / "tables", TABLE, "n").exists()
    assert open_db(path).ids_by(TABLE, "n", 0)[:2] == [1, 4]


def test_a_damaged_file_in_a_read_only_session_loads_the_table(path: Path) -> None:
    truth = expected(path)
    file = index_path(path / "tables", TABLE, "n")
    flip(file, len(file.read_bytes()) - 3)
    db = open_db(path, read_only=True)
    assert answers(db) == truth
    assert loaded(db)
    assert db.damage == []


@pytest.mark.parametrize("name", ["ids", "index"])
def test_a_missing_file_is_written_again(path: Path, name: str) -> None:
    truth = expected(path)
    file = (ids_path(path / "tables", TABLE) if name == "ids"
            else index_path(path / "tables", TABLE, "n"))
    file.unlink()
    db = open_db(path)
    assert answers(db) == truth and not loaded(db)
    assert file.exists()


def test_files_of_another_snapshot_are_not_used(path: Path) -> None:
    """Files left from before a compaction that rewrote the table (a session that
    compacted without declaring the index) describe the old snapshot: never trusted."""
    old = index_path(path / "tables", TABLE, "n").read_bytes()
    db = Database(path)  # declares no index
    db.table(TABLE).update({"n": 3}, doc_ids=[1])
    db.compact()
    assert not index_path(path / "tables", TABLE, "n").exists()  # it removed it
    db.close()
    index_path(path / "tables", TABLE, "n").write_bytes(old)  # and something put it back
    reader = open_db(path)
    assert reader.ids_by(TABLE, "n", 3) == [1]
    assert 1 not in reader.ids_by(TABLE, "n", 0)
    assert answers(reader) == expected(path)


def test_an_ids_file_pointing_at_the_wrong_line_is_not_believed(path: Path) -> None:
    """A well-formed `.ids` whose slots are shifted (another document's line): the line
    read does not start with the id asked for, so the files are written again."""
    truth = expected(path)
    tables = path / "tables"
    fd = os.open(tables / f"{TABLE}.json", os.O_RDONLY)
    identity = snapshot_identity(fd, tables / f"{TABLE}.json", TABLE)[0]
    os.close(fd)
    file = DerivedFile(ids_path(tables, TABLE), "ids", TABLE, identity, IDS_DEFINITION, "I")
    slots = array("I", file.arrays[0].tolist())
    file.close()
    slots[2:4], slots[4:6] = slots[4:6], slots[2:4]  # documents 1 and 2 swapped
    write_derived(ids_path(tables, TABLE), "ids", TABLE, identity, IDS_DEFINITION,
                  [len(slots)], [slots], 0o644)
    db = open_db(path)
    assert db.get(TABLE, 1) == {"name": "event 0", "n": 0}
    assert answers(db) == truth and not loaded(db)


def test_a_changed_byte_in_a_snapshot_line_is_damage_never_an_answer(path: Path) -> None:
    snapshot = path / "tables" / f"{TABLE}.json"
    data = snapshot.read_bytes()
    at = data.index(b"event 6")
    snapshot.write_bytes(data[:at] + b"avent 6" + data[at + 7:])
    db = open_db(path)
    with pytest.raises(CorruptFileError):
        db.get(TABLE, 7)
    assert db.damage and db.damage[0].path == snapshot


def test_a_cut_snapshot_is_damage_never_an_answer(path: Path) -> None:
    snapshot = path / "tables" / f"{TABLE}.json"
    data = snapshot.read_bytes()
    snapshot.write_bytes(data[:-20])
    db = open_db(path)
    with pytest.raises(CorruptFileError):
        db.get(TABLE, 30)
    assert db.damage


def test_check_is_clean_with_the_files_and_backups_leave_them_out(path: Path,
                                                                   tmp_path: Path) -> None:
    assert check_database(path).problems == []
    backup_database(path, tmp_path / "copy")
    copied = {p.name for p in (tmp_path / "copy" / "tables").iterdir()}
    assert copied == {f"{TABLE}.json"}
    db = open_db(tmp_path / "copy")
    assert answers(db) == expected(path)  # the copy reads the same (its files rebuilt)
