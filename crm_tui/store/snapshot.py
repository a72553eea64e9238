"""Per-table snapshots: `tables/<name>.json`, replaced atomically by compaction.

Version 3 (written now): every byte is covered by a checksum. A header line, then blocks
of up to WRITE_BATCH documents, each announced by a line giving the CRC-32 of the block's
bytes, their length and their line count; a document line is `<id> <crc32> <json>`:

    1a2b3c4d {"format":"crm-tui-table","version":3,"table":"t","epoch":3,"last_id":9,"count":2}
    #5e6f7a8b 52 2
    1 0badf00d {"name":"Ann"}
    7 12345678 {"name":"Bob"}

Loading checks each block's CRC (one pass of zlib over a few MB: next to nothing beside
parsing) and the header's count, so a changed byte anywhere, a cut anywhere (at a line
boundary too) or a missing block is an error naming the file and offset. The per-line
CRC (of the JSON, seeded with the id, so a changed id is caught too) is not checked on
load: it tells which line of a damaged block is bad, so that the error names it and a
repair drops only that document (salvage.py).

A million documents are read a block at a time (never the whole file, a copy of it and
the parsed documents at once), and other threads get the GIL between lines: one parse of
the whole body held it for seconds, freezing the UI thread while a worker loaded.

Still read (the next `crm compact` rewrites them in version 3): version 2, the same
header without its CRC and `<id> <json>` lines without checksums; version 1, that header
and one JSON object mapping id to document. Neither can show a changed byte inside a
value: `crm check` says which tables are still in them.

The header's epoch says which journal the snapshot precedes: it holds every commit made
before journal `epoch` began.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

import orjson

from .errors import CorruptFileError
from .files import READ_CHUNK, atomic_write_chunks
from .interning import Interner

SNAPSHOT_FORMAT = "crm-tui-table"
SNAPSHOT_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
WRITE_BATCH = 8192  # documents per block (and per write()): a few MB, whatever the table
BLOCK_HEADER = re.compile(rb"#([0-9a-f]{8}) ([0-9]{1,12}) ([0-9]{1,6})\n\Z")

Docs = dict[int, dict[str, Any]]


@dataclass(frozen=True)
class SnapshotHeader:
    table: str
    epoch: int
    last_id: int
    count: int
    version: int = SNAPSHOT_VERSION
    size: int = 0  # bytes of the file as read (0 when only the header was read)


def crc_hex(data: bytes, seed: int = 0) -> bytes:
    return b"%08x" % zlib.crc32(data, seed)


def line_crc(doc_id: int, body: bytes) -> bytes:
    """A document line's checksum: of its JSON, seeded with its id (so it covers both)."""
    return crc_hex(body, doc_id & 0xFFFFFFFF)


def header_line(header: SnapshotHeader) -> bytes:
    record = orjson.dumps({
        "format": SNAPSHOT_FORMAT,
        "version": SNAPSHOT_VERSION,
        "table": header.table,
        "epoch": header.epoch,
        "last_id": header.last_id,
        "count": header.count,
    })
    return b"%b %b\n" % (crc_hex(record), record)


def encode_blocks(items: Iterator[tuple[int, dict[str, Any]]]) -> Iterator[bytes]:
    """Documents as blocks of document lines, each after its block header line."""
    while batch := list(islice(items, WRITE_BATCH)):
        yield from framed(encode_lines(batch))


def encode_lines(batch: list[tuple[int, dict[str, Any]]]) -> list[bytes]:
    """The document lines (newline included) of (id, document) pairs."""
    dumps, crc32 = orjson.dumps, zlib.crc32
    # One formatted line per document inside a list comprehension, not the parts appended
    # one by one: compaction encodes a million documents (figures in bench/README.md).
    return [b"%d %08x %b\n" % (doc_id, crc32(body := dumps(doc), doc_id & 0xFFFFFFFF), body)
            for doc_id, doc in batch]


def framed(lines: list[bytes]) -> tuple[bytes, bytes]:
    """A block of document lines: its header line, and its bytes."""
    block = b"".join(lines)
    return b"#%b %d %d\n" % (crc_hex(block), len(block), len(lines)), block


def _encode(header: SnapshotHeader, docs: Docs) -> Iterator[bytes]:
    yield header_line(header)
    yield from encode_blocks(iter(docs.items()))


