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
from pathlib import Path
from typing import Any

import orjson

from .errors import CorruptFileError
from .files import atomic_write_chunks
from .snapshot import (
    SNAPSHOT_VERSION,
    SnapshotHeader,
    announced_blocks,
    crc_hex,
    encode_blocks,
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
    yield header_line(header)
    if plan.old is not None:
        yield from _copied(plan)
    changed = plan.changed
    added = sorted(doc_id for doc_id, doc in changed.items()
                   if doc is not None and doc_id not in plan.present)
    yield from encode_blocks((doc_id, changed[doc_id]) for doc_id in added)  # type: ignore[misc]


def _copied(plan: Rewrite) -> Iterator[bytes]:
    """The current snapshot's blocks, verified again as they are read, copied or rebuilt."""
    assert plan.old is not None
    with open(plan.path, "rb") as handle:
        st = os.fstat(handle.fileno())
        if (st.st_ino, st.st_size) != plan.file:
            raise CorruptFileError(plan.path, None, "replaced while it was being compacted")
        handle.seek(plan.body_start)
        lines = 0
        for number, (announce, _, _, block) in enumerate(
                announced_blocks(handle, plan.path, plan.body_start)):
            lines += block.count(b"\n")
            if number not in plan.touched:
                yield announce
                yield block
                continue
            rebuilt = _rebuilt(block, plan.changed)
            if rebuilt:
                yield b"#%b %d %d\n" % (crc_hex(rebuilt), len(rebuilt), rebuilt.count(b"\n"))
                yield rebuilt
    _check_count(plan.path, plan.old, plan.body_start, lines)


def _rebuilt(block: bytes, changed: Changed) -> bytes:
    """A block's lines with the changed documents encoded in their places (deleted ones
    left out); the others as they are."""
    out = []
    dumps = orjson.dumps
    for line in block.split(b"\n")[:-1]:
        doc_id = int(line[:line.index(b" ")])
        if doc_id not in changed:
            out.append(line + b"\n")
        elif (doc := changed[doc_id]) is not None:
            body = dumps(doc)
            out.append(b"%d %b %b\n" % (doc_id, line_crc(doc_id, body), body))
    return b"".join(out)


def _ids(block: bytes) -> list[int]:
    """The ids of a verified block's lines."""
    return [int(line[:line.index(b" ")]) for line in block.split(b"\n")[:-1]]


def _check_count(path: Path, header: SnapshotHeader, body_start: int, lines: int) -> None:
    if lines != header.count:
        raise CorruptFileError(path, body_start, f"header says {header.count} documents, "
                               f"file holds {lines}")
