"""Streaming scans: every current document of a table, in ascending id order, without
loading the table (`db.scan(table)`, for exports, `crm check` and the derivations).

A scan takes what it needs once, under the engine's lock, when it starts: the snapshot
file the journal lists (a handle of its own: a snapshot is immutable once renamed, so a
compaction by any process meanwhile replaces the name, not the bytes read), a handle of
its own on the journal, and where the journal tail's version of each changed document is
(tail.py). It then streams without holding anything: the snapshot a block at a time (each
block's checksum verified before its lines are used), each document replaced by its tail
version, deleted ones left out, the tail's new ones merged in by id. Commits made during
the scan are not seen: it reads the table as it was when it started.

A table this process has loaded is iterated from memory instead (a copy of its id list
taken at the start). So is one whose snapshot is of an older format (no `.ids` file to
tell that its lines are in id order) or whose lines are not in id order: it is loaded
first, as any read of it would (`Engine.preload`, not holding the lock while it parses).
"""

from __future__ import annotations

import io
import operator
import os
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from .doc_index import TableFiles, snapshot_identity
from .errors import CorruptFileError
from .journal import decode_commit
from .snapshot import document_blocks
from .tail import Position

if TYPE_CHECKING:
    from .engine import Engine

Doc = dict[str, Any]


@dataclass
class _Start:
    """What a scan of a table not loaded here took under the lock: handles of its own."""

    snapshot: Path
    snapshot_fd: int  # -1: no snapshot (every document is in the journal tail)
    body_start: int
    journal: Path
    journal_fd: int
    kept: tuple[int, bytes] | None  # the journal's last line, kept without its newline
    tail: dict[int, Position | None]  # id -> its latest version's line, None: deleted
    truncated: bool  # the snapshot does not count (the tail truncated the table)

    def close(self) -> None:
        for fd in (self.snapshot_fd, self.journal_fd):
            if fd >= 0:
                os.close(fd)


def scan(engine: Engine, name: str) -> Iterator[tuple[int, Doc]]:
    """(id, document) of every current document of table `name`, by ascending id. Each
    document is the caller's own. Raises CorruptFileError (naming the table's file and
    where) when a block of its snapshot or a journal line it needs is damaged."""
    return iter(TableScan(engine, name))


class TableScan:
    """One scan of a table; `begin()` says where it stands (for a caller that folds the
    commits made after it: derivations.py), iterating it begins it if need be."""

    def __init__(self, engine: Engine, name: str) -> None:
        self._engine, self._name = engine, name
        self._start: _Start | list[tuple[int, Doc]] | None = None

    def begin(self) -> tuple[int, dict[int, Position | None], bool]:
        """Take the scan's handles: the journal epoch, the tail's positions of the
        table's changed documents (None: deleted) and whether the tail truncated it, as
        of the documents the scan yields."""
        engine, name = self._engine, self._name
        while True:
            with engine.reading():
                tail = engine.reads.tail.get(name)
                where, truncated = tail.where, tail.truncated
                docs = engine.state(name).docs
                found = sorted(docs.items()) if docs is not None else _from_disk(engine, name)
                if found is not None:
                    self._start = found
                    return engine._epoch, dict(where), truncated
            engine.preload(name)  # an old snapshot, or lines out of id order: load it

    def __iter__(self) -> Iterator[tuple[int, Doc]]:
        if self._start is None:
            self.begin()
        start, self._start = self._start, None
        if isinstance(start, list):
            for doc_id, doc in start:
                yield doc_id, dict(doc)
            return
        assert start is not None
        try:
            yield from _merged(start, self._name)
        finally:
            start.close()


def _from_disk(engine: Engine, name: str) -> _Start | None:
    """Open the scan's own handles (engine's lock held); None: the snapshot cannot be
    streamed in id order, load the table instead."""
    reads = engine.reads
    tail = reads.tail.get(name)
    files: TableFiles | None = None
    if not tail.truncated:
        # The snapshot the journal lists, with its `.ids` file (written again when
        # missing or stale and the folder is writable, as any read does).
        found = reads._from_disk(name, lambda: reads._files_of(name))
        if not isinstance(found, TableFiles) or not _in_id_order(found):
            return None
        files = found
    snapshot, snapshot_fd, body_start = engine.snapshot_path(name), -1, 0
    try:
        if files is not None and files._fd >= 0:
            snapshot_fd = os.dup(files._fd)
            body_start = snapshot_identity(snapshot_fd, snapshot, name)[1]
        journal_fd = os.dup(engine._fd)
    except BaseException:
        if snapshot_fd >= 0:
            os.close(snapshot_fd)
        raise
    return _Start(snapshot, snapshot_fd, body_start, engine.journal_path, journal_fd,
                  engine._kept_tail, dict(tail.where), tail.truncated)


