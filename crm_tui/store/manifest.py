"""What the last compaction left: which table snapshots must exist, and their sizes.

The journal's header carries it (journal.py), so it is replaced in the same atomic rename
as the journal it belongs to: {"tables": {name: [epoch, documents, bytes]}}. Every table
with a snapshot file is listed. A snapshot that is missing, shorter or longer than listed,
or on disk but not listed, is damage, with one exception: a compaction writes its new
snapshots (of the next epoch) before it replaces the journal, so a snapshot of epoch
`journal epoch + 1` belongs to a compaction still running or killed; such a file carries
its own checksums and count and is judged when read.

Checking sizes costs a stat per table, not a read, so writers do it before every commit.
A changed byte inside a snapshot keeps its size: that is found when the snapshot is read
(its blocks are checksummed, snapshot.py), by `crm check`, and by `crm compact`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import CorruptFileError
from .snapshot import read_snapshot_header

SUFFIX = ".json"


@dataclass(frozen=True)
class SnapshotEntry:
    """One listed snapshot: the compaction epoch that wrote it, its documents, its bytes."""

    epoch: int
    count: int
    size: int

    def encode(self) -> list[int]:
        return [self.epoch, self.count, self.size]


Manifest = dict[str, SnapshotEntry]


def decode_manifest(raw: Any) -> Manifest:
    """The header's "tables" field; ValueError when it is not one."""
    if not isinstance(raw, dict):
        raise ValueError("tables is not an object")
    out: Manifest = {}
    for name, entry in raw.items():
        if (not isinstance(entry, list) or len(entry) != 3
                or not all(type(n) is int and n >= 0 for n in entry)):
            raise ValueError(f"bad entry for table {name!r}")
        out[name] = SnapshotEntry(*entry)
    return out


def encode_manifest(manifest: Manifest) -> dict[str, list[int]]:
    return {name: manifest[name].encode() for name in sorted(manifest)}


def snapshot_names(tables_dir: Path) -> set[str]:
    try:
        names = os.listdir(tables_dir)
    except FileNotFoundError:
        return set()
    return {n[: -len(SUFFIX)] for n in names if n.endswith(SUFFIX)}


def verify_files(tables_dir: Path, manifest: Manifest, journal_epoch: int
                 ) -> list[CorruptFileError]:
    """Compare the snapshot files on disk with the manifest (a stat per table)."""
    problems = []
    for name, entry in manifest.items():
        path = tables_dir / f"{name}{SUFFIX}"
        try:
            size = os.stat(path).st_size
        except FileNotFoundError:
            problems.append(CorruptFileError(
                path, None, f"missing: the last compaction wrote it with {entry.count} "
                "documents"))
            continue
        if size != entry.size and not _next_epoch(path, name, journal_epoch, problems):
            cut = "cut short" if size < entry.size else "longer than written"
            problems.append(CorruptFileError(
                path, min(size, entry.size),
                f"{cut}: it is {size} bytes, the last compaction wrote {entry.size}"))
    for name in sorted(snapshot_names(tables_dir) - manifest.keys()):
        path = tables_dir / f"{name}{SUFFIX}"
        if not _next_epoch(path, name, journal_epoch, problems):
            problems.append(CorruptFileError(
                path, None, "not written by the last compaction (the journal does not list it)"))
    return problems


def _next_epoch(path: Path, name: str, journal_epoch: int,
                problems: list[CorruptFileError]) -> bool:
    """Is this a snapshot written by a compaction that has not replaced the journal yet?"""
    try:
        header = read_snapshot_header(path, name)
    except FileNotFoundError:
        return False
    except CorruptFileError as exc:
        problems.append(exc)
        return True  # reported already, as what it is
    return header.epoch == journal_epoch + 1
