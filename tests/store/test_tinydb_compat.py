"""TinyDB's API, as the services use it, answers as stock TinyDB 4.9 does.

Each scenario runs the same calls on stock TinyDB (in memory and on a JSON file) and on
`crm_tui.store.Database`, and the answers must be equal: return values, documents with
their ids, and which kind of error is raised. The deliberate differences (ids never
reused, JSON-only values, the table-name rule, a dropped table's name) are asserted as
differences at the end, and listed in README.md.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from tinydb import Query, TinyDB, where
from tinydb.operations import add, decrement, delete, increment, subtract
from tinydb.operations import set as set_to
from tinydb.storages import MemoryStorage
from tinydb.table import Document

from crm_tui.store import Database, UnstorableValueError

Q = Query()
Scenario = Callable[[TinyDB], Any]
STANDARD_ERRORS = (ValueError, RuntimeError, KeyError, TypeError)


@pytest.fixture(params=["memory", "json"])
def stock(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TinyDB]:
    db = (TinyDB(storage=MemoryStorage) if request.param == "memory"
          else TinyDB(tmp_path / "stock.json"))
    yield db
    db.close()


@pytest.fixture
def ours(tmp_path: Path) -> Iterator[Database]:
    db = Database(tmp_path / "crm.db")
    yield db
    db.close()


def plain(value: Any) -> Any:
    """An answer in comparable form: documents with their ids, sets sorted."""
    if isinstance(value, Document):
        return ("doc", value.doc_id, dict(value))
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return value


def answers(scenario: Scenario, db: TinyDB) -> list[Any]:
    """What each step of the scenario answered; an error counts as its standard kind."""
    out: list[Any] = []
    for step in scenario(db):
        try:
            out.append(plain(step()))
        except STANDARD_ERRORS as exc:
            kind = next(k for k in STANDARD_ERRORS if isinstance(exc, k))
            out.append(("raised", kind.__name__))
    return out


def assert_same(scenario: Scenario, ours: Database, stock: TinyDB) -> None:
    expected = answers(scenario, stock)
    assert answers(scenario, ours) == expected


def people(db: TinyDB) -> Any:
    t = db.table("people")
    t.insert_multiple([
        {"name": "Ann", "age": 30, "tags": ["a", "b"], "address": {"city": "Oslo"}},
        {"name": "Bob", "age": 40, "tags": ["b"], "address": {"city": "Bergen"}},
        {"name": "Cy", "age": 50, "tags": [], "email": "cy@example.com"},
    ])
    return t


# ----- the same answers ---------------------------------------------------------------------

def inserting(db: TinyDB) -> list[Callable[[], Any]]:
    t = db.table("people")

    class Custom(Mapping[str, Any]):
        def __init__(self, data: dict[str, Any]) -> None:
            self.data = data

        def __getitem__(self, key: str) -> Any:
            return self.data[key]

        def __iter__(self) -> Iterator[str]:
            return iter(self.data)

        def __len__(self) -> int:
            return len(self.data)

    return [
        lambda: t.insert({"name": "Ann"}),
        lambda: t.insert(Custom({"name": "Bob", "age": 3})),  # any Mapping, stored as a dict
        lambda: t.insert(["not", "a", "mapping"]),  # type: ignore[arg-type]
        lambda: t.insert(Document({"name": "Ten"}, doc_id=10)),
        lambda: t.insert(Document({"name": "Again"}, doc_id=10)),  # already there
        lambda: t.insert({"name": "Next"}),  # after the highest id
        lambda: t.insert_multiple({"n": i} for i in range(2)),  # any iterable
        lambda: t.insert({}),
        lambda: t.insert_multiple([{"n": 1}, Document({"n": 2}, doc_id=20)]),
        lambda: t.insert_multiple([{"n": 1}, 5]),  # type: ignore[list-item]
        lambda: t.all(),  # (ids given out after these two: see the differences)
        lambda: len(t),
    ]


def getting(db: TinyDB) -> list[Callable[[], Any]]:
    t = people(db)
    return [
        lambda: t.get(Q.name == "Bob"),
        lambda: t.get(Q.age > 100),
        lambda: t.get(doc_id=2),
        lambda: t.get(doc_id=99),
        lambda: t.get(doc_id=1.5),  # names no document (it used to read as 1)
        lambda: t.get(doc_id=float("nan")),
        lambda: t.get(doc_id=True),
        lambda: t.get(doc_ids=[3, 1, 42]),
        lambda: t.get(doc_ids=[1.5, 2]),
        lambda: t.get(doc_ids=[]),
        lambda: t.get(Q.name == "Ann", doc_id=3),  # the id wins
        lambda: t.get(),
        lambda: t.contains(Q.tags.any(["b"])),
        lambda: t.contains(doc_id=3),
        lambda: t.contains(doc_id=1.5),
        lambda: t.contains(),
        lambda: t.count(Q.age >= 40),
        lambda: t.count(Q.nothing.exists()),
        lambda: len(t),
        lambda: [(d.doc_id, dict(d)) for d in t],
        lambda: t.all(),
    ]


def searching(db: TinyDB) -> list[Callable[[], Any]]:
    t = people(db)
    queries = [
        Q.name == "Ann", Q.name != "Ann", Q.age < 40, Q.age <= 40, Q.age > 30, Q.age >= 50,
        Q.email.exists(), Q.name.matches(r"[AB]"), Q.name.search(r"y$"),
        Q.name.test(lambda v: v.startswith("C")), Q.tags.any(["a", "x"]), Q.tags.all(["b"]),
        Q.name.one_of(["Ann", "Cy"]),
        Q.fragment({"name": "Bob", "age": 40}), Q.address.city == "Oslo",
        Q["address"]["city"] == "Bergen", where("age") == 30, Q.noop(),
        (Q.age > 30) & (Q.age < 50), (Q.name == "Ann") | (Q.name == "Cy"), ~(Q.age == 30),
        Q.name.map(str.lower) == "bob",
    ]
    steps: list[Callable[[], Any]] = [lambda q=q: t.search(q) for q in queries]
    return [
        *steps,
        lambda: t.search(Q.age > 30),
        lambda: t.insert({"name": "Dee", "age": 60}),
        lambda: t.search(Q.age > 30),  # the cached answer is dropped by the write
        lambda: t.update({"age": 10}, Q.name == "Dee"),
        lambda: t.search(Q.age > 30),
        lambda: t.remove(Q.name == "Bob"),
        lambda: t.search(Q.age > 30),
    ]


def updating(db: TinyDB) -> list[Callable[[], Any]]:
    t = people(db)

    def rename(doc: dict[str, Any]) -> None:
        doc["name"] = doc["name"].upper()

    return [
        lambda: t.update({"age": 31}, Q.name == "Ann"),
        lambda: t.update(increment("age"), doc_ids=[2, 99]),  # a missing id is skipped
        lambda: t.update(decrement("age"), Q.age > 100),
        lambda: t.update(add("name", "!"), doc_ids=[1]),
        lambda: t.update(subtract("age", 5), doc_ids=[3]),
        lambda: t.update(set_to("vip", True), Q.age >= 40),
        lambda: t.update(delete("tags"), doc_ids=[2]),
        lambda: t.update(rename, Q.name == "Cy"),
        lambda: t.update({"seen": 1}, doc_ids=[1.0]),  # 1.0 is id 1, as in TinyDB
        lambda: t.update({"seen": 2}, doc_ids=[1.5, "2"]),  # these name no document
        lambda: t.update({"everyone": True}),
        lambda: t.update_multiple([({"x": 1}, Q.age > 40), ({"x": 2}, Q.name == "Bob")]),
        lambda: t.all(),
    ]


def upserting(db: TinyDB) -> list[Callable[[], Any]]:
    t = people(db)
    return [
        lambda: t.upsert({"name": "Dee", "age": 20}, Q.name == "Dee"),  # inserted
        lambda: t.upsert({"name": "Dee", "age": 21}, Q.name == "Dee"),  # updated
        lambda: t.upsert({"flag": 1}, Q.age > 25),  # every match updated
        lambda: t.upsert(Document({"name": "Bob", "age": 41}, doc_id=2)),
        lambda: t.upsert(Document({"name": "New"}, doc_id=30)),  # inserted with its id
        lambda: t.upsert({"name": "Nobody"}),  # neither a query nor a document id
        lambda: t.all(),
    ]


def removing(db: TinyDB) -> list[Callable[[], Any]]:
    t = people(db)
    return [
        lambda: t.remove(Q.name == "Bob"),
        lambda: t.remove(Q.name == "Nobody"),
        lambda: t.remove(doc_ids=[3, 50]),
        lambda: t.remove(doc_ids=[1.5, "1"]),  # these name no document
        lambda: t.remove(),  # everything only through truncate()
        lambda: t.all(),
        lambda: t.truncate(),
        lambda: (t.all(), len(t), t.search(Q.age > 0), t.get(doc_id=1)),
    ]


def default_table(db: TinyDB) -> list[Callable[[], Any]]:
    """The database object answers for its default table, as TinyDB's does."""
    return [
        lambda: db.insert({"n": 1}),
        lambda: db.insert_multiple([{"n": 2}, {"n": 3}]),
        lambda: db.search(Q.n > 1),
        lambda: db.get(doc_id=2),
        lambda: db.count(Q.n >= 1),
        lambda: (len(db), [dict(d) for d in db]),
        lambda: db.table("_default").all(),
        lambda: db.tables(),
    ]


