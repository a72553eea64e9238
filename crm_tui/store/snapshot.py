"""Per-table snapshot files: `tables/<name>.json`, replaced atomically by compaction.

Two lines: a small header (so the next free id is known without reading the documents)
and one JSON object mapping document id to document. The header's epoch says which
journal the snapshot precedes: it holds every commit made before journal `epoch` began.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .errors import CorruptFileError
from .files import atomic_write

SNAPSHOT_FORMAT = "crm-tui-table"
SNAPSHOT_VERSION = 1


@dataclass(frozen=True)
class SnapshotHeader:
    table: str
    epoch: int
    last_id: int
    count: int


def write_snapshot(
    path: Path, header: SnapshotHeader, docs: dict[int, dict[str, Any]], mode: int
) -> None:
    head = orjson.dumps(
        {
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "table": header.table,
            "epoch": header.epoch,
            "last_id": header.last_id,
            "count": header.count,
        }
    )
    body = orjson.dumps(docs, option=orjson.OPT_NON_STR_KEYS)
    atomic_write(path, head + b"\n" + body + b"\n", mode)


def _parse_header(line: bytes, path: Path, table: str) -> SnapshotHeader:
    if not line:
        raise CorruptFileError(path, 0, "empty file: a table snapshot starts with a header line")
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise CorruptFileError(path, 0, "not a crm-tui table snapshot (bad header)") from None
    if not isinstance(record, dict) or record.get("format") != SNAPSHOT_FORMAT:
        raise CorruptFileError(path, 0, "not a crm-tui table snapshot (wrong format marker)")
    if record.get("version") != SNAPSHOT_VERSION:
        raise CorruptFileError(
            path, 0, f"snapshot version {record.get('version')!r} is not supported"
        )
    if record.get("table") != table:
        raise CorruptFileError(path, 0, f"snapshot is of table {record.get('table')!r}")
    try:
        return SnapshotHeader(
            table, int(record["epoch"]), int(record["last_id"]), int(record["count"])
        )
    except (KeyError, TypeError, ValueError):
        raise CorruptFileError(path, 0, "snapshot header is missing fields") from None


def read_snapshot_header(path: Path, table: str) -> SnapshotHeader:
    with open(path, "rb") as handle:
        line = handle.readline()
    if line and not line.endswith(b"\n"):
        raise CorruptFileError(path, len(line), "truncated: the header line is incomplete")
    return _parse_header(line, path, table)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Parsing 100k documents allocates millions of objects, none of them garbage; letting
    the cycle collector walk them all again and again doubles the load time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_snapshot(path: Path, table: str) -> tuple[SnapshotHeader, dict[int, dict[str, Any]]]:
    with open(path, "rb") as handle:
        data = handle.read()
    cut = data.find(b"\n")
    if data and cut < 0:
        raise CorruptFileError(path, len(data), "truncated: the header line is incomplete")
    header = _parse_header(data[: cut + 1], path, table)
    body_start = cut + 1
    if not data.endswith(b"\n") or body_start >= len(data):
        raise CorruptFileError(path, len(data), "truncated: the documents are incomplete")
    try:
        with _gc_paused():
            raw = orjson.loads(data[body_start:])
    except orjson.JSONDecodeError as exc:
        offset = body_start + exc.pos
        raise CorruptFileError(path, offset, f"documents are not JSON ({exc.msg})") from None
    if not isinstance(raw, dict):
        raise CorruptFileError(path, body_start, "documents are not a JSON object")
    try:
        docs = {int(key): value for key, value in raw.items()}
    except ValueError:
        raise CorruptFileError(path, body_start, "a document id is not an integer") from None
    if len(docs) != header.count:
        raise CorruptFileError(
            path, body_start, f"header says {header.count} documents, file holds {len(docs)}"
        )
    return header, docs
