"""A table's next snapshot written aside, without any lock, for a compaction to rename
into place (the background upgrade of an old-format table, `Engine.upgrade_table`).

The file is what the compaction would write for the table, had it written it itself: the
table as of a known point of the journal, with the next epoch's header, and its derived
files beside it. It ends in ".tmp", so a writer killed before the rename leaves what a
killed compaction leaves (removed by the next one); its derived files name a snapshot
identity no listed snapshot has until the rename (never used before it). The compaction
takes the file only if the journal did not change the table since that point, under the
lock; else it is thrown away and written again.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .doc_index import KeyOf, build_table_files
from .files import fsync_dir
from .manifest import SnapshotEntry
from .snapshot import SnapshotHeader, write_snapshot

Doc = dict[str, Any]


@dataclass(frozen=True)
class AsideSnapshot:
    table: str
    path: Path
    entry: SnapshotEntry  # what the manifest lists once it is in place
    mark: object  # the journal's point for this table it was made at (Engine's to compare)

    def install(self, snapshot: Path) -> SnapshotEntry:
        """Rename it over the table's snapshot (the compaction holds the lock)."""
        os.replace(self.path, snapshot)
        fsync_dir(snapshot.parent)
        return self.entry

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def write_aside(snapshot: Path, header: SnapshotHeader, docs: dict[int, Doc],
                indexes: Mapping[str, tuple[str, KeyOf]], mode: int,
                mark: object) -> AsideSnapshot:
    """Write `docs` as the snapshot `header` describes beside `snapshot`, and its derived
    files, fsync'd; nothing is renamed over the snapshot itself."""
    path = snapshot.with_name(f"{snapshot.name}.{os.getpid()}.aside.tmp")
    try:
        size = write_snapshot(path, header, docs, mode)
        build_table_files(path, header.table, indexes, mode, docs)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return AsideSnapshot(header.table, path, SnapshotEntry(header.epoch, len(docs), size),
                         mark)