def _in_id_order(files: TableFiles) -> bool:
    """Whether the snapshot's lines are in ascending id order (its `.ids` file says where
    each id's line is). Compaction writes them so; an older file may not be."""
    slots = files._slots
    if slots is None:
        return True
    offsets = [offset for offset, length in zip(slots[0::2].tolist(), slots[1::2].tolist(),
                                                 strict=True) if length]
    return all(map(operator.lt, offsets, offsets[1:]))


def _merged(start: _Start, name: str) -> Iterator[tuple[int, Doc]]:
    tail = start.tail
    changed = sorted(tail)
    lines = _TailLines(start, name)
    at = 0  # the next changed id to merge
    for doc_id, body in _snapshot_lines(start):
        while at < len(changed) and changed[at] < doc_id:
            found = lines.doc(changed[at])
            if found is not None:
                yield changed[at], found
            at += 1
        if at < len(changed) and changed[at] == doc_id:
            continue  # its tail version is merged in its turn
        doc = orjson.loads(body)
        if doc.__class__ is not dict:
            raise CorruptFileError(start.snapshot, None,
                                   f"document {doc_id} is not a JSON object")
        yield doc_id, doc
    for doc_id in changed[at:]:
        found = lines.doc(doc_id)
        if found is not None:
            yield doc_id, found


class _Pread(io.RawIOBase):
    """Reads of a descriptor at a position of its own (`pread`): a duplicated descriptor
    shares its file offset with the original, and two scans of one table at once (two
    threads of a session) would each move the other's."""

    def __init__(self, fd: int, position: int) -> None:
        super().__init__()
        self._fd, self._position = fd, position

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = os.pread(self._fd, len(buffer), self._position)
        buffer[:len(data)] = data
        self._position += len(data)
        return len(data)

    def fileno(self) -> int:
        return self._fd


def _snapshot_lines(start: _Start) -> Iterator[tuple[int, bytes]]:
    """(id, JSON) of each document line of the snapshot, every block's checksum verified
    before any of its lines is used."""
    if start.snapshot_fd < 0 or start.truncated:
        return
    with io.BufferedReader(_Pread(start.snapshot_fd, start.body_start), 1 << 20) as handle:
        for _, _, block in document_blocks(handle, start.snapshot, start.body_start):
            for line in block.split(b"\n")[:-1]:
                key, _, rest = line.partition(b" ")
                yield int(key), rest[9:]


class _TailLines:
    """The tail's documents of one table, read by id: each journal line decoded once and
    kept until the last of its documents the scan wants has been read. An import's lines
    hold thousands of documents each, and by id a scan hops between them (the customers
    whose totals every chunk changed): with a few lines kept, it decoded a 2 MB line
    again for nearly every customer."""

    def __init__(self, start: _Start, name: str) -> None:
        self.start, self.name = start, name
        self.wanted = Counter(where[0] for where in start.tail.values() if where is not None)
        self.lines: dict[int, Mapping[str, Any]] = {}

    def doc(self, doc_id: int) -> Doc | None:
        position = self.start.tail[doc_id]
        if position is None:
            return None
        offset, length = position
        docs = self.lines.get(offset)
        if docs is None:
            kept = self.start.kept
            line = kept[1] if kept and kept[0] == offset else os.pread(
                self.start.journal_fd, length, offset)
            record = decode_commit(line, self.start.journal, offset)
            docs = self.lines[offset] = record.get("c", {}).get(self.name, {})
        self.wanted[offset] -= 1
        if not self.wanted[offset]:
            del self.lines[offset], self.wanted[offset]
        doc = docs.get(str(doc_id))
        return dict(doc) if isinstance(doc, dict) else None
