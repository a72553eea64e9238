"""A table's next snapshot written aside, without any lock, for a compaction to move into
place (the background upgrade of an old-format table, `Engine.upgrade_table`).

The snapshot is what the compaction would write for the table, had it written it itself:
the table as of a known point of the journal, with the next epoch's header. It is written
with its derived files in a folder of its writer's own beside the tables
(`files.partial_dir`: locked while in use, removed unless emptied into place), so nothing
in `tables/` changes until the compaction, under the lock, moves them in; it does only if
the journal did not change the table since that point. A writer killed before leaves that
folder, which the next compaction removes (`remove_dead_partials`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .derived_files import derived_paths
from .doc_index import KeyOf, build_table_files
from .files import fsync_dir
from .manifest import SUFFIX, SnapshotEntry
from .snapshot import SnapshotHeader, write_snapshot

Doc = dict[str, Any]


@dataclass(frozen=True)
class AsideSnapshot:
    table: str
    folder: Path
    entry: SnapshotEntry  # what the manifest lists once it is in place
    mark: object  # the journal's point for this table it was made at (Engine's to compare)

    def install(self, tables_dir: Path) -> SnapshotEntry:
        """Move the snapshot, then its derived files, into `tables_dir` (the compaction
        holds the lock), and remove the table's derived files it does not replace (of
        indexes not declared here), as a compaction does."""
        snapshot = self.folder / f"{self.table}{SUFFIX}"
        os.replace(snapshot, tables_dir / snapshot.name)
        moved = set()
        for path in sorted(self.folder.iterdir()):
            os.replace(path, tables_dir / path.name)
            moved.add(path.name)
        for stale in derived_paths(tables_dir, self.table):
            if stale.name not in moved:
                stale.unlink(missing_ok=True)
        fsync_dir(tables_dir)
        return self.entry


def write_aside(folder: Path, header: SnapshotHeader, docs: dict[int, Doc],
                indexes: Mapping[str, tuple[str, KeyOf]], mode: int,
                mark: object) -> AsideSnapshot:
    """Write `docs` as the snapshot `header` describes, and its derived files, in
    `folder`, fsync'd."""
    snapshot = folder / f"{header.table}{SUFFIX}"
    size = write_snapshot(snapshot, header, docs, mode)
    build_table_files(snapshot, header.table, indexes, mode, docs)
    return AsideSnapshot(header.table, folder, SnapshotEntry(header.epoch, len(docs), size),
                         mark)
