"""Per-table snapshots: `tables/<name>.json`, replaced atomically by compaction.

Version 2 (written now): a small header line (so the next free id is known without reading
the documents), then one line per document, `<id> <json>`:

    {"format":"crm-tui-table","version":2,"table":"t","epoch":3,"last_id":9,"count":2}
    1 {"name":"Ann"}
    7 {"name":"Bob"}

Line by line, a million documents are read in bounded chunks (never the whole file, a copy
of it and the parsed documents at once), and other threads get the GIL between lines: one
parse of the whole body held it for seconds, freezing the UI thread while a worker loaded.
Version 1 (still read; the next compaction rewrites it) had the same header and then one
JSON object mapping id to document.

The header's epoch says which journal the snapshot precedes: it holds every commit made
before journal `epoch` began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

import orjson

from .errors import CorruptFileError
from .files import atomic_write_chunks
from .interning import Interner
from .journal import READ_CHUNK

SNAPSHOT_FORMAT = "crm-tui-table"
SNAPSHOT_VERSION = 2
READABLE_VERSIONS = (1, 2)
WRITE_BATCH = 8192  # documents per write(): a few MB, whatever the table's size

Docs = dict[int, dict[str, Any]]


@dataclass(frozen=True)
class SnapshotHeader:
    table: str
    epoch: int
    last_id: int
    count: int
    version: int = SNAPSHOT_VERSION


def _encode(header: SnapshotHeader, docs: Docs) -> Iterator[bytes]:
    yield orjson.dumps(
        {
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "table": header.table,
            "epoch": header.epoch,
            "last_id": header.last_id,
            "count": header.count,
        },
        option=orjson.OPT_APPEND_NEWLINE,
    )
    dumps, newline = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    items = iter(docs.items())
    # One formatted line per document inside a list comprehension: a third faster than
    # appending the id and the JSON as two parts (compaction encodes a million documents).
    while batch := list(islice(items, WRITE_BATCH)):
        yield b"".join([b"%d %b" % (doc_id, dumps(doc, option=newline))
                        for doc_id, doc in batch])


def write_snapshot(path: Path, header: SnapshotHeader, docs: Docs, mode: int) -> None:
    """Write `docs` as a version 2 snapshot, streamed to a temp file renamed over `path`."""
    atomic_write_chunks(path, _encode(header, docs), mode)


def _parse_header(line: bytes, path: Path, table: str) -> SnapshotHeader:
    if not line:
        raise CorruptFileError(path, 0, "empty file: a table snapshot starts with a header line")
    if not line.endswith(b"\n"):
        raise CorruptFileError(path, len(line), "truncated: the header line is incomplete")
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise CorruptFileError(path, 0, "not a crm-tui table snapshot (bad header)") from None
    if not isinstance(record, dict) or record.get("format") != SNAPSHOT_FORMAT:
        raise CorruptFileError(path, 0, "not a crm-tui table snapshot (wrong format marker)")
    version = record.get("version")
    if version not in READABLE_VERSIONS:
        raise CorruptFileError(path, 0, f"snapshot version {version!r} is not supported")
    if record.get("table") != table:
        raise CorruptFileError(path, 0, f"snapshot is of table {record.get('table')!r}")
    try:
        return SnapshotHeader(
            table, int(record["epoch"]), int(record["last_id"]), int(record["count"]),
            version,
        )
    except (KeyError, TypeError, ValueError):
        raise CorruptFileError(path, 0, "snapshot header is missing fields") from None


def read_snapshot_header(path: Path, table: str) -> SnapshotHeader:
    with open(path, "rb") as handle:
        return _parse_header(handle.readline(), path, table)


class _GcPause:
    """Parsing a million documents allocates tens of millions of objects, none of them
    garbage; letting the cycle collector walk them all again and again doubles the load
    time. `gc.disable()` is process-wide and loads run in several threads at once, so
    pauses are counted: collection resumes when the last one ends, and only if it was on
    when the first began (an application that turned it off keeps it off)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._resume = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._resume:
                    # What was just parsed lives as long as the table: out of the
                    # collector's sight before collecting resumes, or the allocations
                    # of installing it set off full passes over 100k documents.
                    gc.freeze()
                    gc.enable()


