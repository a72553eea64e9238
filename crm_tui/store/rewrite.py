"""A table's next snapshot written from its current one: unchanged lines copied as bytes.

Compaction used to parse every document of a table the journal touched and encode them
all again. Here the current version 3 snapshot is walked block by block, each block's
CRC checked as it is read (a line is copied only from a block whose every byte was just
verified: a changed byte stops the compaction, naming the file and line), and:

- a block holding none of the documents the journal changed is copied whole, with its
  block header line;
- a block holding some is rebuilt: its other lines copied, the changed documents encoded
  in their places, the deleted ones dropped, under a new block header;
- documents that were not in the snapshot follow, by id, in blocks of their own.

Two passes: `plan_rewrite` reads the snapshot through once (verifying it before anything
is written) to find which of the changed ids it holds, and so the new header's count;
`write_rewrite` copies. Only ids up to the snapshot's last id are looked for: a higher
one is new, so a table whose journal only added documents (an import) needs no ids read
in the first pass.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate, islice
from pathlib import Path
from typing import Any

import orjson

from .errors import CorruptFileError
from .files import atomic_write_chunks
from .snapshot import (
    SNAPSHOT_VERSION,
    WRITE_BATCH,
    SnapshotHeader,
    announced_blocks,
    encode_lines,
    framed,
    header_line,
    line_crc,
    parse_header,
)

Doc = dict[str, Any]
Changed = Mapping[int, Doc | None]  # id -> its document now, None: deleted


@dataclass
class Rewrite:
    """What the first pass found in a table's current snapshot (`old` None: it has none)."""

    path: Path
    table: str
    changed: Changed
    old: SnapshotHeader | None = None
    body_start: int = 0
    file: tuple[int, int] = (0, 0)  # (inode, size) of the snapshot the pass read
    present: set[int] = field(default_factory=set)  # changed ids with a line in it
    touched: set[int] = field(default_factory=set)  # numbers of the blocks holding those
    layout: Layout | None = None  # where `write_rewrite` put each line

    @property
    def count(self) -> int:
        """How many documents the new snapshot holds."""
        kept = (self.old.count if self.old else 0) - sum(
            1 for doc_id in self.present if self.changed[doc_id] is None)
        return kept + sum(1 for doc_id, doc in self.changed.items()
                          if doc is not None and doc_id not in self.present)


def plan_rewrite(path: Path, table: str, changed: Changed) -> Rewrite:
    """Read the table's version 3 snapshot (if any) through, checking every block: which
    changed ids it holds, in which blocks. Raises CorruptFileError for any damage, and
    ValueError for an older version (those are parsed and written whole)."""
    plan = Rewrite(path, table, changed)
    if not path.exists():  # under the lock: no compaction creates or removes it meanwhile
        return plan
    with open(path, "rb") as handle:
        first = handle.readline()
        plan.old = old = parse_header(first, path, table)
        if old.version != SNAPSHOT_VERSION:
            raise ValueError(f"{path}: a version {old.version} snapshot is not copied")
        st = os.fstat(handle.fileno())
        plan.body_start, plan.file = len(first), (st.st_ino, st.st_size)
        wanted = {doc_id for doc_id in changed if doc_id <= old.last_id}
        lines = 0
        for number, (_, _, _, block) in enumerate(announced_blocks(handle, path, len(first))):
            lines += block.count(b"\n")
            if wanted and (found := wanted.intersection(_ids(block))):
                plan.present |= found
                plan.touched.add(number)
    _check_count(path, old, plan.body_start, lines)
    return plan


def write_rewrite(plan: Rewrite, header: SnapshotHeader, mode: int) -> int:
    """Write the new snapshot (`header`: its epoch and last id; count as planned) aside
    and rename it over the old one; returns its size. Raises CorruptFileError, leaving the
    old snapshot in place, if a block no longer verifies."""
    return atomic_write_chunks(plan.path, _chunks(plan, header), mode)


