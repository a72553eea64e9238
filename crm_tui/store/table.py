"""TinyDB's Table API over the journaled engine, with O(1) single-document writes.

Stock TinyDB reads the whole database and writes it all back on every change. Here each
write method runs inside an engine transaction and touches only the documents it changes;
reads work on the engine's in-memory documents and behave as TinyDB's do. Extras:
`create_index` / `find` for secondary indexes, and `get(doc_ids=...)` in O(k).

Documents handed in are copied through JSON on the way in (so the store never shares
objects with callers, and a value JSON cannot hold is refused, naming its key, before
anything is written: see values.py).
Documents handed out are shallow copies, as with TinyDB's caching middleware: set keys on
them freely, but treat nested lists and dicts as read-only (copying them on every read
would make scans of 100k documents several times slower).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any

from tinydb.queries import QueryLike
from tinydb.table import Document, Table

from .engine import Doc, Engine, TableState
from .errors import StoreError
from .indexes import Index, KeyFunc
from .values import storable_copy

Fields = Mapping[str, Any] | Callable[[MutableMapping[str, Any]], None]


def id_named(doc_id: object) -> int | None:
    """The document id `get(doc_id=...)` names, read as TinyDB reads it, by its text:
    1 and "1" name document 1; 1.5, NaN and True name none."""
    text = str(doc_id)
    try:
        number = int(text)
    except ValueError:
        return None
    return number if str(number) == text else None


class StoreTable(Table):
    """A TinyDB Table whose storage is an `Engine`."""

    def __init__(self, storage: Engine, name: str, cache_size: int = 10,
                 persist_empty: bool = False) -> None:
        super().__init__(storage, name, cache_size=cache_size)  # type: ignore[arg-type]
        self._engine = storage
        self._state: TableState = storage.state(name)
        self._cache_version = -1
        if persist_empty and name not in storage.table_names():
            with storage.transaction():  # looked at again under the lock: never empties one
                if name not in storage.table_names():
                    storage.truncate(name)  # a commit naming the table: it now exists

    # ----- reads -------------------------------------------------------------------------
    def _docs(self) -> dict[int, Doc]:
        """Loaded documents; the caller holds `engine.reading()` or a transaction."""
        docs = self._engine.docs(self.name)
        if self._cache_version != self._state.version:
            self._query_cache.clear()
            self._cache_version = self._state.version
        return docs

    def _read_table(self) -> dict[str, Mapping[str, Any]]:
        with self._engine.reading():
            return {str(k): v for k, v in self._docs().items()}

    def _wrap(self, doc_id: int, doc: Doc) -> Document:
        return self.document_class(doc, doc_id)

    def __len__(self) -> int:
        with self._engine.reading():
            return len(self._docs())

    def __iter__(self) -> Iterator[Document]:
        with self._engine.reading():
            items = list(self._docs().items())
        for doc_id, doc in items:
            yield self._wrap(doc_id, doc)

    def all(self) -> list[Document]:
        with self._engine.reading():
            return [self._wrap(k, v) for k, v in self._docs().items()]

    def search(self, cond: QueryLike) -> list[Document]:
        with self._engine.reading():
            docs = self._docs()
            cached = self._query_cache.get(cond)
            if cached is not None:
                return cached[:]
            found = [self._wrap(k, v) for k, v in docs.items() if cond(v)]
            if getattr(cond, "is_cacheable", lambda: True)():
                self._query_cache[cond] = found[:]
            return found

    def get(self, cond: QueryLike | None = None, doc_id: int | None = None,
            doc_ids: Iterable[int] | None = None) -> Any:
        if cond is None and (doc_id is not None or doc_ids is not None):
            return self._get_by_id(doc_id, doc_ids)  # needs no loaded table
        with self._engine.reading():
            docs = self._docs()
            if doc_id is not None:
                key = id_named(doc_id)
                doc = docs.get(key) if key is not None else None
                return None if doc is None else self._wrap(key, doc)  # type: ignore[arg-type]
            if doc_ids is not None:
                wanted = {key for key in map(id_named, doc_ids) if key in docs}
                return [self._wrap(i, docs[i]) for i in sorted(wanted)]
            if cond is not None:
                for key, doc in docs.items():
                    if cond(doc):
                        return self._wrap(key, doc)
                return None
        raise RuntimeError("You have to pass either cond or doc_id or doc_ids")

    def _get_by_id(self, doc_id: int | None, doc_ids: Iterable[int] | None) -> Any:
        reads = self._engine.reads
        if doc_id is not None:
            key = id_named(doc_id)
            doc = reads.shared(self.name, key) if key is not None else None
            return None if doc is None else self._wrap(key, doc)  # type: ignore[arg-type]
        assert doc_ids is not None
        wanted = [key for key in map(id_named, doc_ids) if key is not None]
        return [self._wrap(i, doc) for i, doc in reads.get_many(self.name, wanted).items()]

    def contains(self, cond: QueryLike | None = None, doc_id: int | None = None) -> bool:
        if doc_id is not None:
            return self.get(doc_id=doc_id) is not None
        if cond is not None:
            return self.get(cond) is not None
        raise RuntimeError("You have to pass either cond or doc_id")

    def count(self, cond: QueryLike) -> int:
        return len(self.search(cond))

    # ----- secondary indexes -------------------------------------------------------------
    def create_index(self, name: str, key: KeyFunc, *, multi: bool = False,
                     kind: str | None = None, version: int = 1) -> None:
        """Keep `key(doc)` -> ids current for this table (in this process); with
        `kind="int"` also on disk, so `find` needs no loaded table (see indexes.py)."""
        self._engine.add_observer(self.name, Index(name, key, multi=multi, kind=kind,
                                                   version=version))

    def find_ids(self, index: str, key: Any) -> frozenset[int]:
        return frozenset(self._engine.reads.ids_by(self.name, index, key))

    def find(self, index: str, key: Any) -> list[Document]:
        """The documents whose `index` key is `key`, by id (`Database.by`)."""
        return [self._wrap(i, doc) for i, doc in self._engine.reads.by(self.name, index, key)]

    def find_between(self, index: str, low: int | None, high: int | None
                     ) -> list[tuple[int, Document]]:
        """(key, document) of the documents whose `index` key (an index of kind "int") is
        from `low` to `high` included (None: no bound), by key then id; no loaded table
        needed."""
        return [(key, self._wrap(i, doc))
                for key, i, doc in self._engine.reads.between(self.name, index, low, high)]

    def keys_between(self, index: str, low: int | None, high: int | None
                     ) -> list[tuple[int, int]]:
        """(key, id) of the documents `find_between` gives, without reading them."""
        return self._engine.reads.keys_between(self.name, index, low, high)

    # ----- writes ------------------------------------------------------------------------
    def _get_next_id(self) -> int:
        return self._engine.next_id(self.name)

    def insert(self, document: Mapping[str, Any]) -> int:
        if not isinstance(document, Mapping):
            raise ValueError("Document is not a Mapping")
        with self._engine.transaction():
            return self._insert_one(document)

    def _insert_one(self, document: Mapping[str, Any]) -> int:
        if isinstance(document, Document):
            doc_id = document.doc_id
            if not isinstance(doc_id, int) or isinstance(doc_id, bool):
                raise ValueError(f"Document ID {doc_id!r} is not a whole number")
            if doc_id in self._docs():
                raise ValueError(f"Document with ID {doc_id} already exists")
        else:
            doc_id = self._engine.next_id(self.name)
        self._engine.put(self.name, doc_id, storable_copy(document))
        return doc_id

    def insert_multiple(self, documents: Iterable[Mapping[str, Any]]) -> list[int]:
        with self._engine.transaction():
            ids = []
            for document in documents:
                if not isinstance(document, Mapping):
                    raise ValueError("Document is not a Mapping")
                ids.append(self._insert_one(document))
            return ids

    def append(self, document: Mapping[str, Any]) -> int:
        """Insert without loading the table: for event tables written more than read."""
        with self._engine.transaction():
            doc_id = self._engine.next_id(self.name)
            self._engine.put(self.name, doc_id, storable_copy(document))
            return doc_id

    def insert_owned(self, document: Doc) -> int:
        """insert() for a bulk writer, without the copy: see `replace_owned`."""
        engine = self._engine
        engine.require_own_transaction()
        doc_id = engine.next_id(self.name)
        engine.put(self.name, doc_id, document)
        return doc_id

    def stored(self, doc_id: int) -> Doc | None:
        """get() for a bulk writer, without the copy: the stored document itself, to read
        (never change) inside the transaction this thread holds."""
        self._engine.require_own_transaction()
        return self._docs().get(doc_id)

    def replace_owned(self, doc_id: int, document: Doc) -> None:
        """replace() for a bulk writer (an import writes millions of documents), inside a
        transaction this thread holds, without the JSON copy that is most of a write's cost.

        The store takes the dict itself: the caller built it fresh of JSON values (str,
        int, bool, None; no float NaN or infinity) and never changes it afterwards. Nested
        lists and dicts may be ones read from the store (a customer's tags, carried over
        unchanged): stored documents are never changed in place, only replaced.
        """
        self._engine.require_own_transaction()
        self._engine.put(self.name, int(doc_id), document)

    def replace(self, doc_id: int, document: Mapping[str, Any]) -> None:
        """Store `document` as the whole new content of `doc_id` (insert if absent)."""
        with self._engine.transaction():
            self._engine.put(self.name, int(doc_id), storable_copy(document))

    def _target_ids(self, cond: QueryLike | None, doc_ids: Iterable[int] | None) -> list[int]:
        docs = self._docs()
        if doc_ids is not None:  # as TinyDB: ids the table holds (1.0 is 1; "1" is not)
            return [int(i) for i in doc_ids if i in docs]
        if cond is not None:
            return [k for k, v in docs.items() if cond(v)]
        return list(docs)

    def update(self, fields: Fields, cond: QueryLike | None = None,
               doc_ids: Iterable[int] | None = None) -> list[int]:
        with self._engine.transaction():
            ids = self._target_ids(cond, doc_ids)
            for doc_id in ids:
                self._update_one(doc_id, fields)
            return ids

    def _update_one(self, doc_id: int, fields: Fields) -> None:
        doc = storable_copy(self._docs()[doc_id])  # a copy: callables may mutate nested values
        if callable(fields):
            fields(doc)
        else:
            doc.update(fields)
        self._engine.put(self.name, doc_id, storable_copy(doc))

    def update_multiple(self, updates: Iterable[tuple[Fields, QueryLike]]) -> list[int]:
        with self._engine.transaction():
            updated: list[int] = []
            for doc_id in list(self._docs()):
                for fields, cond in updates:
                    if cond(self._docs()[doc_id]):
                        updated.append(doc_id)
                        self._update_one(doc_id, fields)
            return updated

    def upsert(self, document: Mapping[str, Any], cond: QueryLike | None = None) -> list[int]:
        doc_ids = [int(document.doc_id)] if isinstance(document, Document) else None
        if doc_ids is None and cond is None:
            raise ValueError(
                "If you don't specify a search query, you must specify a doc_id. "
                "Hint: use a table.Document object."
            )
        with self._engine.transaction():
            updated = self.update(document, cond, doc_ids)
            return updated or [self.insert(document)]

    def remove(self, cond: QueryLike | None = None,
               doc_ids: Iterable[int] | None = None) -> list[int]:
        if cond is None and doc_ids is None:
            raise RuntimeError("Use truncate() to remove all documents")
        with self._engine.transaction():
            ids = self._target_ids(cond, doc_ids)
            for doc_id in ids:
                self._engine.delete(self.name, doc_id)
            return ids

    def truncate(self) -> None:
        """Remove every document. Ids are not reused afterwards (unlike stock TinyDB)."""
        with self._engine.transaction():
            self._engine.truncate(self.name)

    def _update_table(self, updater: Callable[[dict[int, Mapping[str, Any]]], None]) -> None:
        raise StoreError("whole-table rewrites are not supported: use the Table methods")