def write_snapshot(path: Path, header: SnapshotHeader, docs: Docs, mode: int) -> int:
    """Write `docs` as a version 3 snapshot, streamed to a temp file renamed over `path`;
    returns the file's size."""
    return atomic_write_chunks(path, _encode(header, docs), mode)


def parse_header(line: bytes, path: Path, table: str) -> SnapshotHeader:
    if not line:
        raise CorruptFileError(path, 0, "empty file: a table snapshot starts with a header line")
    if not line.endswith(b"\n"):
        raise CorruptFileError(path, len(line), "truncated: the header line is incomplete")
    if line[:1] == b"{":
        record = _header_record(line, path)  # version 1 or 2: no checksum
        versions: tuple[int, ...] = (1, 2)
    else:
        if line[8:9] != b" " or crc_hex(line[9:-1]) != line[:8]:
            raise CorruptFileError(path, 0, "not a crm-tui table snapshot, or its header "
                                   "line is damaged (checksum mismatch)")
        record = _header_record(line[9:], path)
        versions = (SNAPSHOT_VERSION,)
    if record.get("format") != SNAPSHOT_FORMAT:
        raise CorruptFileError(path, 0, "not a crm-tui table snapshot (wrong format marker)")
    version = record.get("version")
    if version not in READABLE_VERSIONS:
        raise CorruptFileError(path, 0, f"snapshot version {version!r} is not supported")
    if version not in versions:
        raise CorruptFileError(path, 0, "damaged: the header does not match its version")
    if record.get("table") != table:
        raise CorruptFileError(path, 0, f"snapshot is of table {record.get('table')!r}")
    try:
        return SnapshotHeader(
            table, int(record["epoch"]), int(record["last_id"]), int(record["count"]),
            version,
        )
    except (KeyError, TypeError, ValueError):
        raise CorruptFileError(path, 0, "snapshot header is missing fields") from None


def _header_record(text: bytes, path: Path) -> dict[str, Any]:
    try:
        record = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise CorruptFileError(path, 0, "not a crm-tui table snapshot (bad header)") from None
    if not isinstance(record, dict):
        raise CorruptFileError(path, 0, "not a crm-tui table snapshot (wrong format marker)")
    return record


def read_snapshot_header(path: Path, table: str) -> SnapshotHeader:
    with open(path, "rb") as handle:
        return parse_header(handle.readline(), path, table)


def read_snapshot(path: Path, table: str, intern: Interner) -> tuple[SnapshotHeader, Docs]:
    """Read a snapshot (any readable version), sharing values between documents (not in
    version 1). Raises CorruptFileError naming the file, the offset and the line."""
    with open(path, "rb") as handle:
        first = handle.readline()
        header = parse_header(first, path, table)
        size = os.fstat(handle.fileno()).st_size
        if header.version == 1:
            docs = _read_v1_body(handle, path, len(first))
        elif header.version == 2:
            docs = _read_lines(handle, path, len(first), intern)
        else:
            docs = _read_blocks(handle, path, len(first), intern)
    if len(docs) != header.count:
        cut = " (cut short?)" if len(docs) < header.count else ""
        raise CorruptFileError(
            path, len(first),
            f"header says {header.count} documents, file holds {len(docs)}{cut}",
        )
    return SnapshotHeader(header.table, header.epoch, header.last_id, header.count,
                          header.version, size), docs


def document_blocks(handle: IO[bytes], path: Path, body_start: int
                    ) -> Iterator[tuple[int, int, bytes]]:
    """Each block of a version 3 snapshot, checked against its header line: (the offset
    and line number of its first document line, its bytes). `handle` is at `body_start`."""
    for _, start, line_no, block in announced_blocks(handle, path, body_start):
        yield start, line_no, block


def announced_blocks(handle: IO[bytes], path: Path, body_start: int
                      ) -> Iterator[tuple[bytes, int, int, bytes]]:
    """`document_blocks`, each with its block header line first."""
    offset, line_no = body_start, 2  # where the next block header is
    size = os.fstat(handle.fileno()).st_size
    while announce := handle.readline():
        match = BLOCK_HEADER.match(announce)
        if match is None:
            raise CorruptFileError(path, offset, f"line {line_no}: damaged (expected a block "
                                   "header: '#<crc> <bytes> <lines>')")
        start, length, n_lines = offset + len(announce), int(match[2]), int(match[3])
        if length > size - start:
            raise CorruptFileError(path, size, f"truncated: the block at line {line_no} "
                                   f"announces {length} bytes, the file ends after "
                                   f"{size - start}")
        block = handle.read(length)
        if crc_hex(block) != match[1] or block.count(b"\n") != n_lines or block[-1:] != b"\n":
            raise _bad_block(path, block, start, line_no + 1)
        yield announce, start, line_no + 1, block
        offset, line_no = start + length, line_no + 1 + n_lines


