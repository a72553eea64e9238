"""Derived files: what makes reads fast, beside each snapshot, never trusted over it.

A derived file is a function of one version 3 snapshot file (`tables/<t>.json`), so it
can be written by any process that can write the folder, with or without the lock: two
builders of the same snapshot write the same bytes. It starts with one header line, as
snapshots do, then a binary body of little-endian arrays, 8-byte aligned:

    <crc32> {"format":"crm-tui-derived","version":1,"kind":"ids","table":"t","epoch":E,
             "snapshot_size":S,"snapshot_crc":"<the snapshot header line's crc>",
             "definition":"...","counts":[...],"body_size":N,"body_crc":"..."}\\n
    <zero padding to a multiple of 8><body>

A reader checks the header's CRC, that (epoch, snapshot size, snapshot header CRC) are
those of the snapshot it holds open, the definition (what was indexed, and how), and the
body's CRC, then maps the body read-only. Any mismatch means missing, stale or damaged:
the file is not used (reads take the slow path) and it is not damage of the database. The
files hold ids, offsets and integer keys only, never a value a person typed.

Written aside under a name of this writer's own, fsync'd and renamed, so a reader never
sees half a file and a killed writer leaves only a `.tmp` (removed by a compaction).
"""

from __future__ import annotations

import mmap
import os
import sys
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .files import fsync_dir, write_all

DERIVED_FORMAT = "crm-tui-derived"
DERIVED_VERSION = 1
IDS_SUFFIX = ".ids"
INDEX_INFIX = ".by-"
ALIGN = 8
# The arrays are stored little-endian and mapped as they are: elsewhere, no derived file
# is written or read (every read takes the slow path, which stays correct).
USABLE = sys.byteorder == "little"


@dataclass(frozen=True)
class SnapshotIdentity:
    """Which snapshot file a derived file belongs to."""

    epoch: int
    size: int
    header_crc: str  # the 8 hex digits that start the snapshot's header line

    def fields(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "snapshot_size": self.size,
                "snapshot_crc": self.header_crc}


def ids_path(tables_dir: Path, table: str) -> Path:
    return tables_dir / f"{table}{IDS_SUFFIX}"


def index_path(tables_dir: Path, table: str, index: str) -> Path:
    return tables_dir / f"{table}{INDEX_INFIX}{index}"


def derived_paths(tables_dir: Path, table: str) -> list[Path]:
    """Every derived file of a table present in the folder."""
    return sorted([*tables_dir.glob(f"{table}{INDEX_INFIX}*"),
                   *tables_dir.glob(f"{table}{IDS_SUFFIX}")])


def _header(kind: str, table: str, identity: SnapshotIdentity, definition: str,
            counts: Sequence[int], body: Sequence[bytes]) -> bytes:
    crc, size = 0, 0
    for part in body:
        crc, size = zlib.crc32(part, crc), size + len(part)
    record = orjson.dumps({
        "format": DERIVED_FORMAT, "version": DERIVED_VERSION, "kind": kind, "table": table,
        **identity.fields(), "definition": definition, "counts": list(counts),
        "body_size": size, "body_crc": f"{crc:08x}",
    })
    line = b"%08x %b\n" % (zlib.crc32(record), record)
    return line + b"\0" * (-len(line) % ALIGN)


def write_derived(path: Path, kind: str, table: str, identity: SnapshotIdentity,
                  definition: str, counts: Sequence[int], body: Sequence[array[Any]],
                  mode: int) -> None:
    """Write one derived file aside, fsync it and rename it over `path`."""
    parts = [part.tobytes() for part in body]
    write_replacing(path, [_header(kind, table, identity, definition, counts, parts), *parts],
                mode)


def write_replacing(path: Path, parts: Sequence[bytes], mode: int) -> None:
    """Write a file that any process may write at any time, lock or not: under a name of
    this writer's own beside `path`, fsync'd, then renamed over it."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{id(parts):x}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    try:
        os.fchmod(fd, mode)
        for part in parts:
            write_all(fd, part)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


class Unusable(Exception):
    """A derived file that must not be used: missing, stale, damaged or of another
    definition (the reason says which). Never damage of the database. `rebuild` False:
    writing the files again would not help (no snapshot they could be made from, or not
    the one the journal lists: loading the table says why)."""

    def __init__(self, reason: str, *, rebuild: bool = True) -> None:
        super().__init__(reason)
        self.rebuild = rebuild


class DerivedFile:
    """A derived file checked against its snapshot, its body mapped read-only.

    `arrays` are views of the body, in the order written, with the typecodes given."""

    def __init__(self, path: Path, kind: str, table: str, identity: SnapshotIdentity,
                 definition: str, typecodes: str) -> None:
        if not USABLE:
            raise Unusable("not used on this machine (big-endian)", rebuild=False)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            raise Unusable("missing") from None
        try:
            size = os.fstat(fd).st_size
            self._map = mmap.mmap(fd, size, prot=mmap.PROT_READ) if size else None
        finally:
            os.close(fd)
        try:
            self.counts, self.arrays = self._check(kind, table, identity, definition,
                                                   typecodes)
        except BaseException:
            self.close()
            raise

    def _check(self, kind: str, table: str, identity: SnapshotIdentity, definition: str,
               typecodes: str) -> tuple[list[int], list[memoryview]]:
        data = self._map
        end = -1 if data is None else data.find(b"\n", 0, 65536)
        if data is None or end < 9:
            raise Unusable("damaged (no header line)")
        line = data[:end]
        if line[8:9] != b" " or b"%08x" % zlib.crc32(line[9:]) != line[:8]:
            raise Unusable("damaged (header checksum)")
        try:
            head = orjson.loads(line[9:])
            expected = {"format": DERIVED_FORMAT, "version": DERIVED_VERSION, "kind": kind,
                        "table": table, **identity.fields(), "definition": definition}
            if any(head.get(key) != value for key, value in expected.items()):
                raise Unusable("stale (made for another snapshot or definition)")
            counts = [int(n) for n in head["counts"]]
            start = end + 1 + (-(end + 1) % ALIGN)
            body_size = int(head["body_size"])
        except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
            raise Unusable("damaged (header)") from None
        if start + body_size != len(data) or len(counts) != len(typecodes):
            raise Unusable("damaged (size)")
        whole = memoryview(data)
        if f"{zlib.crc32(whole[start:]):08x}" != head.get("body_crc"):
            whole.release()
            raise Unusable("damaged (body checksum)")
        arrays, offset = [], start
        try:
            for code, count in zip(typecodes, counts, strict=True):
                width = array(code).itemsize
                arrays.append(whole[offset:offset + width * count].cast(code))  # type: ignore[call-overload]
                offset += width * count
        finally:
            whole.release()
        if offset != len(data):
            for view in arrays:
                view.release()
            raise Unusable("damaged (array sizes)")
        self._views = arrays
        return counts, arrays

    def close(self) -> None:
        for view in getattr(self, "_views", ()):
            view.release()
        self._views = []
        if self._map is not None:
            self._map.close()
            self._map = None
