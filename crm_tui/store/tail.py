"""The journal tail overlay: what the journal changed since the snapshots, by position.

Built while the journal is read (at open, the whole journal since the last compaction;
then each catch-up and each commit of this process). Per table, per changed id: where
its latest version's journal line is (offset, length), or None for a deletion, and
whether the table was truncated (then nothing of its snapshot counts). Documents are not
kept: a read preads the line, checks its CRC and decodes it (reads.py).

Per declared index, the keys of the tail's documents are worked out when first asked and
then kept current from the log of changed ids: `ids(key)` = the snapshot's ids for the
key, minus every id the tail changed, plus the tail's ids whose latest version has it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .journal import written_ids

Position = tuple[int, int]  # offset and length of a journal line
Doc = dict[str, Any]
ReadDoc = Callable[[Position, str, int], Doc | None]


@dataclass
class KeyOverlay:
    """One index's view of a table's tail: key -> ids whose latest version has it."""

    done: int = 0  # how much of the table's log is reflected
    key_of: dict[int, Hashable] = field(default_factory=dict)
    ids: dict[Hashable, set[int]] = field(default_factory=dict)

    def move(self, doc_id: int, key: Hashable | None) -> None:
        old = self.key_of.pop(doc_id, None)
        if old is not None:
            held = self.ids[old]
            held.discard(doc_id)
            if not held:
                del self.ids[old]
        if key is not None:
            self.key_of[doc_id] = key
            self.ids.setdefault(key, set()).add(doc_id)


@dataclass
class TableTail:
    name: str
    truncated: bool = False
    where: dict[int, Position | None] = field(default_factory=dict)
    log: list[int] = field(default_factory=list)  # ids in the order they changed
    keys: dict[str, KeyOverlay] = field(default_factory=dict)

    def truncate(self) -> None:
        self.truncated = True
        self.where.clear()
        self.log.clear()
        self.keys.clear()

    def wrote(self, docs: Mapping[str, Any], position: Position) -> None:
        """A commit's documents of this table (`c[table]`), its line at `position`: ids
        only, set all at once (an import's line holds thousands)."""
        ids, gone = written_ids(docs)
        self.where.update(dict.fromkeys(ids, position))
        for doc_id in gone:
            self.where[doc_id] = None
        self.log += ids

    def keyed(self, index: str, key_of: Callable[[Doc], Any], read: ReadDoc) -> KeyOverlay:
        """The index's overlay, brought up to date with the log (documents read by
        `read(position, table, id)`)."""
        overlay = self.keys.setdefault(index, KeyOverlay())
        for doc_id in self.log[overlay.done:]:
            position = self.where[doc_id]
            doc = None if position is None else read(position, self.name, doc_id)
            overlay.move(doc_id, None if doc is None else key_of(doc))
        overlay.done = len(self.log)
        return overlay


class TailOverlay:
    """Every table's tail since the journal began."""

    def __init__(self) -> None:
        self.tables: dict[str, TableTail] = {}

    def note(self, record: dict[str, Any], position: Position) -> None:
        """A commit read from (or written to) the journal line at `position`."""
        for name in record.get("t", ()):
            self._table(name).truncate()
        for name, docs in record.get("c", {}).items():
            self._table(name).wrote(docs, position)  # the documents stay undecoded

    def _table(self, name: str) -> TableTail:
        tail = self.tables.get(name)
        if tail is None:
            tail = self.tables[name] = TableTail(name)
        return tail

    def get(self, name: str) -> TableTail:
        return self.tables.get(name) or TableTail(name)