def _chunks(plan: Rewrite, header: SnapshotHeader) -> Iterator[bytes]:
    layout = plan.layout = Layout()
    top = header_line(header)
    layout.at = len(top)
    yield top
    if plan.old is not None:
        yield from _copied(plan, layout)
    changed = plan.changed
    added = iter(sorted(doc_id for doc_id, doc in changed.items()
                        if doc is not None and doc_id not in plan.present))
    while ids := list(islice(added, WRITE_BATCH)):
        lines = encode_lines([(doc_id, changed[doc_id]) for doc_id in ids])  # type: ignore[misc]
        yield from layout.placed(ids, lines)


def _copied(plan: Rewrite, layout: Layout) -> Iterator[bytes]:
    """The current snapshot's blocks, verified again as they are read, copied or rebuilt."""
    assert plan.old is not None
    with open(plan.path, "rb") as handle:
        st = os.fstat(handle.fileno())
        if (st.st_ino, st.st_size) != plan.file:
            raise CorruptFileError(plan.path, None, "replaced while it was being compacted")
        handle.seek(plan.body_start)
        lines = 0
        for number, (announce, start, _, block) in enumerate(
                announced_blocks(handle, plan.path, plan.body_start)):
            lines += block.count(b"\n")
            if number not in plan.touched:
                yield from layout.copied(announce, start, block)
                continue
            ids, rebuilt = _rebuilt(block, plan.changed)
            if rebuilt:
                yield from layout.placed(ids, rebuilt)
    _check_count(plan.path, plan.old, plan.body_start, lines)


def _rebuilt(block: bytes, changed: Changed) -> tuple[list[int], list[bytes]]:
    """A block's ids and lines with the changed documents encoded in their places (deleted
    ones left out); the others as they are."""
    ids, out = [], []
    dumps = orjson.dumps
    for line in block.split(b"\n")[:-1]:
        doc_id = int(line[:line.index(b" ")])
        if doc_id not in changed:
            ids.append(doc_id)
            out.append(line + b"\n")
        elif (doc := changed[doc_id]) is not None:
            body = dumps(doc)
            ids.append(doc_id)
            out.append(b"%d %b %b\n" % (doc_id, line_crc(doc_id, body), body))
    return ids, out


class Layout:
    """Where the new snapshot's lines went, noted as it is written: blocks copied whole
    (each old line moved by one distance) and lines placed one by one (rebuilt blocks,
    new documents). With the old snapshot's `.ids`, that is the new one's (carried.py)."""

    def __init__(self) -> None:
        self.at = 0  # where the next chunk goes
        self.moves: list[tuple[int, int, int]] = []  # (old start, old end, new start)
        self.ids: list[int] = []  # placed lines: ids, offsets, lengths
        self.offsets: list[int] = []
        self.lengths: list[int] = []

    def copied(self, announce: bytes, old_start: int, block: bytes) -> Iterator[bytes]:
        self.moves.append((old_start, old_start + len(block), self.at + len(announce)))
        self.at += len(announce) + len(block)
        yield announce
        yield block

    def placed(self, ids: list[int], lines: list[bytes]) -> Iterator[bytes]:
        announce, block = framed(lines)
        lengths = list(map(len, lines))
        start = self.at + len(announce)
        self.ids += ids
        self.offsets += accumulate(lengths[:-1], initial=start)
        self.lengths += lengths
        self.at = start + len(block)
        yield announce
        yield block


def _ids(block: bytes) -> list[int]:
    """The ids of a verified block's lines."""
    return [int(line[:line.index(b" ")]) for line in block.split(b"\n")[:-1]]


def _check_count(path: Path, header: SnapshotHeader, body_start: int, lines: int) -> None:
    if lines != header.count:
        raise CorruptFileError(path, body_start, f"header says {header.count} documents, "
                               f"file holds {lines}")
