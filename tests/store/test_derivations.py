"""Derivations kept by the store: saved at compaction, read back with the journal's tail
folded over them, folded from every commit of this process and others, rebuilt by a
scan when their saved state is missing, stale or damaged (never damage of the
database), and always equal to a fold of every document."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crm_tui.store import Database
from crm_tui.store.derivations import Derivations, decode_state, encode_state, state_path
from crm_tui.store.derived_files import Unusable

from .tail_lines import LINES, count_decodes, spread_over_lines

POKE = Path(__file__).parent / "procs" / "poke.py"
ROOT = Path(__file__).resolve().parents[2]
TABLE = "events"
Doc = Mapping[str, Any]


def new_total() -> dict[str, int]:
    return {"sum": 0, "count": 0}


def reduce(table: str, doc_id: int, before: Doc | None, after: Doc | None
           ) -> tuple[int, int]:
    if isinstance((after or {}).get("n"), str):
        raise ValueError("n is not a number")
    return ((after or {}).get("n", 0) - (before or {}).get("n", 0),
            (after is not None) - (before is not None))


def fold(state: dict[str, int], delta: tuple[int, int]) -> dict[str, int]:
    state["sum"] += delta[0]
    state["count"] += delta[1]
    return state


def load(data: Any) -> dict[str, int]:
    if set(data) != {"sum", "count"}:
        raise ValueError("not a total")
    return dict(data)


@dataclass(frozen=True)
class Total:
    name: str = "total"
    version: int = 1
    tables: tuple[str, ...] = (TABLE,)
    new_state: Any = new_total
    reduce: Any = reduce
    fold: Any = fold
    dump: Any = dict
    load: Any = load


TOTAL = Total()


def poke(path: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(POKE), str(path), *args], check=True, cwd=ROOT)


def session(path: Path) -> Database:
    db = Database(path)
    db.derive(TOTAL)
    return db


def total(db: Database) -> dict[str, int]:
    return db.derived(["total"], lambda states: dict(states["total"]))


def truth(path: Path) -> dict[str, int]:
    """A fold of every document, as a session that loads the table sees them."""
    db = Database(path)
    docs = db.table(TABLE).all()
    db.close()
    return {"sum": sum(d.get("n", 0) for d in docs), "count": len(docs)}


def loaded(db: Database) -> bool:
    return db.engine.state(TABLE).docs is not None


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """10 events (n = 0..9), compacted by a session keeping the total."""
    db = session(tmp_path / "db")
    db.table(TABLE).insert_multiple([{"n": i} for i in range(10)])
    assert total(db) == {"sum": 45, "count": 10}
    db.compact()
    db.close()
    return tmp_path / "db"


def saved_file(path: Path) -> Path:
    return state_path(path / "tables", "total")


def epoch(db: Database) -> int:
    return db.engine.journal_facts()["epoch"]


def start(db: Database) -> tuple[int, int]:
    with db.engine.reading():
        return db.engine.derived.start()


def test_saved_at_compaction_then_read_with_the_tail(path: Path) -> None:
    assert saved_file(path).exists()
    poke(path, "insert", TABLE, "in the tail", "100")
    poke(path, "rename", TABLE, "3", "renamed")  # a change that moves nothing
    poke(path, "remove", TABLE, "5")
    db = session(path)
    assert total(db) == truth(path) == {"sum": 141, "count": 10}
    assert not loaded(db)
    db.close()


def test_a_session_that_never_read_it_saves_it_at_compaction(path: Path) -> None:
    db = session(path)
    db.table(TABLE).insert({"n": 5})
    db.compact()  # loads the saved state and folds the journal, to save the next
    assert not db.engine.derived._kept["total"].installed or total(db)
    db.close()
    fresh = session(path)
    assert fresh.engine.derived.check() == []
    assert total(fresh) == truth(path) == {"sum": 50, "count": 11}
    fresh.close()


def test_the_saved_state_is_what_is_read(path: Path) -> None:
    db = session(path)
    wrong = encode_state(TOTAL, start(db), {"sum": 7, "count": 1})
    saved_file(path).write_bytes(wrong)  # intact, of this epoch: trusted
    assert total(db) == {"sum": 7, "count": 1}
    assert db.engine.derived.check() == [("total", "do not match the records")]
    db.close()


def test_a_state_of_another_epoch_is_ignored_and_rebuilt(path: Path) -> None:
    db = session(path)
    older = (epoch(db) - 1, start(db)[1])
    saved_file(path).write_bytes(encode_state(TOTAL, older, {"sum": 7, "count": 1}))
    assert total(db) == truth(path)
    assert db.engine.derived.check() == []  # written again, for this epoch
    assert not loaded(db)
    db.close()


def test_a_damaged_state_is_ignored_and_rebuilt(path: Path) -> None:
    data = bytearray(saved_file(path).read_bytes())
    data[-3] ^= 0x01
    saved_file(path).write_bytes(bytes(data))
    db = session(path)
    assert db.engine.derived.check() == [("total", "are damaged")]
    assert total(db) == truth(path)
    assert db.damage == []
    assert db.engine.derived.check() == []
    db.close()


def test_missing_and_nothing_compacted(tmp_path: Path) -> None:
    db = session(tmp_path / "db")
    assert total(db) == {"sum": 0, "count": 0}
    db.table(TABLE).insert_multiple([{"n": 2}, {"n": 3}])
    assert total(db) == {"sum": 5, "count": 2}
    db.close()
    db = session(tmp_path / "db")
    # saved by the first read, as the (empty) state of the epoch; the journal folded over
    assert total(db) == {"sum": 5, "count": 2}
    db.close()


def test_this_sessions_commits_and_rollbacks(path: Path) -> None:
    db = session(path)
    assert total(db) == truth(path)
    table = db.table(TABLE)
    table.insert({"n": 50})
    with db.transaction():
        db.engine.put(TABLE, 1, {"n": 10})  # 0 -> 10, the table not loaded
    assert not loaded(db)
    with pytest.raises(RuntimeError), db.transaction():
        table.insert({"n": 1000})
        raise RuntimeError("rolled back")
    table.remove(doc_ids=[2])  # loads the table
    assert total(db) == truth(path) == {"sum": 104, "count": 10}
    db.close()


def test_another_process_commits_and_compacts(path: Path) -> None:
    db = session(path)
    assert total(db) == truth(path)
    poke(path, "insert", TABLE, "other", "20")
    poke(path, "remove", TABLE, "10")
    assert total(db) == truth(path)
    poke(path, "compact")  # a process that keeps no derivation: saves none
    poke(path, "rename", TABLE, "4", "after the compaction")
    poke(path, "insert", TABLE, "other", "30")
    assert total(db) == truth(path) == {"sum": 86, "count": 11}
    db.table(TABLE).insert({"n": 1})
    db.compact()  # this one does, for the next epoch
    db.close()
    fresh = session(path)
    assert fresh.engine.derived.check() == []
    assert total(fresh) == truth(path)
    fresh.close()


def test_a_truncation_builds_it_again(path: Path) -> None:
    db = session(path)
    assert total(db) == truth(path)
    db.table(TABLE).truncate()
    db.table(TABLE).insert({"n": 4})
    assert total(db) == truth(path) == {"sum": 4, "count": 1}
    db.close()
    fresh = session(path)
    assert total(fresh) == {"sum": 4, "count": 1}
    fresh.close()


def test_a_refused_document_is_raised_once_then_rebuilt(path: Path) -> None:
    db = session(path)
    assert total(db) == truth(path)
    db.table(TABLE).insert({"n": "seven"})
    with pytest.raises(ValueError, match="not a number"):
        total(db)
    with pytest.raises(ValueError, match="not a number"):
        total(db)  # built again: still refused, as a scan would be
    db.table(TABLE).update({"n": 7}, doc_ids=[11])
    assert total(db) == truth(path)
    db.close()


def test_the_saved_state_holds_only_what_the_derivation_dumps(path: Path) -> None:
    body = saved_file(path).read_bytes().split(b"\n")[1]
    assert body == b'{"sum":45,"count":10}'
    assert isinstance(Database(path).engine.derived, Derivations)


def test_a_state_for_a_journal_that_began_later_is_ignored(path: Path) -> None:
    """What a compaction killed after saving leaves: the state of the next epoch as it
    would have begun then; the epoch began later, with more commits."""
    db = session(path)
    epoch_now, commits = start(db)
    saved_file(path).write_bytes(encode_state(TOTAL, (epoch_now + 1, commits),
                                              {"sum": 45, "count": 10}))
    db.table(TABLE).insert({"n": 1})
    poke(path, "compact")  # keeps no derivation: saves none
    fresh = session(path)
    assert total(fresh) == truth(path) == {"sum": 46, "count": 11}
    fresh.close()
    db.close()


def test_a_compaction_after_too_many_changes_leaves_the_state_to_a_scan(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("crm_tui.store.derivations.FOLD_AT_COMPACTION", 2)
    db = session(path)
    db.table(TABLE).insert_multiple([{"n": 1}, {"n": 2}, {"n": 3}])
    db.compact()  # three changed documents: the state is not folded under the lock
    with pytest.raises(Unusable):  # what is saved is the previous epoch's
        decode_state(TOTAL, start(db), saved_file(path).read_bytes())
    db.close()
    fresh = session(path)
    assert total(fresh) == truth(path) == {"sum": 51, "count": 13}
    assert fresh.engine.derived.check() == []  # saved by that scan, for this epoch
    fresh.close()


def test_the_tail_is_folded_in_journal_order_each_line_decoded_once(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An import's lines each hold thousands of documents and only a few lines are kept
    decoded: folding the tail document by document in id order decoded a line again for
    nearly every document it holds (minutes at a big import's compaction)."""
    spread_over_lines(path, TABLE)
    expected = truth(path)
    decoded = count_decodes(monkeypatch)
    db = session(path)
    assert total(db) == expected
    db.close()
    assert 0 < len(decoded) <= LINES + 1


def test_many_documents_of_the_tail_are_read_a_line_at_a_time(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same for reads by id of many documents (the customers an import changed)."""
    spread_over_lines(path, TABLE)
    decoded = count_decodes(monkeypatch)
    db = Database(path)
    docs = db.get_many(TABLE, range(1, 401))
    db.close()
    assert list(docs) == list(range(1, 401)) and all(d["n"] == 2 for d in docs.values())
    assert 0 < len(decoded) <= LINES + 1
