"""`db.scan(table)`: every current document by ascending id, streamed from the snapshot and
the journal's tail without loading the table, unbroken by commits and compactions made
while it runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crm_tui.store import Database
from crm_tui.store.errors import CorruptFileError

from .tail_lines import LINES, count_decodes, spread_over_lines

POKE = Path(__file__).parent / "procs" / "poke.py"
ROOT = Path(__file__).resolve().parents[2]
TABLE = "events"


def poke(path: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(POKE), str(path), *args], check=True, cwd=ROOT)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """20 events, compacted (a version 3 snapshot with its derived files)."""
    db = Database(tmp_path / "db")
    with db.transaction():
        for i in range(20):
            db.table(TABLE).insert({"name": f"event {i}", "n": i})
    db.compact()
    db.close()
    return tmp_path / "db"


def truth(path: Path) -> list[tuple[int, dict]]:
    """What a session that loads the table holds, by id."""
    db = Database(path)
    found = sorted((doc.doc_id, dict(doc)) for doc in db.table(TABLE).all())
    db.close()
    return found


def not_loaded(db: Database) -> bool:
    return db.engine.state(TABLE).docs is None


def test_journal_changes_over_the_snapshot(path: Path) -> None:
    db = Database(path)
    table = db.table(TABLE)
    table.update({"name": "renamed"}, doc_ids=[5])
    table.update({"name": "renamed again"}, doc_ids=[5])
    table.remove(doc_ids=[1])
    table.remove(doc_ids=[20])
    table.insert({"name": "new", "n": 99})
    db.close()  # a delete loads the table: scan from a session that has not
    db = Database(path)
    scanned = list(db.scan(TABLE))
    assert not_loaded(db)
    assert [i for i, _ in scanned] == [*range(2, 20), 21]
    assert dict(scanned)[5] == {"name": "renamed again", "n": 4}
    assert dict(scanned)[21] == {"name": "new", "n": 99}
    assert scanned == truth(path)
    db.close()


def test_a_loaded_table_is_iterated(path: Path) -> None:
    db = Database(path)
    db.table(TABLE).remove(doc_ids=[3])
    len(db.table(TABLE))  # loads it
    scanned = list(db.scan(TABLE))
    assert scanned == truth(path)
    scanned[0][1]["name"] = "changed by the caller"
    assert db.get(TABLE, scanned[0][0])["name"] == "event 0"
    db.close()


def test_without_a_snapshot_and_after_a_truncation(tmp_path: Path) -> None:
    db = Database(tmp_path / "db")
    db.table(TABLE).insert_multiple([{"n": 1}, {"n": 2}])
    db.close()
    db = Database(tmp_path / "db")
    assert list(db.scan(TABLE)) == [(1, {"n": 1}), (2, {"n": 2})]
    assert list(db.scan("nothing_here")) == []
    db.compact()
    db.table(TABLE).truncate()
    db.table(TABLE).insert({"n": 3})
    db.close()
    db = Database(tmp_path / "db")
    assert list(db.scan(TABLE)) == [(3, {"n": 3})]
    assert not_loaded(db)
    db.close()


def test_a_damaged_line_names_the_table(path: Path) -> None:
    snapshot = path / "tables" / f"{TABLE}.json"
    data = snapshot.read_bytes()
    snapshot.write_bytes(data.replace(b'"event 7"', b'"evenT 7"'))
    db = Database(path)
    with pytest.raises(CorruptFileError) as caught:
        list(db.scan(TABLE))
    assert caught.value.path == snapshot
    assert f"{TABLE}.json" in str(caught.value)
    db.close()


def test_a_commit_during_the_scan_does_not_break_it(path: Path) -> None:
    db = Database(path)
    db.table(TABLE).update({"name": "before the scan"}, doc_ids=[2])
    before = truth(path)
    scanning = db.scan(TABLE)
    first = next(scanning)
    db.table(TABLE).update({"name": "during the scan"}, doc_ids=[2, 15])
    poke(path, "insert", TABLE, "from another process", "7")
    rest = list(scanning)
    assert [first, *rest] == before  # the table as it was when the scan began
    assert dict(db.scan(TABLE))[15]["name"] == "during the scan"
    assert len(list(db.scan(TABLE))) == 21
    db.close()


def test_another_process_compacting_during_the_scan(path: Path) -> None:
    poke(path, "rename", TABLE, "4", "in the tail")
    poke(path, "remove", TABLE, "9")
    db = Database(path)
    before = truth(path)
    scanning = db.scan(TABLE)
    first = next(scanning)
    poke(path, "rename", TABLE, "6", "renamed elsewhere")
    poke(path, "compact")  # replaces the snapshot and the journal under the scan
    rest = list(scanning)
    assert [first, *rest] == before
    after = list(db.scan(TABLE))
    assert dict(after)[6]["name"] == "renamed elsewhere"
    assert after == truth(path)
    assert not_loaded(db)
    db.close()


def test_lines_out_of_id_order_are_still_scanned_by_id(tmp_path: Path) -> None:
    db = Database(tmp_path / "db")
    table = db.table(TABLE)
    table.insert_multiple([{"n": i} for i in range(5)])
    table.remove(doc_ids=[2])
    db.close()
    db = Database(tmp_path / "db")
    len(db.table(TABLE))
    with db.transaction():
        db.engine.put(TABLE, 2, {"n": "back"})  # an undone delete: its id comes back last
    db.compact()
    db.close()
    db = Database(tmp_path / "db")
    assert [i for i, _ in db.scan(TABLE)] == [1, 2, 3, 4, 5]
    db.close()


def test_the_tail_is_read_a_line_at_a_time(path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    """By id, a scan hops between the journal's lines (an import's lines hold the latest
    totals of customers spread over all of them): each line is decoded once, not again for
    nearly every document (crm compact after a 100,000-purchase import scanned for
    minutes)."""
    spread_over_lines(path, TABLE)
    expected = truth(path)
    decoded = count_decodes(monkeypatch)
    db = Database(path)
    scanned = [(doc_id, dict(doc)) for doc_id, doc in db.scan(TABLE)]
    assert not_loaded(db)
    db.close()
    assert scanned == expected and all(doc["n"] == 2 for _, doc in scanned)
    assert 0 < len(decoded) <= LINES
