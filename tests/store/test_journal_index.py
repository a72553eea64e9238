"""A commit line's index of its tables' documents (journal.py): a session decodes only the
tables it follows; lines without an index (written before it) and lines whose index does not
describe them are read whole; torn and killed writes are handled as before."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest

from crm_tui.store import Database, journal
from crm_tui.store.check import CheckFailed, check_database
from crm_tui.store.journal import decode_commit, decode_line, encode_commit, encode_line

MARK = "only-in-a-purchase"


class Seen:
    def __init__(self) -> None:
        self.docs: dict[int, Any] = {}

    def committed(self, docs: Mapping[int, Any], everything: bool) -> None:
        self.docs.update(docs)


def decoded_bodies(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every table body decoded from an indexed line from now on."""
    bodies: list[bytes] = []
    plain = journal.decode_body

    def counted(raw: bytes) -> Any:
        bodies.append(raw)
        return plain(raw)

    monkeypatch.setattr(journal, "decode_body", counted)
    return bodies


def import_chunk(db: Database, start: int) -> None:
    """One commit writing purchases and the customers whose totals they move, as an
    import's chunk does."""
    with db.transaction():
        for n in range(start, start + 20):
            db.table("purchases").insert({"customer_id": n % 5 + 1, "note": MARK})
        for customer in range(1, 6):
            db.table("customers").replace(customer, {"name": f"C{customer}", "total": start})


def setup(path: Path) -> Database:
    db = Database(path)
    with db.transaction():
        for customer in range(1, 6):
            db.table("customers").insert({"name": f"C{customer}", "total": 0})
    return db