gc_paused = _GcPause()


def read_snapshot(path: Path, table: str, intern: Interner) -> tuple[SnapshotHeader, Docs]:
    """Read a snapshot (version 1 or 2), sharing values between version 2 documents.

    Raises CorruptFileError naming the file, the offset and, in version 2, the line.
    """
    with open(path, "rb") as handle, gc_paused():
        first = handle.readline()
        header = _parse_header(first, path, table)
        if header.version == 1:
            docs = _read_v1_body(handle, path, len(first))
        else:
            docs = _read_lines(handle, path, len(first), intern)
    if len(docs) != header.count:
        cut = " (cut short?)" if len(docs) < header.count else ""
        raise CorruptFileError(
            path, len(first),
            f"header says {header.count} documents, file holds {len(docs)}{cut}",
        )
    return header, docs


def _read_v1_body(handle: IO[bytes], path: Path, body_start: int) -> Docs:
    """The documents of a version 1 snapshot: one JSON object, parsed at once.

    Not interned: sharing values after the fact frees the parser's objects scattered all
    over the heap, which costs time and returns no memory. The next compaction rewrites
    the file in version 2."""
    data = handle.read()
    if not data.endswith(b"\n"):
        raise CorruptFileError(
            path, body_start + len(data), "truncated: the documents are incomplete"
        )
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        offset = body_start + exc.pos
        raise CorruptFileError(path, offset, f"documents are not JSON ({exc.msg})") from None
    del data
    if not isinstance(raw, dict):
        raise CorruptFileError(path, body_start, "documents are not a JSON object")
    try:
        return {int(key): doc for key, doc in raw.items()}
    except ValueError:
        raise CorruptFileError(path, body_start, "a document id is not an integer") from None


def _read_lines(handle: IO[bytes], path: Path, body_start: int, intern: Interner) -> Docs:
    """The documents of a version 2 snapshot, `<id> <json>` per line, in bounded chunks."""
    docs: Docs = {}
    loads = orjson.loads
    offset, line_no, rest = body_start, 2, b""  # the file offset and line number of `rest`
    while chunk := handle.read(READ_CHUNK):
        block = rest + chunk
        del chunk
        lines = block.split(b"\n")
        rest = lines.pop()
        share = intern.share
        done = 0
        try:
            # The hot loop: no bookkeeping per line beyond `done`; where a bad line is
            # (offset, line number) is worked out only when there is one.
            for line in lines:
                key, _, body = line.partition(b" ")
                doc = loads(body)
                if doc.__class__ is not dict:
                    raise TypeError
                docs[int(key)] = share(doc)
                done += 1
        except (ValueError, TypeError) as exc:
            raise _bad_line(path, lines, done, offset, line_no, exc) from None
        offset += len(block) - len(rest)
        line_no += len(lines)
        del block, lines
        intern.review(len(docs))
    if rest:
        raise CorruptFileError(
            path, offset, f"truncated: line {line_no} is incomplete (no newline at the end)"
        )
    if len(docs) != line_no - 2:
        raise CorruptFileError(path, body_start, "a document id appears on two lines")
    return docs


def _bad_line(path: Path, lines: list[bytes], index: int, offset: int, line_no: int,
              exc: Exception) -> CorruptFileError:
    """The error for `lines[index]`, the first bad line of a chunk starting at `offset`."""
    start = offset + sum(len(line) + 1 for line in lines[:index])
    line = lines[index]
    where = f"line {line_no + index}"
    if isinstance(exc, orjson.JSONDecodeError):
        at = start + len(line) - len(line.partition(b" ")[2]) + exc.pos
        return CorruptFileError(path, at, f"{where}: the document is not JSON ({exc.msg})")
    if isinstance(exc, TypeError):
        return CorruptFileError(path, start, f"{where}: the document is not a JSON object")
    return CorruptFileError(path, start, f"{where}: expected '<id> <json>' with an integer id")
