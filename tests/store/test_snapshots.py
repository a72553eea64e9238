"""Table snapshots: the checksummed block format (version 3), reading versions 1 and 2,
damage reported by file, offset and line, and values shared between flat documents."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from crm_tui.store import CorruptFileError, DamagedError, Database
from crm_tui.store import engine as engine_module
from crm_tui.store.interning import GIVE_UP_AFTER, Interner
from crm_tui.store.snapshot import SNAPSHOT_VERSION, WRITE_BATCH, line_verifies

from .damage import docs_of_v3, lines_of, make_legacy

ITEMS = "tables/items.json"


def header_of(path: Path) -> dict[str, object]:
    first = lines_of(path)[0]
    header = orjson.loads(first if first.startswith(b"{") else first[9:])
    assert isinstance(header, dict)
    return header


def make_items(path: Path, count: int = 20) -> Database:
    db = Database(path)
    items = db.table("items")
    items.insert_multiple({"n": n, "name": f"item {n}", "tags": ["x"] * (n % 3)}
                          for n in range(count))
    db.compact()
    return db


def contents(path: Path) -> list[tuple[int, dict[str, object]]]:
    return [(d.doc_id, dict(d)) for d in Database(path).table("items")]


def test_v3_round_trip(db_path: Path) -> None:
    db = Database(db_path)
    items = db.table("items")
    docs = [
        {"name": "Zoë ☕", "tags": ["a", "b"], "address": {"city": "Köln", "lines": []}},
        {},
        {"n": 1, "f": 1.0, "t": True, "z": 0, "no": False, "none": None, "big": 10**15},
        {"text": 'line\nbreak "quoted" \\ back'},
    ]
    items.insert_multiple(docs)
    items.remove(doc_ids=[4])  # the highest id is gone, yet never reused
    db.table("empty").insert({"n": 1})
    db.table("empty").truncate()
    db.compact()

    snapshot = db_path / ITEMS
    _, block, *rest = lines_of(snapshot)
    assert header_of(snapshot) == {"format": "crm-tui-table", "version": SNAPSHOT_VERSION,
                                   "table": "items", "epoch": 2, "last_id": 4, "count": 3}
    assert block.startswith(b"#") and block.endswith(b" 3")  # one block of three lines
    assert [line.split(b" ")[0] for line in rest] == [b"1", b"2", b"3"]
    assert all(line_verifies(line) for line in rest)
    assert orjson.loads(rest[0].split(b" ", 2)[2]) == docs[0]
    assert lines_of(db_path / "tables/empty.json")[1:] == []

    again = Database(db_path)
    assert [(d.doc_id, dict(d)) for d in again.table("items")] == list(
        zip([1, 2, 3], docs[:3], strict=True))
    assert len(again.table("empty")) == 0
    assert again.table("items").insert({"n": 5}) == 5


def test_big_tables_are_written_in_several_blocks(db_path: Path) -> None:
    db = make_items(db_path, WRITE_BATCH + 5)
    blocks = [line for line in lines_of(db_path / ITEMS) if line.startswith(b"#")]
    assert len(blocks) == 2 and blocks[1].endswith(b" 5")
    db.close()
    assert len(Database(db_path).table("items")) == WRITE_BATCH + 5


@pytest.mark.parametrize("version", [1, 2])
def test_older_formats_are_read_and_compact_rewrites_them(db_path: Path, version: int) -> None:
    make_items(db_path).close()
    expected = contents(db_path)
    make_legacy(db_path, version)
    snapshot = db_path / ITEMS
    old = snapshot.read_bytes()

    db = Database(db_path)
    assert [(d.doc_id, dict(d)) for d in db.table("items")] == expected
    assert snapshot.read_bytes() == old  # reading never rewrites
    assert db.damage == []  # nothing recorded what must exist: nothing to miss
    db.table("other").insert({"n": 1})  # the items table is not in the journal...
    db.compact()  # ...yet its old-format snapshot is rewritten
    assert header_of(snapshot)["version"] == SNAPSHOT_VERSION
    assert (db_path / "journal.end").exists()
    assert contents(db_path) == expected


def test_automatic_compaction_upgrades_only_loaded_old_tables(db_path: Path) -> None:
    db = make_items(db_path)
    db.table("events").insert_multiple({"n": n} for n in range(50))
    db.compact()
    db.close()
    make_legacy(db_path, 1)

    db = Database(db_path, compact_bytes=1)  # every commit compacts
    assert len(db.table("items")) == 20  # loaded
    db.table("other").insert({"n": 1})
    assert header_of(db_path / ITEMS)["version"] == SNAPSHOT_VERSION
    assert header_of(db_path / "tables/events.json")["version"] == 1  # not loaded: left
    assert db.engine.state("events").docs is None
    again = Database(db_path)
    assert len(again.table("events")) == 50 and again.damage == []


def damage_line(path: Path, index: int, new: bytes) -> int:
    """Replace line `index` (0 = header) of a snapshot; return the offset it starts at."""
    lines = lines_of(path)
    offset = sum(len(line) + 1 for line in lines[:index])
    lines[index] = new
    path.write_bytes(b"\n".join(lines) + b"\n")
    return offset


def load_error(db_path: Path) -> CorruptFileError:
    with pytest.raises(CorruptFileError) as caught:
        Database(db_path).table("items").all()
    return caught.value


def test_a_changed_value_names_the_file_the_offset_and_the_line(db_path: Path) -> None:
    """The same length, still valid JSON: only a checksum can tell ("Clark" -> "Klark")."""
    make_items(db_path).close()
    snapshot = db_path / ITEMS
    lines = lines_of(snapshot)
    start = damage_line(snapshot, 4, lines[4].replace(b"item 2", b"item 7"))
    before = snapshot.read_bytes()

    error = load_error(db_path)
    assert error.path == snapshot and error.offset == start
    assert "line 5" in str(error) and "checksum" in str(error)
    db = Database(db_path)
    with pytest.raises(CorruptFileError):
        db.table("items").all()
    assert db.damage and db.damage[0].path == snapshot
    with pytest.raises(DamagedError, match=r"items\.json: offset \d+: line 5"):
        db.table("items").insert({"n": 99})
    with pytest.raises(DamagedError, match=r"items\.json"):
        db.table("other").insert({"n": 99})  # nothing is written while damaged
    with pytest.raises(DamagedError):
        db.compact()
    assert snapshot.read_bytes() == before
    assert b'"n":99' not in (db_path / "journal.log").read_bytes()


def test_forty_random_bit_flips_are_all_caught(db_path: Path) -> None:
    make_items(db_path, 200).close()
    snapshot = db_path / ITEMS
    intact = snapshot.read_bytes()
    rng = random.Random(4040)
    for _ in range(40):
        at = rng.randrange(len(intact))
        flipped = bytearray(intact)
        flipped[at] ^= 1 << rng.randrange(8)
        snapshot.write_bytes(flipped)
        with pytest.raises(CorruptFileError) as caught:
            Database(db_path).table("items").all()
        assert caught.value.path == snapshot
    snapshot.write_bytes(intact)
    assert len(Database(db_path).table("items")) == 200


@pytest.mark.parametrize(("line", "reason"), [
    (b'x3 {"n": 2}', "integer id"),
    (b"3", "not JSON"),
    (b"3 [1, 2]", "not a JSON object"),
    (b"", "not JSON"),
])
def test_malformed_lines_of_version_2(db_path: Path, line: bytes, reason: str) -> None:
    make_items(db_path).close()
    make_legacy(db_path, 2)
    start = damage_line(db_path / ITEMS, 20, line)
    error = load_error(db_path)
    assert reason in error.reason and "line 21" in error.reason
    assert start <= (error.offset or 0) <= start + len(line)


@pytest.mark.parametrize("legacy", [False, True])
def test_truncated_snapshots_are_detected(db_path: Path, legacy: bool) -> None:
    make_items(db_path).close()
    if legacy:
        make_legacy(db_path, 2)
    snapshot = db_path / ITEMS
    data = snapshot.read_bytes()
    last_line = data.rindex(b"\n", 0, len(data) - 1) + 1

    snapshot.write_bytes(data[:-5])  # cut inside the last line
    error = load_error(db_path)
    assert error.path == snapshot and "truncated" in error.reason

    snapshot.write_bytes(data[:last_line])  # cut at a line boundary: one document short
    error = load_error(db_path)
    assert error.path == snapshot
    assert "file holds 19" in error.reason or "truncated" in error.reason


def test_a_repeated_document_id_is_an_error(db_path: Path) -> None:
    make_items(db_path).close()
    make_legacy(db_path, 2)
    snapshot = db_path / ITEMS
    damage_line(snapshot, 5, lines_of(snapshot)[4])
    assert "two lines" in load_error(db_path).reason


def test_a_block_header_that_lies_is_caught(db_path: Path) -> None:
    make_items(db_path).close()
    snapshot = db_path / ITEMS
    lines = lines_of(snapshot)
    crc, size, count = lines[1].split(b" ")
    damage_line(snapshot, 1, b" ".join([crc, size, b"%d" % (int(count) - 1)]))
    error = load_error(db_path)
    assert error.path == snapshot and "block" in error.reason
    header, docs = docs_of_v3(snapshot)
    assert len(docs) == header["count"] == 20  # every line is intact: only the header lied


def test_flat_documents_share_their_values(db_path: Path) -> None:
    db = Database(db_path)
    events = db.table("events")
    events.insert_multiple({"status": "completed", "customer_id": 40_000 + n % 2, "n": n}
                           for n in range(10))
    db.compact()
    events.insert({"status": "completed", "customer_id": 40_000, "n": 10})  # journal only
    db.close()

    docs = Database(db_path).engine
    with docs.reading():
        loaded = docs.docs("events")
    assert loaded[1] == {"status": "completed", "customer_id": 40_000, "n": 0}
    assert loaded[11] == {"status": "completed", "customer_id": 40_000, "n": 10}
    assert loaded[1]["status"] is loaded[2]["status"] is loaded[11]["status"]
    assert loaded[1]["customer_id"] is loaded[3]["customer_id"] is loaded[11]["customer_id"]


def test_sharing_keeps_types_and_never_shares_mutable_values(db_path: Path) -> None:
    db = Database(db_path)
    t = db.table("t")
    docs: list[dict[str, object]] = [
        {"v": True, "w": 1.0}, {"v": 1, "w": 1}, {"v": 1.0, "w": True},
        {"v": False, "w": 0}, {"v": 0, "w": 0.0}, {"v": 0.0, "w": False},
        {"v": 12345678, "w": 12345678.0}, {"v": "1", "w": None},
        {"tags": ["a"], "v": "x"}, {"tags": ["a"], "v": "x"},
        {"address": {"city": "Oslo"}}, {"address": {"city": "Oslo"}},
    ]
    t.insert_multiple(docs)
    db.compact()
    t.insert({"tags": ["a"], "v": "x"})  # from the journal too
    db.close()

    engine = Database(db_path).engine
    with engine.reading():
        loaded = engine.docs("t")
    assert [orjson.dumps(loaded[i + 1]) for i in range(len(docs))] == [
        orjson.dumps(d) for d in docs]
    assert loaded[9]["tags"] is not loaded[10]["tags"]
    assert loaded[9]["tags"] is not loaded[13]["tags"]
    assert loaded[11]["address"] is not loaded[12]["address"]
    loaded[9]["tags"].append("b")  # type: ignore[attr-defined]
    assert loaded[10]["tags"] == ["a"] and loaded[13]["tags"] == ["a"]


def test_interner_gives_up_on_tables_of_nested_documents() -> None:
    intern = Interner()
    flat = intern.share({"a": "x"})
    for _ in range(GIVE_UP_AFTER + 1):
        doc = {"tags": ["a"]}
        assert intern.share(doc) is doc
    intern.review(GIVE_UP_AFTER + 2)
    doc = {"a": "x"}
    assert intern.share(doc) is doc and flat == doc


def test_loading_stops_trying_to_share_once_the_interner_gives_up(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each block asks the interner afresh: once it gave up on nested documents, the
    rest of the table is not tried (an exception per document: twice the load time)."""
    db = Database(db_path)
    db.table("t").insert_multiple({"tags": [n]} for n in range(3 * WRITE_BATCH))
    db.compact()
    db.close()
    made: list[Interner] = []

    class Counted(Interner):
        def __init__(self) -> None:
            super().__init__()
            made.append(self)

    monkeypatch.setattr(engine_module, "Interner", Counted)
    assert len(Database(db_path).table("t")) == 3 * WRITE_BATCH
    assert made[0]._nested[0] <= WRITE_BATCH  # tried on the first block only


def in_thread(target: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread
