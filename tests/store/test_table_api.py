"""The service layer keeps TinyDB's Table/Query API: it behaves as stock TinyDB's does."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinydb import Query, TinyDB
from tinydb.operations import increment
from tinydb.storages import MemoryStorage
from tinydb.table import Document

from crm_tui.store import Database, StoreError

Q = Query()


@pytest.fixture
def db(db_path: Path) -> Database:
    return Database(db_path)


def exercise(db: TinyDB) -> list[object]:
    """The same calls on stock TinyDB and on ours must give the same answers."""
    t = db.table("people")
    out: list[object] = [
        t.insert({"name": "Ann", "age": 30, "tags": ["a"]}),
        t.insert_multiple([{"name": "Bob", "age": 40}, {"name": "Cy", "age": 50}]),
    ]
    out.append(t.update({"age": 31}, Q.name == "Ann"))
    out.append(t.update(increment("age"), doc_ids=[2, 99]))
    out.append(t.upsert({"name": "Dee", "age": 20}, Q.name == "Dee"))
    out.append(t.upsert({"name": "Dee", "age": 21}, Q.name == "Dee"))
    out.append(t.search(Q.age > 30))
    out.append(t.get(Q.name == "Cy"))
    out.append(t.get(doc_id=1))
    out.append(t.get(doc_ids=[1, 3, 42]))
    out.append(t.contains(Q.name == "Bob"))
    out.append(t.contains(doc_id=77))
    out.append(t.count(Q.age >= 21))
    out.append(t.remove(Q.name == "Bob"))
    out.append(t.remove(doc_ids=[3, 50]))
    out.append([dict(d) | {"id": d.doc_id} for d in t])
    out.append(len(t))
    out.append(t.update_multiple([({"x": 1}, Q.name == "Ann"), ({"x": 2}, Q.name == "Dee")]))
    out.append(t.all())
    out.append(db.tables())
    return out


def test_same_answers_as_stock_tinydb(db: Database) -> None:
    assert exercise(db) == exercise(TinyDB(storage=MemoryStorage))


def test_documents_survive_reopening(db_path: Path) -> None:
    first = Database(db_path)
    first.table("people").insert_multiple([{"n": i} for i in range(5)])
    first.table("people").remove(doc_ids=[2])
    first.close()
    again = Database(db_path).table("people")
    assert [d.doc_id for d in again] == [1, 3, 4, 5]
    assert again.insert({"n": 9}) == 6


def test_ids_are_never_reused(db: Database) -> None:
    t = db.table("people")
    t.insert_multiple([{"n": 1}, {"n": 2}])
    t.remove(doc_ids=[2])
    assert t.insert({"n": 3}) == 3
    t.truncate()
    assert len(t) == 0
    assert t.insert({"n": 4}) == 4


def test_insert_with_explicit_document_id(db: Database) -> None:
    t = db.table("people")
    assert t.insert(Document({"n": 1}, doc_id=10)) == 10
    with pytest.raises(ValueError, match="already exists"):
        t.insert(Document({"n": 2}, doc_id=10))
    assert t.insert({"n": 3}) == 11


def test_transaction_is_atomic_and_rolls_back(db: Database, db_path: Path) -> None:
    t = db.table("people")
    t.insert({"name": "Ann", "balance": 10})
    with pytest.raises(RuntimeError), db.transaction():
        t.update({"balance": 0}, doc_ids=[1])
        t.insert({"name": "half-written"})
        raise RuntimeError("crash in the middle of a use case")
    assert t.all() == [{"name": "Ann", "balance": 10}]
    assert Database(db_path).table("people").all() == [{"name": "Ann", "balance": 10}]
    assert t.insert({"name": "Bob"}) == 2  # the rolled-back id is free again


def test_nested_transactions_join_the_outer_one(db: Database, db_path: Path) -> None:
    t = db.table("people")
    with db.transaction():
        t.insert({"n": 1})
        with db.transaction():
            t.insert({"n": 2})
        other = Database(db_path)  # another reader sees nothing until the outer commit
        assert len(other.table("people")) == 0
    assert len(other.table("people")) == 2


def test_values_json_cannot_hold_are_refused_before_writing(db: Database) -> None:
    t = db.table("people")
    with pytest.raises(StoreError, match="JSON"):
        t.insert({"when": object()})
    assert len(t) == 0


def test_stored_documents_do_not_share_objects_with_callers(db: Database) -> None:
    t = db.table("people")
    tags = ["a"]
    t.insert({"tags": tags})
    tags.append("b")
    t.get(doc_id=1)["tags"] = ["c"]  # returned documents are copies (nested values: read-only)
    with pytest.raises(RuntimeError), db.transaction():
        t.update(lambda doc: doc["tags"].append("d"), doc_ids=[1])
        raise RuntimeError  # the rollback restores the untouched original
    assert t.get(doc_id=1)["tags"] == ["a"]
    t.update(lambda doc: doc["tags"].append("d"), doc_ids=[1])
    assert t.get(doc_id=1)["tags"] == ["a", "d"]


def test_secondary_index_follows_every_change(db: Database) -> None:
    t = db.table("customers")
    t.create_index("email", lambda d: (d.get("email") or "").lower() or None)
    t.create_index("tag", lambda d: d.get("tags", []), multi=True)
    t.insert({"email": "Ann@X.com", "tags": ["vip", "b2b"]})
    t.insert({"email": "bob@x.com", "tags": ["vip"]})
    assert [d.doc_id for d in t.find("email", "ann@x.com")] == [1]
    assert t.find_ids("tag", "vip") == {1, 2}
    t.update({"email": "ann@y.com", "tags": ["b2b"]}, doc_ids=[1])
    assert t.find("email", "ann@x.com") == []
    assert t.find_ids("tag", "vip") == {2}
    t.update({"n": 1}, doc_ids=[1])  # keys unchanged: the index keeps its entries
    assert t.find_ids("email", "ann@y.com") == {1} and t.find_ids("tag", "b2b") == {1}
    t.remove(doc_ids=[2])
    assert t.find_ids("tag", "vip") == frozenset()
    with pytest.raises(RuntimeError), db.transaction():
        t.update({"tags": ["vip"]}, doc_ids=[1])
        raise RuntimeError
    assert t.find_ids("tag", "vip") == frozenset()
    assert t.find_ids("tag", "b2b") == {1}


def test_whole_table_rewrites_are_refused(db: Database) -> None:
    with pytest.raises(StoreError):
        db.table("people")._update_table(lambda table: table.clear())


def test_drop_tables(db: Database) -> None:
    db.table("a").insert({"n": 1})
    db.table("b").insert({"n": 2})
    db.drop_table("a")
    assert len(db.table("a")) == 0 and len(db.table("b")) == 1
    db.drop_tables()
    assert len(db.table("b")) == 0


def test_transaction_reports_what_it_changed(db: Database) -> None:
    t = db.table("people")
    t.insert_multiple([{"n": 1}, {"n": 2}])
    with db.transaction() as txn:
        t.update({"n": 10}, doc_ids=[1])
        t.remove(doc_ids=[2])
        t.insert({"n": 3})
        t.update({"n": 3}, doc_ids=[3])  # inserted then changed: one entry, before absent
    assert txn.changed() == {"people": {1: ({"n": 1}, {"n": 10}), 2: ({"n": 2}, None),
                                        3: (None, {"n": 3})}}


def test_observers_see_local_changes_and_rollbacks(db: Database) -> None:
    seen: list[tuple[str, int]] = []

    class Recorder:
        name = "recorder"

        def add(self, doc_id: int, doc: object) -> None:
            seen.append(("add", doc_id))

        def discard(self, doc_id: int, doc: object) -> None:
            seen.append(("discard", doc_id))

        def replace(self, doc_id: int, old: object, new: object) -> None:
            seen.append(("replace", doc_id))

        def rebuild(self, docs: dict[int, object]) -> None:
            seen.append(("rebuild", len(docs)))

        def clear(self) -> None:
            seen.append(("clear", 0))

    db.table("people").insert({"n": 1})
    db.observe("people", Recorder())
    db.table("people").update({"n": 2}, doc_ids=[1])
    with pytest.raises(RuntimeError), db.transaction():
        db.table("people").insert({"n": 3})
        raise RuntimeError
    assert seen == [("rebuild", 1), ("replace", 1), ("add", 2), ("discard", 2)]


def test_a_bulk_load_compacts_once_at_its_end(tmp_path: Path) -> None:
    db = Database(tmp_path / "crm.db", compact_bytes=1)  # due after every commit
    items = db.table("items")
    items.insert({"n": 0})
    epoch = db.engine.journal_facts()["epoch"]
    with db.bulk():
        for n in range(1, 20):
            items.insert({"n": n})
        assert db.engine.journal_facts()["epoch"] == epoch  # not once meanwhile
    assert db.engine.journal_facts()["epoch"] == epoch + 1  # folded at the end
    assert db.engine.journal_facts()["journal_bytes"] < 200  # an empty journal
    db.close()
    assert [d["n"] for d in Database(tmp_path / "crm.db").table("items")] == list(range(20))


def test_a_bulk_load_keeps_the_tables_it_writes_loaded(tmp_path: Path) -> None:
    # Appending to a table that is not loaded writes without loading it; during a bulk load
    # the table is loaded first, so the compaction at the end writes it from memory instead
    # of decoding the whole journal back. Either way the documents are the same.
    Database(tmp_path / "crm.db").table("events").insert({"n": 0})
    db = Database(tmp_path / "crm.db")
    events = db.table("events")
    with db.transaction():
        events.append({"n": 1})
    assert db.engine.state("events").docs is None  # written unloaded, outside a bulk load
    with db.bulk():
        events.append({"n": 2})
        assert db.engine.state("events").docs is not None
    assert [d["n"] for d in events] == [0, 1, 2]
    db.close()
    assert [d["n"] for d in Database(tmp_path / "crm.db").table("events")] == [0, 1, 2]


def test_owned_writes_take_the_dict_and_need_this_threads_transaction(db: Database) -> None:
    import threading

    table = db.table("items")
    doc = {"n": 1, "tags": ["a"]}
    with pytest.raises(RuntimeError):
        table.insert_owned(doc)  # no transaction: refused, nothing written
    with db.transaction():
        doc_id = table.insert_owned(doc)
        assert table.stored(doc_id) is doc  # the stored dict itself, no copy
        table.replace_owned(doc_id, {**doc, "n": 2})
        assert table.stored(doc_id) == {"n": 2, "tags": ["a"]} and table.stored(99) is None
        errors: list[BaseException] = []

        def other_thread() -> None:
            try:
                table.insert_owned({"n": 3})
            except RuntimeError as exc:
                errors.append(exc)

        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        assert len(errors) == 1  # another thread may not write into this transaction
    assert len(table) == 1 and table.get(doc_id=doc_id) == {"n": 2, "tags": ["a"]}
    with pytest.raises(RuntimeError):
        table.stored(doc_id)  # outside the transaction: a copy from get() is the way
    db.close()
    assert Database(db.path).table("items").get(doc_id=doc_id) == {"n": 2, "tags": ["a"]}


def test_a_value_json_cannot_hold_rolls_an_owned_write_back(db: Database) -> None:
    table = db.table("items")
    table.insert({"n": 0})
    with pytest.raises(TypeError), db.transaction():
        table.insert_owned({"n": object()})  # caught when the commit encodes it
    assert [d["n"] for d in table] == [0]


def test_written_counts_documents_per_table(db: Database) -> None:
    items = db.table("items")
    items.insert_multiple([{"n": 1}, {"n": 2}])
    with db.transaction() as txn:
        items.update({"n": 5}, doc_ids=[1])
        items.update({"n": 2}, doc_ids=[2])  # rewritten unchanged: still written
        db.table("other").insert({"x": 1})
    assert txn.written() == {"items": 2, "other": 1}
    assert set(txn.changed()) == {"items", "other"} and len(txn.changed()["items"]) == 1
    with db.transaction() as txn:
        items.truncate()
        items.insert({"n": 9})
    assert txn.written() == {"items": 3}  # two removed, one added


def test_rolling_back_removes_new_documents_written_twice_and_their_index_keys(
        db: Database) -> None:
    t = db.table("items")
    t.create_index("name", lambda d: d.get("name"))
    kept = t.insert({"name": "kept"})
    with pytest.raises(RuntimeError), db.transaction():
        new = t.insert({"name": "new"})
        t.replace(new, {"name": "renamed"})  # a new id written twice: still just removed
        t.update({"name": "changed"}, doc_ids=[kept])
        raise RuntimeError
    assert [dict(d) for d in t.all()] == [{"name": "kept"}]
    assert t.find_ids("name", "renamed") == frozenset() == t.find_ids("name", "new")
    assert t.find_ids("name", "kept") == {kept}
    assert t.insert({"name": "again"}) == kept + 1  # the rolled-back id was never used
