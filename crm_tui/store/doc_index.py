"""The derived files of one table: where each document's line is, and who has which key.

- `tables/<t>.ids`: one (offset, length) pair of u32 per id, slot = document id, of the
  document's line in the snapshot; (0, 0) = no such document.
- `tables/<t>.by-<index>`: a declared index of kind "int" (`StoreTable.create_index(...,
  kind="int")`) in CSR layout: the sorted distinct keys (i64), where each key's ids start
  (u32, one more than the keys), and the ids (u32), ascending per key; for an index of
  kind "order", only the ids (u32) in (key, id) order, no key.

`build_table_files` writes them from a version 3 snapshot (compaction, in the same pass,
or any process later, without the lock). `TableFiles` reads them: a document's line is
read from the snapshot with `pread` and its own CRC checked before it is decoded, so a
derived file can only ever point at the wrong line, which is then seen as stale
(`Unusable`), never as a wrong answer. Version 1 and 2 snapshots have no line checksums:
they get no derived files (their tables are loaded, as before).
"""

from __future__ import annotations

import bisect
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from .derived_files import (
    USABLE,
    DerivedFile,
    SnapshotIdentity,
    Unusable,
    ids_path,
    index_path,
    write_derived,
)
from .snapshot import SNAPSHOT_VERSION, document_blocks, line_verifies, parse_header

IDS_DEFINITION = "ids/1"
KEY_BATCH = 8192  # documents keyed at a time by a build from the snapshot
MAX_U32 = 0xFFFFFFFF
Doc = dict[str, Any]
KeyOf = Callable[[Doc], Any]


def snapshot_identity(fd: int, path: Path, table: str) -> tuple[SnapshotIdentity, int]:
    """The identity of an open version 3 snapshot and where its body starts; Unusable for
    older versions (no line checksums: nothing is derived from them)."""
    first = b""
    while b"\n" not in first and len(first) < 1 << 20:
        chunk = os.pread(fd, 65536, len(first))
        if not chunk:
            break
        first += chunk
    line = first[:first.find(b"\n") + 1]
    header = parse_header(line, path, table)
    if header.version != SNAPSHOT_VERSION:
        raise Unusable(f"a version {header.version} snapshot has no line checksums",
                       rebuild=False)
    size = os.fstat(fd).st_size
    return SnapshotIdentity(header.epoch, size, line[:8].decode()), len(line)


def _lines(fd: int, path: Path, body_start: int) -> Iterator[tuple[int, int, bytes]]:
    """(offset, id, line without its newline) of every document line, blocks checked."""
    with os.fdopen(os.dup(fd), "rb") as handle:
        handle.seek(body_start)
        for start, _line_no, block in document_blocks(handle, path, body_start):
            pos = 0
            while pos < len(block):
                end = block.index(b"\n", pos)
                line = block[pos:end]
                yield start + pos, int(line[:line.index(b" ")]), line
                pos = end + 1


def csr(packed: list[int]) -> tuple[array[int], array[int], array[int]]:
    """An int index's arrays from its (key, id) pairs packed as `key << 32 | id` (plain
    ints: a million of them are sorted and walked without tuples for the collector to
    track): keys ascending, each key's ids too."""
    packed.sort()
    ids = array("I", [pair & MAX_U32 for pair in packed])
    keys, starts = array("q"), array("I")
    previous = None
    for at, pair in enumerate(packed):
        if (key := pair >> 32) != previous:
            keys.append(key)
            starts.append(at)
            previous = key
    starts.append(len(packed))
    return keys, starts, ids


def int_key(key: Any) -> bool:
    return key.__class__ is int and -(1 << 63) <= key < 1 << 63