def tables(db: TinyDB) -> list[Callable[[], Any]]:
    return [
        lambda: db.tables(),
        lambda: db.table("people") is db.table("people"),  # one object per name
        lambda: db.table("untouched").all(),
        lambda: db.tables(),  # naming a table does not create it
        lambda: db.table("people").insert({"n": 1}),
        lambda: db.table("orders").insert({"n": 2}),
        lambda: db.table("empty", persist_empty=True).all(),
        lambda: db.tables(),  # persist_empty creates the table
        lambda: db.drop_table("never_there"),
        lambda: db.tables(),  # dropping what never existed creates nothing
        lambda: db.drop_table("orders"),
        lambda: db.table("orders").all(),
        lambda: db.table("people").all(),
        lambda: db.drop_tables(),
        lambda: [len(db.table(n)) for n in ("people", "orders", "empty")],
    ]


@pytest.mark.parametrize("scenario", [
    inserting, getting, searching, updating, upserting, removing, default_table, tables,
])
def test_same_answers_as_stock_tinydb(scenario: Scenario, ours: Database,
                                      stock: TinyDB) -> None:
    assert_same(scenario, ours, stock)


def test_answers_survive_reopening(tmp_path: Path, stock: TinyDB) -> None:
    """What one process wrote, the next reads as TinyDB reads its file."""
    first = Database(tmp_path / "crm.db")
    for db in (first, stock):
        people(db).update(increment("age"), Q.name == "Bob")
        db.table("people").remove(doc_ids=[1])
    first.close()
    again = Database(tmp_path / "crm.db")
    assert answers(lambda db: [lambda: db.table("people").all()], again) == \
        answers(lambda db: [lambda: db.table("people").all()], stock)


