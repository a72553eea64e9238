"""Results saved beside the snapshots (`Database.save_result` / `saved_result`): usable only
for their key and the journal they were saved in, written again for the next journal by the
producers a compaction calls, never by a session that may only read; `journal_changes`
says which documents a reader must compute again."""

from __future__ import annotations

from pathlib import Path

from crm_tui.store import Database
from crm_tui.store.saved_results import result_path

NAME = "things"


def _db(tmp_path: Path) -> Database:
    db = Database(tmp_path / "db")
    db.table("items").insert_multiple([{"n": n} for n in range(5)])
    db.compact()
    return db


def test_a_result_holds_for_its_key_and_journal(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with db.view():
        start = db.journal_start()
    db.save_result(NAME, "day-1", b"[1,2,3]", start)
    assert db.saved_result(NAME, "day-1") == b"[1,2,3]"
    assert db.saved_result(NAME, "day-2") is None  # another key
    assert "stale" in (db.saved_result_problem(NAME, "day-2") or "")
    db.table("items").update({"n": 7}, doc_ids=[2])
    assert db.saved_result(NAME, "day-1") == b"[1,2,3]"  # later in the same journal
    assert db.journal_changes("items") == {2}
    db.compact()
    assert db.saved_result(NAME, "day-1") is None  # a journal that began later
    assert db.journal_changes("items") == set()
    db.close()


def test_a_compaction_saves_what_its_producer_has(tmp_path: Path) -> None:
    db = _db(tmp_path)
    answers: list[tuple[str, bytes] | None] = [("day-1", b"kept"), None]
    db.save_at_compaction(NAME, lambda: answers[0])
    db.table("items").insert({"n": 9})
    db.compact()
    assert db.saved_result(NAME, "day-1") == b"kept"
    other = Database(tmp_path / "db")  # another session reads it too
    assert other.saved_result(NAME, "day-1") == b"kept"
    other.close()
    answers.pop(0)  # nothing current: nothing written, the old one is of the old journal
    db.table("items").insert({"n": 10})
    db.compact()
    assert db.saved_result(NAME, "day-1") is None
    db.close()


def test_a_failing_producer_never_stops_a_compaction(tmp_path: Path) -> None:
    db = _db(tmp_path)

    def failing() -> tuple[str, bytes]:
        raise RuntimeError("cannot")

    db.save_at_compaction(NAME, failing)
    db.table("items").insert({"n": 9})
    db.compact()
    assert db.table("items").count(lambda doc: True) == 6
    assert not result_path(tmp_path / "db" / "tables", NAME).exists()
    db.close()


def test_damage_makes_it_unusable_never_an_error(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with db.view():
        start = db.journal_start()
    db.save_result(NAME, "k", b"body", start)
    path = result_path(tmp_path / "db" / "tables", NAME)
    path.write_bytes(path.read_bytes()[:-2] + b"XY")
    assert db.saved_result(NAME, "k") is None
    assert (db.saved_result_problem(NAME, "k") or "").startswith("damaged")
    assert db.damage == []
    db.close()


def test_truncated_tables_have_no_changed_ids(tmp_path: Path) -> None:
    db = _db(tmp_path)
    db.drop_table("items")
    assert db.journal_changes("items") is None
    db.close()


def test_a_read_only_session_writes_nothing(tmp_path: Path) -> None:
    _db(tmp_path).close()
    db = Database(tmp_path / "db", read_only=True)
    with db.view():
        start = db.journal_start()
    db.save_result(NAME, "k", b"body", start)
    assert not result_path(tmp_path / "db" / "tables", NAME).exists()
    db.close()