class TableKeys:
    """Each declared index's keys of a snapshot's documents, gathered for its file: an int
    index's (key, id) pairs packed (see `csr`), an order index's (key, id) pairs. An index
    whose keys are not all integers (or None: not indexed) gets none (`None`: no file)."""

    def __init__(self, indexes: Mapping[str, tuple[str, KeyOf]]) -> None:
        self.indexes = indexes
        self.packed: dict[str, list[int] | None] = {
            name: [] for name, (definition, _) in indexes.items() if not is_order(definition)}
        self.pairs: dict[str, list[tuple[Any, int]]] = {
            name: [] for name, (definition, _) in indexes.items() if is_order(definition)}

    def add(self, ids: list[int], docs: list[Doc], names: Iterable[str] | None = None) -> None:
        """Key documents (`docs[i]` is document `ids[i]`) under each index (or those
        `names`), one index at a time."""
        for name in self.indexes if names is None else names:
            key_of = self.indexes[name][1]
            keys = list(map(key_of, docs))
            if name in self.pairs:
                self.pairs[name] += [(key, doc_id) for doc_id, key in zip(ids, keys, strict=True)
                                     if key is not None]
                continue
            packed = self.packed[name]
            if packed is None:
                continue
            if all(key is None or int_key(key) for key in keys):
                packed += [key << 32 | doc_id for doc_id, key in zip(ids, keys, strict=True)
                           if key is not None]
            else:
                self.packed[name] = None  # not an int index after all: no file

    def write(self, tables_dir: Path, table: str, identity: SnapshotIdentity,
              slots: array[int], mode: int) -> list[Path]:
        """Write `<t>.ids` (`slots`) and each index's file; returns the files written."""
        written = [ids_path(tables_dir, table)]
        write_derived(written[0], "ids", table, identity, IDS_DEFINITION, [len(slots)],
                      [slots], mode)
        for name, packed in self.packed.items():
            if packed is None:
                continue
            keys, starts, ids = csr(packed)
            path = index_path(tables_dir, table, name)
            write_derived(path, "index", table, identity, self.indexes[name][0],
                          [len(keys), len(starts), len(ids)], [keys, starts, ids], mode)
            written.append(path)
        for name, pairs in self.pairs.items():
            written += _write_order(tables_dir, table, name, identity, self.indexes[name][0],
                                    pairs, mode)
        return written


def build_table_files(snapshot: Path, table: str, indexes: Mapping[str, tuple[str, KeyOf]],
                      mode: int, docs: Mapping[int, Doc] | None = None) -> list[Path]:
    """Write `<t>.ids` and one file per index (name -> (definition, key function)) from
    the snapshot; returns the files written. `docs` (the snapshot's documents, when the
    caller holds them: a compaction) spares parsing lines for their keys. An index whose
    keys are not all integers (or None: not indexed) gets no file; neither does a snapshot
    too big for u32 offsets or of an older version. Raises CorruptFileError when the
    snapshot's blocks do not verify (nothing is written then)."""
    if not USABLE:
        return []
    fd = os.open(snapshot, os.O_RDONLY | os.O_CLOEXEC)
    try:
        try:
            identity, body_start = snapshot_identity(fd, snapshot, table)
        except Unusable:
            return []
        if identity.size > MAX_U32:
            return []
        slots = array("I")
        keys = TableKeys(indexes)
        batch_ids: list[int] = []
        batch: list[Doc] = []
        for offset, doc_id, line in _lines(fd, snapshot, body_start):
            if doc_id * 2 + 1 >= len(slots):
                slots.frombytes(bytes(4 * (doc_id * 2 + 2 - len(slots))))
            slots[doc_id * 2], slots[doc_id * 2 + 1] = offset, len(line) + 1
            if not indexes:
                continue
            doc = docs.get(doc_id) if docs is not None else None
            if doc is None:
                doc = orjson.loads(line.split(b" ", 2)[2])
            batch_ids.append(doc_id)
            batch.append(doc)
            if len(batch) == KEY_BATCH:  # a few thousand parsed documents held at a time
                keys.add(batch_ids, batch)
                batch_ids, batch = [], []
        keys.add(batch_ids, batch)
    finally:
        os.close(fd)
    return keys.write(snapshot.parent, table, identity, slots, mode)


def is_order(definition: str) -> bool:
    """Whether an index's file is an order (ids only) rather than keys -> ids."""
    return definition.startswith("order/")


def _write_order(tables_dir: Path, table: str, name: str, identity: SnapshotIdentity,
                 definition: str, pairs: list[tuple[Any, int]], mode: int) -> list[Path]:
    """An order file: the ids by (key, id), no key written. None when the keys do not
    compare (no file: reads load the table)."""
    try:
        pairs.sort()
    except TypeError:
        return []
    path = index_path(tables_dir, table, name)
    ids = array("I", [doc_id for _, doc_id in pairs])
    write_derived(path, "order", table, identity, definition, [len(ids)], [ids], mode)
    return [path]


