"""The append-only journal: its line format, its header, and scanning it safely.

Every line is `<crc32 as 8 hex digits> <json>\\n`. The first line is the header
(format, version, epoch, the size the previous journal had when it was compacted away,
the generation number at the start, and, from version 2, the manifest: which table
snapshots the compaction that began this journal left, see manifest.py). Every other line
is one committed transaction:

    {"g": generation, "c": {table: {id: doc | null}}, "i": {table: last_id}, "t": [table, ...]}

`t` lists tables truncated before `c` is applied; `null` deletes a document. A commit
written by `encode_commit` also ends with its index, `"x": [head_end, {table: [start, end,
[id, ...], [deleted id, ...]]}]`: where `c` begins and, for each table, the bytes of its
documents in the payload and their ids. A reader (`decode_commit`) then decodes the head
and the index, and each table's documents only when something asks for them: a session
that follows the customers does not decode an import's purchases. The index is used only
when it describes `c` exactly (its tables' bodies, named and laid end to end, are all of
`c`): anything else is decoded whole, as lines without one (written before it existed)
are. A reader that does not know the index ignores the extra key.
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
from collections.abc import Iterator, Mapping
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


def encode_commit(record: dict[str, Any]) -> bytes:
    """A commit's line (`{"g", "c", "i", "t"}` as the module docstring says), with the
    index of its tables' documents after them."""
    changes: dict[str, dict[str, Any]] = record.get("c") or {}
    if not changes:
        return encode_line(record)
    dumps = orjson.dumps
    head = dumps({k: v for k, v in record.items() if k != "c"})[:-1]  # `c` follows
    # The line's parts are kept apart and joined once: an import's line is megabytes, and
    # each concatenation copied all of it again.
    parts = [head, b',"c":{']
    at = len(head) + 6
    bodies: dict[str, list[Any]] = {}
    for table, docs in changes.items():
        name = (b"," if bodies else b"") + dumps(table) + b":"
        body = dumps(docs)
        parts += (name, body)
        start = at + len(name)
        at = start + len(body)
        bodies[table] = [start, at, list(map(int, docs)),
                         [int(k) for k, doc in docs.items() if doc is None]]
    parts.append(b'},"x":' + dumps([len(head), bodies]) + b"}")
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    return b"".join([b"%08x " % crc, *parts, b"\n"])


def decode_line(line: bytes, path: Path, offset: int) -> dict[str, Any]:
    """Decode one complete line (newline included) whole; raise CorruptFileError naming
    the offset."""
    return _whole(_payload(line, path, offset), path, offset)


def _payload(line: bytes, path: Path, offset: int) -> bytes:
    """The line's JSON, its checksum verified."""
    if len(line) < 11 or line[8:9] != b" ":
        raise CorruptFileError(path, offset, "not a journal line (expected '<crc> <json>')")
    payload = line[9:-1]
    if not _verifies(line[:8], payload):
        raise CorruptFileError(path, offset, "checksum mismatch: the line is damaged")
    return payload


def _whole(payload: bytes, path: Path, offset: int) -> dict[str, Any]:
    """The commit without its index, every table decoded."""
    record = _json_record(payload, path, offset)
    record.pop("x", None)
    return record


def _json_record(payload: bytes, path: Path, offset: int) -> dict[str, Any]:
    try:
        record = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise CorruptFileError(path, offset, f"line is not JSON ({exc})") from None
    if not isinstance(record, dict):
        raise CorruptFileError(path, offset, "line is not a JSON object")
    return record


def decode_commit(line: bytes, path: Path, offset: int) -> dict[str, Any]:
    """A commit line as `decode_line` gives it, except that when the line has its index
    each table's documents in `c` are a `TableDocs`, decoded when first read."""
    payload = _payload(line, path, offset)
    found = _indexed(payload)
    if found is None:
        return _whole(payload, path, offset)
    head_end, bodies = found
    record = _json_record(payload[:head_end] + b"}", path, offset)
    record["c"] = {table: TableDocs(table, ids, gone, payload[start:end], path, offset)
                   for table, (start, end, ids, gone) in bodies.items()}
    return record


