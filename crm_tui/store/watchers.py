"""Watchers: told of every committed change to a table, whether or not it is loaded.

A `DocObserver` (indexes.py) follows a loaded table's documents, rollbacks included. A
watcher follows commits instead: it is told, after each commit made here or caught up from
another process, which documents of its table the commit wrote (their new values; None:
deleted), so a read model can hold its own small projection of a table that the store
never loads. `everything=True` means what the watcher holds may be wrong as a whole (the
table was truncated, or this process missed a journal): it starts over from a scan, then
takes `docs`. Watchers run under the store's lock: they must be cheap and must not read
the store.

The documents of a commit caught up from another process are decoded only when a watcher
asks for one (`Written`): a watcher that keeps ids only (which customers changed), or
that holds nothing yet, costs no decoding of an import's thousands of documents.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping
from typing import Any, Protocol

from .journal import TableDocs, written

Doc = dict[str, Any]


class TableWatcher(Protocol):
    def committed(self, docs: Mapping[int, Doc | None], everything: bool) -> None: ...


class Watchers:
    """The watchers of every table, and the one place commits are announced to them."""

    def __init__(self) -> None:
        self._by_table: dict[str, list[TableWatcher]] = {}

    def add(self, table: str, watcher: TableWatcher) -> None:
        self._by_table.setdefault(table, []).append(watcher)

    def record(self, record: Mapping[str, Any]) -> None:
        """A commit, as the journal holds it: {"c": {table: {id: doc}}, "t": [table]}."""
        if not self._by_table:
            return
        truncated = record.get("t", ())
        changes = record.get("c", {})
        for table, watchers in self._by_table.items():
            written = changes.get(table)
            if written or table in truncated:
                docs = _by_id(written or {})
                for watcher in watchers:
                    watcher.committed(docs, table in truncated)

    def lost(self) -> None:
        """This process missed commits (a journal it never read): everyone starts over."""
        for watchers in self._by_table.values():
            for watcher in watchers:
                watcher.committed({}, True)


def _by_id(docs: Mapping[Any, Doc | None]) -> Mapping[int, Doc | None]:
    if isinstance(docs, TableDocs):
        return Written(docs)
    return {int(key): doc for key, doc in docs.items()}


class Written(Mapping[int, Doc | None]):
    """A caught-up commit's documents of one table by id (None: deleted): the ids known
    from the commit line's index, the documents decoded when first read."""

    __slots__ = ("_by_id", "_ids", "_raw")

    def __init__(self, docs: TableDocs) -> None:
        self._raw: TableDocs | None = docs
        self._ids = [doc_id for doc_id, _ in written(docs)]
        self._by_id: dict[int, Doc | None] | None = None

    def _decoded(self) -> dict[int, Doc | None]:
        if self._by_id is None:
            assert self._raw is not None
            self._by_id = {int(key): doc for key, doc in self._raw.decoded().items()}
            self._raw = None
        return self._by_id

    def __getitem__(self, doc_id: int) -> Doc | None:
        return self._decoded()[doc_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def items(self) -> ItemsView[int, Doc | None]:
        return self._decoded().items()
