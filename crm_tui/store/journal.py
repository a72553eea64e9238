"""The append-only journal: its line format, its header, and scanning it safely.

Every line is `<crc32 as 8 hex digits> <json>\\n`. The first line is the header
(format, version, epoch, the size the previous journal had when it was compacted away,
the generation number at the start, and, from version 2, the manifest: which table
snapshots the compaction that began this journal left, see manifest.py). Every other line
is one committed transaction:

    {"g": generation, "c": {table: {id: doc | null}}, "i": {table: last_id}, "t": [table, ...]}

`t` lists tables truncated before `c` is applied; `null` deletes a document.
A last line without its newline is a torn write from a killed writer and is ignored,
unless its checksum verifies: then it is a whole commit whose newline was lost or damaged
(`unterminated`), which is kept. A complete line that fails its checksum, or a commit
number out of sequence, means the file is damaged, which is an error. Commits cut from
the end at a line boundary leave a valid-looking journal: `journal.end` (endmark.py)
records how far acknowledged commits reach.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from .errors import CorruptFileError
from .files import READ_CHUNK
from .manifest import Manifest, decode_manifest, encode_manifest

JOURNAL_FORMAT = "crm-tui-journal"
JOURNAL_VERSION = 2
READABLE_VERSIONS = (1, 2)  # 1: no manifest (verified as fully from its next compaction)


def encode_line(record: dict[str, Any]) -> bytes:
    payload = orjson.dumps(record)
    return b"%08x " % zlib.crc32(payload) + payload + b"\n"


def decode_line(line: bytes, path: Path, offset: int) -> dict[str, Any]:
    """Decode one complete line (newline included); raise CorruptFileError naming the offset."""
    if len(line) < 11 or line[8:9] != b" ":
        raise CorruptFileError(path, offset, "not a journal line (expected '<crc> <json>')")
    payload = line[9:-1]
    if not _verifies(line[:8], payload):
        raise CorruptFileError(path, offset, "checksum mismatch: the line is damaged")
    try:
        record = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise CorruptFileError(path, offset, f"line is not JSON ({exc})") from None
    if not isinstance(record, dict):
        raise CorruptFileError(path, offset, "line is not a JSON object")
    return record


def _verifies(crc: bytes, payload: bytes) -> bool:
    # Compared as text, not parsed: int() would take "+0001234" or " 0001234" as the
    # checksum "00001234", letting a changed byte through.
    return b"%08x" % zlib.crc32(payload) == crc


def unterminated(fragment: bytes) -> Literal["damaged", "missing"] | None:
    """What a last line without a newline is: None, a torn write (a prefix of a line);
    "missing", a whole line lacking only its newline; "damaged", a whole line whose
    newline was changed into another byte (never a write in progress)."""
    if len(fragment) < 11 or fragment[8:9] != b" ":
        return None
    if _verifies(fragment[:8], fragment[9:-1]):
        return "damaged"
    if _verifies(fragment[:8], fragment[9:]):
        return "missing"
    return None


@dataclass(frozen=True)
class JournalHeader:
    epoch: int
    prev_size: int
    generation: int
    size: int  # bytes the header line takes: where the first commit starts
    manifest: Manifest | None = None  # None in a version 1 journal: nothing was recorded

    def encode(self) -> bytes:
        return encode_line(
            {
                "format": JOURNAL_FORMAT,
                "version": JOURNAL_VERSION,
                "epoch": self.epoch,
                "prev_size": self.prev_size,
                "g": self.generation,
                "tables": encode_manifest(self.manifest or {}),
            }
        )


def new_header(epoch: int, prev_size: int, generation: int,
               manifest: Manifest) -> JournalHeader:
    probe = JournalHeader(epoch, prev_size, generation, 0, manifest)
    return JournalHeader(epoch, prev_size, generation, len(probe.encode()), manifest)


def _first_line(fd: int, path: Path) -> bytes:
    head = b""
    while (end := head.find(b"\n")) < 0:
        chunk = os.pread(fd, 65536, len(head))
        if not chunk:
            if not head:
                raise CorruptFileError(path, 0, "empty file: a journal starts with a header line")
            raise CorruptFileError(path, 0, "not a crm-tui journal (no header line)")
        head += chunk
        if len(head) > READ_CHUNK:  # a manifest of thousands of tables still fits
            raise CorruptFileError(path, 0, "not a crm-tui journal (no header line)")
    return head[: end + 1]


def read_header(fd: int, path: Path) -> JournalHeader:
    line = _first_line(fd, path)
    try:
        record = decode_line(line, path, 0)
    except CorruptFileError:
        raise CorruptFileError(path, 0, "not a crm-tui journal (unreadable header)") from None
    if record.get("format") != JOURNAL_FORMAT:
        raise CorruptFileError(path, 0, "not a crm-tui journal (wrong format marker)")
    version = record.get("version")
    if version not in READABLE_VERSIONS:
        raise CorruptFileError(
            path, 0, f"journal version {version!r} is not supported by this crm-tui"
        )
    try:
        manifest = decode_manifest(record["tables"]) if version >= 2 else None
        return JournalHeader(
            int(record["epoch"]), int(record["prev_size"]), int(record["g"]), len(line),
            manifest,
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
