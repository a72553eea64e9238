"""A process sees another process's commit on its very next read, with no stale cache."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tinydb import Query

from crm_tui.store import Database

POKE = Path(__file__).parent / "procs" / "poke.py"
ROOT = Path(__file__).resolve().parents[2]
Q = Query()


def poke(db: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(POKE), str(db), *args], check=True, cwd=ROOT, timeout=60)


def test_commits_from_another_process_show_on_next_read(db_path: Path) -> None:
    db = Database(db_path)
    people = db.table("people")
    people.create_index("name", lambda d: d.get("name"))
    people.insert({"name": "Ann", "n": 1})
    assert people.search(Q.n >= 1) == [{"name": "Ann", "n": 1}]  # now cached

    poke(db_path, "insert", "people", "Bob", "2")
    assert people.search(Q.n >= 1) == [{"name": "Ann", "n": 1}, {"name": "Bob", "n": 2}]
    assert people.find_ids("name", "Bob") == {2}

    poke(db_path, "rename", "people", "1", "Annie")
    assert people.get(doc_id=1) == {"name": "Annie", "n": 1}
    assert people.search(Q.name == "Ann") == [] and people.find("name", "Ann") == []

    poke(db_path, "remove", "people", "2")
    assert len(people) == 1 and people.find_ids("name", "Bob") == frozenset()
    assert db.generation == 4


def test_reader_follows_compaction_by_another_process(db_path: Path) -> None:
    db = Database(db_path)
    people = db.table("people")
    people.insert({"name": "Ann", "n": 1})
    poke(db_path, "insert", "people", "Bob", "2")
    poke(db_path, "compact")
    poke(db_path, "insert", "people", "Cy", "3")
    assert [d["name"] for d in people] == ["Ann", "Bob", "Cy"]
    assert people.insert({"name": "Dee", "n": 4}) == 4  # id allocation saw every commit


def test_reader_that_missed_several_compactions_reloads(db_path: Path) -> None:
    db = Database(db_path)
    people = db.table("people")
    people.insert({"name": "Ann", "n": 1})
    for n in range(2, 5):
        poke(db_path, "insert", "people", f"P{n}", str(n))
        poke(db_path, "compact")
    assert [d["n"] for d in people] == [1, 2, 3, 4]


def test_ids_allocated_by_two_handles_in_one_process_never_clash(db_path: Path) -> None:
    a, b = Database(db_path).table("t"), Database(db_path).table("t")
    ids = [a.insert({"by": "a"}), b.insert({"by": "b"}), a.insert({"by": "a"})]
    assert ids == [1, 2, 3]
