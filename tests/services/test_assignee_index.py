"""The person's own agenda ("mine") is found by an index of whose each task and follow-up
to do is (`agenda.whose_key`), not by reading every open dated record on each refresh.
The index is derived like the others: written by compaction, holding a key per name and
no name, rebuilt when missing or damaged, folded from every session's commits, checked by
`crm check` against the records."""

from __future__ import annotations

import datetime as dt
import os
from array import array
from pathlib import Path

import pytest

from crm_tui.services import tables
from crm_tui.services.agenda import ASSIGNEE
from crm_tui.services.base import disk_indexes
from crm_tui.services.crm import Crm
from crm_tui.services.to_do import pending, to_do
from crm_tui.store.check import check_database
from crm_tui.store.derived_files import index_path, write_derived
from crm_tui.store.doc_index import snapshot_identity
from crm_tui.store.text_key import text_key

from ..conftest import open_session
from .conftest import day, harm, tables_read
from .test_to_do import _listed  # what `to_do` lists (it reads the records)


def _work(crm: Crm, who: str, n: int) -> None:
    """`n` tasks and follow-ups of `who` (the session's staff is "alice"), due around
    AS_OF, and one done of each."""
    customer = crm.customers.create({"first_name": f"Client of {who}"})
    for i in range(n):
        crm.tasks.create({"title": f"{who} {i}", "due_date": day(i - 2), "assigned_to": who})
        crm.interactions.log({"customer_id": customer, "channel": "phone", "date": day(-3),
                              "follow_up_date": day(i - 1), "staff": who})
    done = crm.tasks.create({"title": "done", "due_date": day(0), "assigned_to": who})
    crm.tasks.complete(done)


def _mine(crm: Crm) -> dict[str, str]:
    return {p.key: dt.date.fromordinal(p.day).isoformat() for p in pending(crm, "mine")}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Alice's and Bob's work, compacted (the index files written)."""
    path = tmp_path / "crm.db"
    crm = open_session(path)
    _work(crm, "alice", 4)
    _work(crm, "bob", 5)
    crm.db.compact()
    crm.close()
    return path


def test_mine_is_found_by_the_index_without_reading_a_record(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = open_session(path)
    mine = open_session(path)
    try:
        read = tables_read(mine, monkeypatch)  # any session's reads
        assert len(_mine(mine)) == 8
        assert not {tables.TASKS, tables.INTERACTIONS} & set(read)
        # Another session's commits: new work for alice, one of hers done, one given to bob.
        _work(other, "alice", 1)
        first = min(p.record_id for p in pending(other, "mine") if p.kind == "task")
        other.tasks.complete(first)
        follow_up = min(p.record_id for p in pending(other, "mine") if p.kind == "follow-up")
        other.interactions.update(follow_up, {"staff": "bob"})
        read.clear()
        found = _mine(mine)
        assert not {tables.TASKS, tables.INTERACTIONS} & set(read)
        monkeypatch.undo()
        assert found == _listed(to_do(mine, "mine"))
        assert len(found) == 8 and f"task:{first}" not in found
        assert f"follow-up:{follow_up}" not in found
    finally:
        mine.close()
        other.close()


def test_the_index_file_holds_no_name(path: Path) -> None:
    for table in (tables.TASKS, tables.INTERACTIONS):
        data = index_path(path / "tables", table, ASSIGNEE).read_bytes()
        assert b"alice" not in data and b"bob" not in data
        assert text_key("alice").to_bytes(8, "little") in data


@pytest.mark.parametrize("how", ["missing", "damaged"])
def test_a_missing_or_damaged_file_is_written_again(path: Path, how: str) -> None:
    file = index_path(path / "tables", tables.TASKS, ASSIGNEE)
    harm(file, how)
    crm = open_session(path)
    try:
        assert _mine(crm) == _listed(to_do(crm, "mine"))
        assert len(_mine(crm)) == 8
    finally:
        crm.close()
    assert file.exists()
    assert check_database(path, disk_indexes()).notes == []


def test_check_notes_a_file_naming_the_wrong_records(path: Path) -> None:
    """Written for the right snapshot, its checksums right, but it lists bob's tasks as
    alice's: noted, never trusted (the records say whose they are)."""
    snapshot = path / "tables" / "tasks.json"
    fd = os.open(snapshot, os.O_RDONLY)
    identity = snapshot_identity(fd, snapshot, tables.TASKS)[0]
    os.close(fd)
    key = text_key("alice")
    write_derived(index_path(path / "tables", tables.TASKS, ASSIGNEE), "index", tables.TASKS,
                  identity, "int/2", [1, 2, 1], [array("q", [key]), array("I", [0, 1]),
                                                 array("I", [7])], 0o600)
    report = check_database(path, disk_indexes())
    assert report.problems == []
    assert [note.split(" do not match")[0] for note in report.notes] == [
        "tasks: its files for fast reading by assignee"]
