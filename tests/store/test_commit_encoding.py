"""A commit line is built from its parts once (journal.encode_commit), and the tail overlay
notes a line's ids all at once (tail.TableTail.wrote): the line's bytes are orjson's of
the record with its index after it, and the overlay says, for every id a line wrote, that
line (or None: deleted), whether the line was this process's own or caught up."""

from __future__ import annotations

import zlib
from pathlib import Path

import orjson

from crm_tui.store import Database
from crm_tui.store.journal import decode_commit, encode_commit
from crm_tui.store.tail import TailOverlay


def test_a_commit_line_is_orjsons_encoding_of_the_record_and_its_index() -> None:
    changes = {"purchases": {str(n): {"customer_id": n % 7, "note": '"c":{,"x":'}
                             for n in range(1, 301)},
               "customers": {"3": {"name": "Zoë", "tags": ["a"]}, "4": None}}
    record = {"g": 12, "c": changes, "t": ["notes"], "i": {"purchases": 300}}
    line = encode_commit(record)
    crc, payload = line[:8], line[9:-1]
    assert line[8:9] == b" " and line.endswith(b"\n") and b"\n" not in payload
    assert crc == b"%08x" % zlib.crc32(payload)
    head_end, index = orjson.loads(payload[payload.rfind(b',"x":') + 5:-1])
    assert payload[:head_end] == orjson.dumps({"g": 12, "t": ["notes"],
                                               "i": {"purchases": 300}})[:-1]
    for table, (start, end, ids, gone) in index.items():
        assert payload[start:end] == orjson.dumps(changes[table])
        assert ids == [int(key) for key in changes[table]]
        assert gone == [int(key) for key, doc in changes[table].items() if doc is None]
    assert payload == orjson.dumps({"g": 12, "t": ["notes"], "i": {"purchases": 300},
                                    "c": changes, "x": [head_end, index]})


def overlay_of(line: bytes, position: tuple[int, int], *, caught_up: bool) -> TailOverlay:
    tail = TailOverlay()
    record = decode_commit(line, Path("j"), 0) if caught_up else orjson.loads(line[9:-1])
    tail.note(record, position)
    return tail


def test_the_overlay_notes_every_id_of_a_line_with_its_position() -> None:
    first = encode_commit({"g": 1, "c": {"a": {"5": {"v": 1}, "2": {"v": 2}, "9": {"v": 9}}}})
    second = encode_commit({"g": 2, "c": {"a": {"9": None, "7": {"v": 7}, "2": {"v": 3}}}})
    for caught_up in (False, True):
        tail = overlay_of(first, (100, len(first)), caught_up=caught_up)
        record = decode_commit(second, Path("j"), 0) if caught_up else \
            orjson.loads(second[9:-1])
        tail.note(record, (200, len(second)))
        a = tail.get("a")
        # each id's latest line, in the order ids were first written; a deletion is None
        assert list(a.where.items()) == [(5, (100, len(first))), (2, (200, len(second))),
                                         (9, None), (7, (200, len(second)))]
        assert a.log == [5, 2, 9, 9, 7, 2]


def test_an_import_sized_commit_reads_back_in_another_session(tmp_path: Path) -> None:
    writer = Database(tmp_path / "db")
    with writer.transaction():
        for customer in range(1, 51):
            writer.table("customers").insert({"name": f"C{customer}", "total": 0})
    reader = Database(tmp_path / "db")
    assert reader.get("customers", 50) == {"name": "C50", "total": 0}
    with writer.transaction():
        for n in range(2000):
            writer.table("purchases").insert({"customer_id": n % 50 + 1, "total": n})
        for customer in range(1, 51):
            writer.table("customers").replace(customer, {"name": f"C{customer}", "total": 40})
        writer.table("customers").remove(doc_ids=[7])
    reader.refresh()
    assert reader.get("purchases", 2000) == {"customer_id": 50, "total": 1999}
    assert reader.get("customers", 8) == {"name": "C8", "total": 40}
    assert reader.get("customers", 7) is None
    writer.compact()
    reader.refresh()
    assert reader.get("purchases", 1) == {"customer_id": 1, "total": 0}
    assert reader.get("customers", 7) is None
    writer.close()
    reader.close()