def test_a_reader_following_customers_does_not_decode_purchases(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = setup(tmp_path / "db")
    reader = Database(tmp_path / "db")
    seen = Seen()
    reader.watch("customers", seen)
    bodies = decoded_bodies(monkeypatch)
    import_chunk(writer, 0)
    import_chunk(writer, 20)
    reader.refresh()
    assert seen.docs == {c: {"name": f"C{c}", "total": 20} for c in range(1, 6)}
    assert bodies and not any(MARK.encode() in raw for raw in bodies)
    # Read when asked, from the tail, all the same.
    assert reader.get("purchases", 40) == {"customer_id": 5, "note": MARK}
    assert any(MARK.encode() in raw for raw in bodies)
    writer.close()
    reader.close()


class Ids:
    """A watcher that keeps which documents changed, never what they hold."""

    def __init__(self) -> None:
        self.ids: set[int] = set()

    def committed(self, docs: Mapping[int, Any], everything: bool) -> None:
        self.ids.update(docs)


def test_a_watcher_of_ids_only_decodes_no_document(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Which customers another session's commits changed is known from the lines' index:
    a watcher keeping ids only costs no decoding; one reading the documents gets them."""
    writer = setup(tmp_path / "db")
    reader = Database(tmp_path / "db")
    ids = Ids()
    reader.watch("customers", ids)
    reader.refresh()
    import_chunk(writer, 0)
    bodies = decoded_bodies(monkeypatch)  # the reader's from now on (the writer reads too)
    reader.refresh()
    assert ids.ids == {1, 2, 3, 4, 5}
    assert bodies == []
    seen = Seen()
    reader.watch("customers", seen)
    import_chunk(writer, 20)
    bodies.clear()
    reader.refresh()
    assert seen.docs == {c: {"name": f"C{c}", "total": 20} for c in range(1, 6)}
    assert len(bodies) == 1
    writer.close()
    reader.close()


def test_a_scan_of_customers_decodes_no_purchases(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    writer = setup(tmp_path / "db")
    writer.compact()
    import_chunk(writer, 0)
    reader = Database(tmp_path / "db")
    bodies = decoded_bodies(monkeypatch)
    assert dict(reader.scan("customers")) == {c: {"name": f"C{c}", "total": 0}
                                              for c in range(1, 6)}
    assert bodies and not any(MARK.encode() in raw for raw in bodies)
    writer.close()
    reader.close()


def test_lines_without_an_index_still_read(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    writer = setup(tmp_path / "db")
    import_chunk(writer, 0)
    monkeypatch.setattr("crm_tui.store.engine.encode_commit", encode_line)  # as before
    import_chunk(writer, 20)
    writer.table("purchases").remove(doc_ids=[3])
    monkeypatch.undo()
    import_chunk(writer, 40)
    lines = (tmp_path / "db" / "journal.log").read_bytes().splitlines()[1:]
    assert [b',"x":' in line for line in lines] == [True, True, False, False, True]
    reader = Database(tmp_path / "db")
    seen = Seen()
    reader.watch("customers", seen)
    assert reader.get("purchases", 25) == {"customer_id": 5, "note": MARK}
    assert reader.get("purchases", 3) is None
    assert reader.get("customers", 2) == {"name": "C2", "total": 40}
    import_chunk(writer, 60)
    reader.refresh()
    assert seen.docs[2] == {"name": "C2", "total": 60}
    assert check_database(tmp_path / "db").problems == []
    writer.close()
    reader.close()


def test_an_index_read_gives_what_the_whole_line_gives() -> None:
    record = {"g": 7, "t": ["notes"], "i": {"purchases": 9},
              "c": {"purchases": {"8": {"x": 1, "s": '"c":{,"x":'}, "9": None},
                    "x": {"1": {"c": [1, 2]}}}}
    line = encode_commit(record)
    assert decode_line(line, Path("j"), 0) == record
    lazy = decode_commit(line, Path("j"), 0)
    assert {k: v for k, v in lazy.items() if k != "c"} == {"g": 7, "t": ["notes"],
                                                           "i": {"purchases": 9}}
    assert list(journal.written(lazy["c"]["purchases"])) == [(8, True), (9, False)]
    assert {t: dict(docs) for t, docs in lazy["c"].items()} == record["c"]


def _crc_line(payload: bytes) -> bytes:
    return b"%08x " % zlib.crc32(payload) + payload + b"\n"


@pytest.mark.parametrize("wrong", ["offsets", "ids", "deleted"])
def test_an_index_that_does_not_describe_the_line(wrong: str) -> None:
    record = {"g": 3, "c": {"a": {"1": {"v": 1}, "2": None}, "b": {"5": {"v": 5}}}}
    payload = encode_commit(record)[9:-1]
    at = payload.rfind(b',"x":')
    head_end, bodies = orjson.loads(payload[at + 5:-1])
    if wrong == "offsets":
        bodies["a"][1] -= 1
    elif wrong == "ids":
        bodies["b"][2] = [6]
    else:
        bodies["a"][3] = []
    line = _crc_line(payload[:at] + b',"x":' + orjson.dumps([head_end, bodies]) + b"}")
    if wrong == "offsets":  # not a description of the line: it is read whole
        assert {t: dict(d) for t, d in decode_commit(line, Path("j"), 0)["c"].items()} == \
            record["c"]
    else:  # it describes the line's shape but not its documents: damage, said so
        lazy = decode_commit(line, Path("j"), 0)["c"]
        with pytest.raises(journal.CorruptFileError, match="index"):
            [dict(docs) for docs in lazy.values()]


def test_a_torn_indexed_line_is_dropped_and_a_whole_one_kept(tmp_path: Path) -> None:
    writer = setup(tmp_path / "db")
    import_chunk(writer, 0)
    writer.close()
    journal_path, end_path = tmp_path / "db" / "journal.log", tmp_path / "db" / "journal.end"
    whole, end = journal_path.read_bytes(), end_path.read_bytes()
    line = encode_commit({"g": 3, "c": {"purchases": {"99": {"note": MARK}}}})
    # A writer killed inside the line: a reader ignores it, the next writer drops it.
    journal_path.write_bytes(whole + line[: len(line) // 2])
    reader = Database(tmp_path / "db")
    assert reader.get("purchases", 99) is None
    writer = Database(tmp_path / "db")
    import_chunk(writer, 20)
    assert writer.get("purchases", 40) == {"customer_id": 5, "note": MARK}
    writer.close()
    reader.refresh()
    assert reader.get("purchases", 40) == {"customer_id": 5, "note": MARK}
    reader.close()
    # Killed just before the newline: the commit is whole, and kept.
    journal_path.write_bytes(whole + line[:-1])
    end_path.write_bytes(end)
    writer = Database(tmp_path / "db")
    with writer.transaction():
        assert writer.get("purchases", 99) == {"note": MARK}
    writer.close()
    assert check_database(tmp_path / "db").problems == []


def test_crm_check_finds_an_index_whose_ids_are_not_the_documents(tmp_path: Path) -> None:
    db = Database(tmp_path / "db")
    db.table("a").insert({"v": 1})
    db.table("b").insert({"v": 2})
    db.close()
    journal_path = tmp_path / "db" / "journal.log"
    *lines, last, end = journal_path.read_bytes().split(b"\n")
    payload = last[9:]
    at = payload.rfind(b',"x":')
    head_end, bodies = orjson.loads(payload[at + 5:-1])
    bodies["b"][2] = [7]  # as long as [1]: every offset still holds
    journal_path.write_bytes(b"\n".join(
        [*lines, _crc_line(payload[:at] + b',"x":' + orjson.dumps([head_end, bodies]) + b"}")
         [:-1], end]))
    with pytest.raises(CheckFailed, match="index of b's documents"):
        check_database(tmp_path / "db")
    reader = Database(tmp_path / "db")
    with pytest.raises(journal.CorruptFileError):
        reader.get("b", 7)  # where the index says it is
    assert reader.damage  # remembered: writes are refused
    reader.close()