# ----- refused: values JSON cannot hold -----------------------------------------------------

@pytest.mark.parametrize(("document", "key_path", "problem"), [
    ({"total": math.nan}, "total", "NaN"),
    ({"total": math.inf}, "total", "infinite"),
    ({"lines": [{"price": 1.0}, {"price": -math.inf}]}, "lines[1].price", "infinite"),
    ({"meta": {"score": math.nan}}, "meta.score", "NaN"),
    ({"when": dt.date(2026, 1, 2)}, "when", "date"),
    ({"when": object()}, "when", "object"),
    ({"big": 2**70}, "big", "64 bits"),
    ({"counts": {1: 2}}, "counts", "key that is not text"),
])
def test_values_json_cannot_hold_are_refused_naming_the_key(
        ours: Database, document: dict[str, Any], key_path: str, problem: str) -> None:
    t = ours.table("orders")
    t.insert({"total": 1.5})
    with pytest.raises(UnstorableValueError, match=problem) as caught:
        t.insert(document)
    assert caught.value.key_path == key_path
    assert key_path in str(caught.value) and "JSON" in str(caught.value)
    with pytest.raises(ValueError):  # a ValueError too, as bad input is
        t.update(document, doc_ids=[1])
    with pytest.raises(ValueError):
        t.update(lambda doc: doc.update(document), doc_ids=[1])
    assert t.all() == [{"total": 1.5}]  # nothing written
    ours.close()
    assert Database(ours.path).table("orders").all() == [{"total": 1.5}]


def test_nan_is_stored_by_stock_tinydb_and_refused_here(ours: Database) -> None:
    stock = TinyDB(storage=MemoryStorage)
    stock.insert({"total": math.nan})
    assert math.isnan(stock.all()[0]["total"])
    with pytest.raises(UnstorableValueError, match="'total' is NaN"):
        ours.insert({"total": math.nan})
    assert ours.all() == []


def test_a_tuple_is_stored_as_a_list_as_tinydb_json_does(ours: Database,
                                                         tmp_path: Path) -> None:
    stock = TinyDB(tmp_path / "stock.json")
    for db in (stock, ours):
        db.insert({"pair": (1, 2), "nested": [("a", 1.5)]})
    assert ours.all() == stock.all() == [{"pair": [1, 2], "nested": [["a", 1.5]]}]


# ----- documented differences ---------------------------------------------------------------

def test_ids_are_never_reused_where_tinydb_reuses_them(ours: Database) -> None:
    stock = TinyDB(storage=MemoryStorage)
    got: dict[str, list[int]] = {}
    for label, db in (("stock", stock), ("ours", ours)):
        t = db.table("people")
        t.insert_multiple([{"n": 1}, {"n": 2}, {"n": 3}])
        t.remove(doc_ids=[3])
        after_remove = t.insert({"n": 4})
        t.truncate()
        after_truncate = t.insert({"n": 5})
        db.drop_table("people")
        after_drop = db.table("people").insert({"n": 6})
        t.insert_multiple([Document({"n": 7}, doc_id=20), {"n": 8}])
        after_explicit = max(d.doc_id for d in t)
        with pytest.raises(ValueError):
            t.insert_multiple([{"n": 9}, 5])  # type: ignore[list-item]
        after_refused = t.insert({"n": 10})
        got[label] = [after_remove, after_truncate, after_drop, after_explicit, after_refused]
    # Here a new id is always one above the highest ever used (a rolled-back one is free).
    assert got == {"stock": [4, 1, 1, 20, 4], "ours": [4, 5, 6, 21, 22]}


def test_a_dropped_table_stays_listed_empty(ours: Database) -> None:
    stock = TinyDB(storage=MemoryStorage)
    for db in (stock, ours):
        db.table("orders").insert({"n": 1})
        db.drop_table("orders")
        assert len(db.table("orders")) == 0
    assert not stock.tables()
    assert ours.tables() == {"orders"}  # it keeps its last id (see above)


def test_persist_empty_never_empties_an_existing_table(tmp_path: Path, ours: Database) -> None:
    stock = TinyDB(tmp_path / "stock.json")
    for db in (stock, ours):
        db.table("orders").insert({"n": 1})
    reopened_stock = TinyDB(tmp_path / "stock.json")
    reopened = Database(ours.path)
    assert reopened_stock.table("orders", persist_empty=True).all() == []  # TinyDB empties it
    assert reopened.table("orders", persist_empty=True).all() == [{"n": 1}]


def test_persist_empty_survives_reopening(ours: Database) -> None:
    ours.table("empty", persist_empty=True)
    ours.close()
    assert "empty" in Database(ours.path).tables()


def test_table_names_are_letters_digits_and_underscores(ours: Database) -> None:
    stock = TinyDB(storage=MemoryStorage)
    stock.table("some-other-table").insert({"n": 1})
    with pytest.raises(ValueError, match="letters, digits and _"):
        ours.table("some-other-table")
    assert ours.table("Some_other_table2").insert({"n": 1}) == 1


def test_document_ids_are_whole_numbers(ours: Database) -> None:
    stock = TinyDB(storage=MemoryStorage)
    assert stock.insert(Document({"n": 1}, doc_id="x")) == "x"  # type: ignore[arg-type]
    for bad in ("x", 1.5, True):
        with pytest.raises(ValueError, match="whole number"):
            ours.insert(Document({"n": 1}, doc_id=bad))  # type: ignore[arg-type]
    assert ours.all() == []


def test_get_with_several_ids_answers_in_id_order(ours: Database) -> None:
    stock = TinyDB(storage=MemoryStorage)
    for db in (stock, ours):
        db.insert(Document({"n": 5}, doc_id=5))
        db.insert(Document({"n": 2}, doc_id=2))
    assert [d.doc_id for d in stock.get(doc_ids=[2, 5])] == [5, 2]  # stored order
    assert [d.doc_id for d in ours.get(doc_ids=[5, 2])] == [2, 5]  # without a scan
