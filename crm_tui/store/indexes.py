"""In-memory secondary indexes: key -> the ids of its documents, kept current on every
change.

Indexes are declared in code: they are rebuilt when a table loads and updated
incrementally on every put/delete, whether the change was made here or caught up from
another process's commit. One declared with `kind="order"` keeps no key on disk: its file
lists the ids in the order of their keys (any comparable values; None: left out), for a
read model's first answer (`Database.ordered_ids`): the keys may be personal data, which
no derived file holds. One declared with `kind="int"` (its keys are integers, or None:
not indexed) is also written to disk by compaction (doc_index.py), so a table that is not
loaded can be read by key; its `version` names the key function: change it when the key
function changes, and files written with the old one are no longer used.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, Protocol, TypeVar

KeyFunc = Callable[[Mapping[str, Any]], Any]


class DocObserver(Protocol):
    """Anything kept in step with a table's documents (an Index, or a service's own view).

    `add` and `discard` are called for every change, made here or caught up from another
    process, and during rollbacks; `replace` when a stored document is replaced (it must
    leave the observer as `discard` then `add` would; an index whose keys did not move has
    nothing to do, which is most replaces: a purchase rewrites its customer's totals, not
    their email); `rebuild` when the table (re)loads; `clear` on truncate or unload.
    Observers must be cheap and must not write to the store.
    """

    name: str

    def add(self, doc_id: int, doc: Mapping[str, Any]) -> None: ...
    def discard(self, doc_id: int, doc: Mapping[str, Any]) -> None: ...
    def replace(self, doc_id: int, old: Mapping[str, Any], new: Mapping[str, Any]) -> None: ...
    def rebuild(self, docs: Mapping[int, Mapping[str, Any]]) -> None: ...
    def clear(self) -> None: ...


# The ids under one key: most keys (an email, an external id) have one document, kept as
# the bare int; a set only from the second. An import of 100,000 customers otherwise left
# a set per key and index behind, each one more object for every collection of the cycle
# collector to walk.
Held = int | set[int]
Key = TypeVar("Key", bound=Hashable)


def add_id(ids: dict[Key, Held], key: Key, doc_id: int) -> None:
    held = ids.get(key)
    if held is None:
        ids[key] = doc_id
    elif held.__class__ is int:
        if held != doc_id:
            ids[key] = {held, doc_id}
    else:
        held.add(doc_id)  # type: ignore[union-attr]


def discard_id(ids: dict[Key, Held], key: Key, doc_id: int) -> None:
    held = ids.get(key)
    if held is None:
        return
    if held.__class__ is int:
        if held == doc_id:
            del ids[key]
        return
    held.discard(doc_id)  # type: ignore[union-attr]
    if not held:
        del ids[key]


def id_set(held: Held | None) -> set[int]:
    """The ids under a key as a set of the caller's own."""
    if held is None:
        return set()
    return {held} if held.__class__ is int else set(held)  # type: ignore[arg-type]


class Index:
    """Maps the key(s) a document yields to the ids of the documents that yield it.

    With `multi=True` the key function returns an iterable (e.g. tags) and the document is
    indexed under each element. `None` keys are not indexed.
    """

    def __init__(self, name: str, key: KeyFunc, *, multi: bool = False,
                 kind: str | None = None, version: int = 1) -> None:
        if kind not in (None, "int", "order") or (kind and multi):
            raise ValueError(f"index {name!r}: kind {kind!r} is not supported")
        self.name = name
        self.key = key
        self.multi = multi
        # What the index's file on disk is made of; None: it has none (in memory only).
        self.definition = f"{kind}/{version}" if kind else None
        self._ids: dict[Hashable, Held] = {}
        # Built on first lookup, not when the table loads: opening 100k customers must not
        # wait for indexes that only a save (a uniqueness check) will ask.
        self._pending: Mapping[int, Mapping[str, Any]] | None = None

    def _keys(self, doc: Mapping[str, Any]) -> Iterable[Hashable]:
        value = self.key(doc)
        if value is None:
            return ()
        if self.multi:
            return {item for item in value if item is not None}
        return (value,)

    def add(self, doc_id: int, doc: Mapping[str, Any]) -> None:
        if self._pending is not None:
            return  # the pending full build sees this document (the table is live)
        ids = self._ids
        for key in self._keys(doc):
            add_id(ids, key, doc_id)

    def discard(self, doc_id: int, doc: Mapping[str, Any]) -> None:
        if self._pending is not None:
            return
        ids = self._ids
        for key in self._keys(doc):
            discard_id(ids, key, doc_id)

    def replace(self, doc_id: int, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        if self._pending is not None:
            return
        key = self.key
        if self.multi or key(old) != key(new):
            self.discard(doc_id, old)
            self.add(doc_id, new)

    def rebuild(self, docs: Mapping[int, Mapping[str, Any]]) -> None:
        """Index `docs` (the table's live mapping) when first asked."""
        self._ids = {}
        self._pending = docs

    def _built(self) -> dict[Hashable, Held]:
        if self._pending is not None:
            docs, self._pending = self._pending, None
            for doc_id, doc in docs.items():
                self.add(doc_id, doc)
        return self._ids

    def clear(self) -> None:
        self._ids = {}
        self._pending = None

    def ids(self, key: Hashable) -> frozenset[int]:
        return frozenset(id_set(self._built().get(key)))

    def in_order(self) -> list[int]:
        """Every indexed id, by (key, id)."""
        built = self._built()
        return [i for key in sorted(built)  # type: ignore[type-var]
                for i in sorted(id_set(built[key]))]

    def between(self, low: Any, high: Any) -> list[tuple[Any, int]]:
        """(key, id) of every key from `low` to `high` included (None: no bound), in
        (key, id) order; the keys must be comparable with the bounds (an int index's)."""
        return sorted((key, doc_id) for key, held in self._built().items()
                      if in_range(key, low, high) for doc_id in id_set(held))


def in_range(key: Any, low: Any, high: Any) -> bool:
    """Whether `low <= key <= high`, a bound of None being no bound."""
    return (low is None or key >= low) and (high is None or key <= high)