def _read_blocks(handle: IO[bytes], path: Path, body_start: int, intern: Interner) -> Docs:
    """The documents of a version 3 snapshot, one checksummed block at a time."""
    docs: Docs = {}
    loads = orjson.loads
    lines_read = 0
    for start, line_no, block in document_blocks(handle, path, body_start):
        lines = block.split(b"\n")
        lines.pop()
        share = intern.share  # per block: `review` may have given up sharing
        done = 0
        try:
            # The hot loop, as in version 2: the block's CRC vouched for every byte.
            for line in lines:
                key, _, body = line.split(b" ", 2)
                doc = loads(body)
                if doc.__class__ is not dict:
                    raise TypeError
                docs[int(key)] = share(doc)
                done += 1
        except (ValueError, TypeError) as exc:  # written wrong, not damaged since
            raise _bad_line(path, lines, done, start, line_no, exc, 3) from None
        lines_read += len(lines)
        del block, lines
        intern.review(len(docs))
    if len(docs) != lines_read:
        raise CorruptFileError(path, body_start, "a document id appears on two lines")
    return docs


def verify_snapshot_bytes(path: Path, table: str) -> SnapshotHeader:
    """Check a snapshot's checksums and count without parsing its documents (what a
    compaction does to the snapshots it keeps). Older versions have no checksums: only
    their header is read. Raises CorruptFileError like `read_snapshot`."""
    with open(path, "rb") as handle:
        first = handle.readline()
        header = parse_header(first, path, table)
        if header.version < SNAPSHOT_VERSION:
            return header
        lines = sum(block.count(b"\n")
                    for _, _, block in document_blocks(handle, path, len(first)))
    if lines != header.count:
        raise CorruptFileError(path, len(first), f"header says {header.count} documents, "
                               f"file holds {lines}")
    return header


def _bad_block(path: Path, block: bytes, start: int, line_no: int) -> CorruptFileError:
    """The error for a block whose bytes do not match its header: the first line whose
    own checksum fails, or the block as a whole."""
    offset, lines = start, block.split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # after the last newline
    for number, line in enumerate(lines, line_no):
        if not line_verifies(line):
            return CorruptFileError(path, offset,
                                    f"line {number}: checksum mismatch: the line is damaged")
        offset += len(line) + 1
    return CorruptFileError(path, start, f"the block of lines from {line_no} is damaged "
                            "(its checksum, length or line count does not match)")


def line_verifies(line: bytes) -> bool:
    """Does a version 3 document line (without its newline) match its own checksum?"""
    key, _, rest = line.partition(b" ")
    crc, _, body = rest.partition(b" ")
    if not key.isdigit() or key[:1] == b"0":
        return False
    return line_crc(int(key), body) == crc


def _read_v1_body(handle: IO[bytes], path: Path, body_start: int) -> Docs:
    """The documents of a version 1 snapshot: one JSON object, parsed at once.

    Not interned: sharing values after the fact frees the parser's objects scattered all
    over the heap, which costs time and returns no memory. The next compaction rewrites
    the file in version 3."""
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
            raise _bad_line(path, lines, done, offset, line_no, exc, 2) from None
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
              exc: Exception, fields: int) -> CorruptFileError:
    """The error for `lines[index]`, the first bad line of a chunk starting at `offset`,
    whose lines have `fields` space-separated parts, the last one the JSON."""
    start = offset + sum(len(line) + 1 for line in lines[:index])
    line = lines[index]
    where = f"line {line_no + index}"
    if isinstance(exc, orjson.JSONDecodeError):
        at = start + len(line) - len(line.split(b" ", fields - 1)[-1]) + exc.pos
        return CorruptFileError(path, at, f"{where}: the document is not JSON ({exc.msg})")
    if isinstance(exc, TypeError):
        return CorruptFileError(path, start, f"{where}: the document is not a JSON object")
    shape = "'<id> <json>'" if fields == 2 else "'<id> <crc> <json>'"
    return CorruptFileError(path, start, f"{where}: expected {shape} with an integer id")
