"""`Database.rehearsal()`: writes that are always rolled back (an import's dry run). It ends
normally or not, nothing is saved and nothing stays in memory; transactions inside join it;
and it works on a database opened read-only, where a transaction is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.store import Database, ReadOnlyError

from .damage import fingerprint


def make_db(path: Path) -> None:
    db = Database(path)
    db.table("customers").insert({"first_name": "Ann", "email": "ann@example.org"})
    db.close()


def test_a_rehearsal_saves_nothing_however_it_ends(db_path: Path) -> None:
    make_db(db_path)
    before = fingerprint(db_path)
    db = Database(db_path)
    customers = db.table("customers")
    with db.rehearsal():
        with db.transaction():  # joins it: commits nothing of its own
            customers.insert({"first_name": "Bob"})
            customers.update({"first_name": "Anna"}, doc_ids=[1])
        assert len(customers) == 2 and customers.get(doc_id=1)["first_name"] == "Anna"
    assert len(customers) == 1 and customers.get(doc_id=1)["first_name"] == "Ann"
    with pytest.raises(KeyError), db.rehearsal():
        customers.insert({"first_name": "Cy"})
        raise KeyError("stopped")
    assert len(customers) == 1
    db.close()
    assert fingerprint(db_path) == before
    assert len(Database(db_path).table("customers")) == 1


def test_a_rehearsal_runs_on_a_database_opened_read_only(db_path: Path) -> None:
    make_db(db_path)
    before = fingerprint(db_path)
    db = Database(db_path, read_only=True)
    customers = db.table("customers")
    with db.rehearsal():
        customers.insert({"first_name": "Bob"})
        assert len(customers) == 2
    assert len(customers) == 1
    with pytest.raises(ReadOnlyError):
        customers.insert({"first_name": "Bob"})
    db.close()
    assert fingerprint(db_path) == before
