"""The append-only journal: its line format, its header, and scanning it safely.

Every line is `<crc32 as 8 hex digits> <json>\\n`. The first line is the header
(format, version, epoch, the size the previous journal had when it was compacted away,
and the generation number at the start). Every other line is one committed transaction:

    {"g": generation, "c": {table: {id: doc | null}}, "i": {table: last_id}, "t": [table, ...]}

`t` lists tables truncated before `c` is applied; `null` deletes a document.
A last line without its newline is a torn write from a killed writer and is ignored;
a complete line that fails its checksum means the file is damaged, which is an error.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .errors import CorruptFileError

JOURNAL_FORMAT = "crm-tui-journal"
JOURNAL_VERSION = 1
READ_CHUNK = 4 * 1024 * 1024


def encode_line(record: dict[str, Any]) -> bytes:
    payload = orjson.dumps(record)
    return b"%08x " % zlib.crc32(payload) + payload + b"\n"


def decode_line(line: bytes, path: Path, offset: int) -> dict[str, Any]:
    """Decode one complete line (newline included); raise CorruptFileError naming the offset."""
    if len(line) < 11 or line[8:9] != b" ":
        raise CorruptFileError(path, offset, "not a journal line (expected '<crc> <json>')")
    payload = line[9:-1]
    try:
        expected = int(line[:8], 16)
    except ValueError:
        raise CorruptFileError(path, offset, "not a journal line (bad checksum field)") from None
    if zlib.crc32(payload) != expected:
        raise CorruptFileError(path, offset, "checksum mismatch: the line is damaged")
    try:
        record = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise CorruptFileError(path, offset, f"line is not JSON ({exc})") from None
    if not isinstance(record, dict):
        raise CorruptFileError(path, offset, "line is not a JSON object")
    return record


@dataclass(frozen=True)
class JournalHeader:
    epoch: int
    prev_size: int
    generation: int
    size: int  # bytes the header line takes: where the first commit starts

    def encode(self) -> bytes:
        return encode_line(
            {
                "format": JOURNAL_FORMAT,
                "version": JOURNAL_VERSION,
                "epoch": self.epoch,
                "prev_size": self.prev_size,
                "g": self.generation,
            }
        )


def new_header(epoch: int, prev_size: int, generation: int) -> JournalHeader:
    probe = JournalHeader(epoch, prev_size, generation, 0)
    return JournalHeader(epoch, prev_size, generation, len(probe.encode()))


def read_header(fd: int, path: Path) -> JournalHeader:
    head = os.pread(fd, 4096, 0)
    end = head.find(b"\n")
    if not head:
        raise CorruptFileError(path, 0, "empty file: a journal starts with a header line")
    if end < 0:
        raise CorruptFileError(path, 0, "not a crm-tui journal (no header line)")
    line = head[: end + 1]
    try:
        record = decode_line(line, path, 0)
    except CorruptFileError:
        raise CorruptFileError(path, 0, "not a crm-tui journal (unreadable header)") from None
    if record.get("format") != JOURNAL_FORMAT:
        raise CorruptFileError(path, 0, "not a crm-tui journal (wrong format marker)")
    if record.get("version") != JOURNAL_VERSION:
        raise CorruptFileError(
            path, 0, f"journal version {record.get('version')!r} is not supported by this crm-tui"
        )
    try:
        return JournalHeader(
            int(record["epoch"]), int(record["prev_size"]), int(record["g"]), len(line)
        )
    except (KeyError, TypeError, ValueError):
        raise CorruptFileError(path, 0, "journal header is missing fields") from None


def scan(
    fd: int, path: Path, start: int, end: int | None = None
) -> Iterator[tuple[int, bytes]]:
    """Yield (offset, complete line) from `start` up to `end` (or end of file).

    An unterminated final fragment is not yielded: it is a torn write (or one still in
    progress in another process), and only complete lines are committed transactions.
    """
    offset = start
    pending = b""
    while end is None or offset + len(pending) < end:
        want = READ_CHUNK if end is None else min(READ_CHUNK, end - offset - len(pending))
        chunk = os.pread(fd, want, offset + len(pending))
        if not chunk:
            return
        pending += chunk
        lines = pending.split(b"\n")
        pending = lines.pop()
        for line in lines:
            full = line + b"\n"
            yield offset, full
            offset += len(full)


def mentions(line: bytes, table: str) -> bool:
    """Cheap pre-filter before JSON-decoding a line while loading one table."""
    return b'"' + table.encode() + b'"' in line