class IntIndex:
    """One `<t>.by-<index>` file: key -> ids, and ids by a range of keys."""

    def __init__(self, file: DerivedFile) -> None:
        self._file = file
        self._keys, self._starts, self._ids = file.arrays

    def ids(self, key: Any) -> list[int]:
        if not int_key(key):
            return []
        return [doc_id for _, doc_id in self.between(key, key)]

    def between(self, low: int | None, high: int | None) -> list[tuple[int, int]]:
        """(key, id) of every key from `low` to `high` included (None: no bound), in
        (key, id) order."""
        keys, starts, ids = self._keys, self._starts, self._ids
        first = 0 if low is None else bisect.bisect_left(keys, low)
        last = len(keys) if high is None else bisect.bisect_right(keys, high)
        return [(keys[at], doc_id) for at in range(first, last)
                for doc_id in ids[starts[at]:starts[at + 1]].tolist()]

    def packed(self, leaving_out: set[int]) -> list[int]:
        """Every (key, id) pair as `csr` takes them, less the ids in `leaving_out`."""
        keys, starts, ids = self._keys.tolist(), self._starts.tolist(), self._ids.tolist()
        return [key << 32 | doc_id for at, key in enumerate(keys)
                for doc_id in ids[starts[at]:starts[at + 1]] if doc_id not in leaving_out]

    def close(self) -> None:
        self._file.close()


class TableFiles:
    """A table's snapshot held open (for `pread`) with its `.ids` file, and its index
    files opened when first asked. `fd` -1 (identity None): the table has no snapshot (no
    documents). `fd` is this object's to close, also when its `.ids` file is unusable."""

    def __init__(self, tables_dir: Path, table: str, fd: int,
                 identity: SnapshotIdentity | None) -> None:
        self.table = table
        self._tables_dir = tables_dir
        self._fd = fd
        self._indexes: dict[str, IntIndex] = {}
        self._slots: memoryview | None = None
        self._ids_file: DerivedFile | None = None
        if identity is None:
            return
        self.identity = identity
        try:
            self._ids_file = DerivedFile(ids_path(tables_dir, table), "ids", table, identity,
                                         IDS_DEFINITION, "I")
        except BaseException:
            self.close()
            raise
        self._slots = self._ids_file.arrays[0]

    def slots(self) -> list[int]:
        """The `.ids` file's (offset, length) pairs, flat, slot = document id (none when
        the table has no snapshot)."""
        return [] if self._slots is None else self._slots.tolist()

    def read(self, doc_id: int) -> Doc | None:
        """The document from the snapshot, its line's CRC checked; Unusable when the
        `.ids` file points at anything but this document's intact line."""
        slots = self._slots
        if slots is None or doc_id < 0 or doc_id * 2 + 1 >= len(slots):
            return None
        offset, length = slots[doc_id * 2], slots[doc_id * 2 + 1]
        if not length:
            return None
        line = os.pread(self._fd, length, offset)
        prefix = b"%d " % doc_id
        if not line.endswith(b"\n") or not line.startswith(prefix) or not line_verifies(
                line[:-1]):
            raise Unusable(f"{self.table}.ids points at a line that is not document {doc_id}")
        doc = orjson.loads(line[:-1].split(b" ", 2)[2])
        if doc.__class__ is not dict:
            raise Unusable(f"{self.table}: document {doc_id} is not an object")
        return doc

    def order(self, name: str, definition: str) -> list[int]:
        """An order file's ids (none when the table has no snapshot)."""
        if self._fd < 0:
            return []
        file = DerivedFile(index_path(self._tables_dir, self.table, name), "order",
                           self.table, self.identity, definition, "I")
        try:
            return file.arrays[0].tolist()
        finally:
            file.close()

    def index(self, name: str, definition: str) -> IntIndex | None:
        """The index file, or None when the table has no snapshot (no keys at all)."""
        if self._fd < 0:
            return None
        found = self._indexes.get(name)
        if found is None:
            file = DerivedFile(index_path(self._tables_dir, self.table, name), "index",
                               self.table, self.identity, definition, "qII")
            found = self._indexes[name] = IntIndex(file)
        return found

    def close(self) -> None:
        for index in self._indexes.values():
            index.close()
        self._indexes = {}
        self._slots = None
        if self._ids_file is not None:
            self._ids_file.close()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
