"""Watchers: told of every committed change to a table, whether or not it is loaded.

A `DocObserver` (indexes.py) follows a loaded table's documents, rollbacks included. A
watcher follows commits instead: it is told, after each commit made here or caught up from
another process, which documents of its table the commit wrote (their new values; None:
deleted), so a read model can hold its own small projection of a table that the store
never loads. `everything=True` means what the watcher holds may be wrong as a whole (the
table was truncated, or this process missed a journal): it starts over from a scan, then
takes `docs`. Watchers run under the store's lock: they must be cheap and must not read
the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

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
                docs = {int(key): doc for key, doc in (written or {}).items()}
                for watcher in watchers:
                    watcher.committed(docs, table in truncated)

    def lost(self) -> None:
        """This process missed commits (a journal it never read): everyone starts over."""
        for watchers in self._by_table.values():
            for watcher in watchers:
                watcher.committed({}, True)