def _indexed(payload: bytes) -> tuple[int, dict[str, list[Any]]] | None:
    """(where `c` begins, each table's [start, end, ids, deleted ids]) when the line ends
    with an index that describes its `c` exactly; None otherwise."""
    at = payload.rfind(b',"x":')  # the last: nothing follows the index but its numbers
    if at < 0 or not payload.endswith(b"}"):
        return None
    try:
        head_end, bodies = orjson.loads(payload[at + 5:-1])
    except (orjson.JSONDecodeError, TypeError, ValueError):
        return None
    if not isinstance(head_end, int) or not isinstance(bodies, dict) or not bodies:
        return None
    if payload[head_end:head_end + 6] != b',"c":{':
        return None
    expected = head_end + 6  # past `,"c":{`
    for table, entry in bodies.items():
        if not (isinstance(entry, list) and len(entry) == 4):
            return None
        start, end, ids, gone = entry
        name = orjson.dumps(table) + b":"
        if (not isinstance(start, int) or not isinstance(end, int) or end <= start
                or not isinstance(ids, list) or not isinstance(gone, list)
                or payload[expected:start] != name or payload[start:start + 1] != b"{"
                or payload[end - 1:end] != b"}" or payload[end:end + 1] not in (b",", b"}")):
            return None
        expected = end + 1
    if payload[expected - 1:expected] != b"}" or expected != at:  # `c` ends, then the index
        return None
    return head_end, bodies


def decode_body(raw: bytes) -> Any:
    """One table's documents in a commit line (a hook: tests count the calls)."""
    return orjson.loads(raw)


class TableDocs(Mapping[str, Any]):
    """One table's documents written by a commit, by id as text (None: deleted), as
    `c[table]` holds them; decoded on first read. Its ids, and which are deletions, are
    known without decoding (`written`)."""

    __slots__ = ("_docs", "_raw", "gone", "ids", "offset", "path", "table")

    def __init__(self, table: str, ids: list[int], gone: list[int], raw: bytes,
                 path: Path, offset: int) -> None:
        self.table, self.ids, self.gone = table, ids, set(gone)
        self.path, self.offset = path, offset
        self._raw: bytes | None = raw
        self._docs: dict[str, Any] | None = None

    def decoded(self) -> dict[str, Any]:
        if self._docs is None:
            try:
                docs = decode_body(self._raw or b"")
            except orjson.JSONDecodeError as exc:
                raise CorruptFileError(self.path, self.offset, f"line is not JSON ({exc})"
                                       ) from None
            if (not isinstance(docs, dict) or len(docs) != len(self.ids)
                    or any(str(i) not in docs for i in self.ids)
                    or {int(k) for k, doc in docs.items() if doc is None} != self.gone):
                raise CorruptFileError(self.path, self.offset, f"the index of {self.table}'s "
                                       "documents does not match them")
            self._docs, self._raw = docs, None
        return self._docs

    def __getitem__(self, key: str) -> Any:
        return self.decoded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.decoded())

    def __len__(self) -> int:
        return len(self.ids)


def written(docs: Mapping[str, Any]) -> Iterator[tuple[int, bool]]:
    """(id, whether it is there after the commit) of each document a commit's `c[table]`
    writes, in order, without decoding a `TableDocs`."""
    ids, gone = written_ids(docs)
    return ((i, i not in gone) for i in ids)


def written_ids(docs: Mapping[str, Any]) -> tuple[list[int], set[int]]:
    """The ids a commit's `c[table]` writes, in order, and those it deletes, without
    decoding a `TableDocs`."""
    if isinstance(docs, TableDocs):
        return docs.ids, docs.gone
    return list(map(int, docs)), {int(key) for key, doc in docs.items() if doc is None}


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
