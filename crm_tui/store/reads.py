"""The store's public reads by id and by index key, without loading the table.

    db.get(table, id) -> dict | None
    db.get_many(table, ids) -> {id: dict}
    db.ids_by(table, index, key) -> [id, ...]      (ascending)
    db.by(table, index, key) -> [(id, dict), ...]  (ascending id)
    table.find_between(index, low, high)  (a range of an int index's keys)

A read answers from, in this order: the calling thread's own transaction (its writes
not committed yet); the table if this process has it loaded; else the journal tail
overlay (tail.py: the journal line of each document changed since the snapshot) and the
snapshot through its derived files (doc_index.py). When those files are missing, stale,
damaged or of another definition, or point at a line that is not the document asked for,
they are written again from the snapshot (once per table and journal, if the folder is
writable) and read; failing that, the table is loaded as before and answers (`Unusable`
is never damage of the database). Every document read is verified: a snapshot line by
its own CRC, a journal line by its.

Part of the engine (it reads the engine's journal handle and transaction): every read
holds the engine's lock (`Engine.reading()`), so the overlay and files stay consistent
with the journal position.
"""

from __future__ import annotations

import bisect
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .derived_files import Unusable, derived_paths
from .doc_index import TableFiles, build_table_files, int_key, is_order, snapshot_identity
from .errors import CorruptFileError
from .indexes import Index, in_range
from .journal import decode_commit
from .manifest import snapshot_names
from .tail import Position, TailOverlay

if TYPE_CHECKING:
    from .engine import Engine, TableState

Doc = dict[str, Any]
DECODED_LINES = 32  # journal lines kept decoded (an import's line holds 2,000 documents)
T = TypeVar("T")
Carry = Callable[..., list[Path] | None]  # carried.carry_table_files, but for `indexes`


class _Load:
    """The derived files cannot answer: the loaded table does."""


_LOAD = _Load()


def stored_indexes(state: TableState) -> dict[str, tuple[str, Any]]:
    """The table's indexes that have a file on disk: name -> (definition, key function)."""
    return {name: (index.definition, index.key) for name, index in state.observers.items()
            if isinstance(index, Index) and index.definition}


class DiskReads:
    """Reads of tables this process has not loaded, for one `Engine`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.tail = TailOverlay()
        self._files: dict[str, TableFiles | None] = {}  # None: unusable, load instead
        self._lines: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._rebuilt: set[str] = set()  # tables whose files this journal saw written

    def reset(self) -> None:
        """Forget the journal's tail and the open files (a new journal was adopted)."""
        for files in self._files.values():
            if files is not None:
                files.close()
        self._files = {}
        self._lines.clear()
        self._rebuilt.clear()
        self.tail = TailOverlay()

    # ----- the public reads --------------------------------------------------------------
    def get(self, name: str, doc_id: int) -> Doc | None:
        return _copy(self.shared(name, doc_id))

    def shared(self, name: str, doc_id: int) -> Doc | None:
        """`get` without the copy, for a caller that copies it anyway (a TinyDB Document):
        the stored or decoded document itself, never to be changed."""
        return self._read(name, lambda: self._unloaded(name, doc_id),
                          lambda docs: docs.get(doc_id))

    def get_many(self, name: str, ids: Iterable[int]) -> dict[int, Doc]:
        wanted = sorted(set(ids))  # snapshot order: preads move forward
        found = self._read(name, lambda: {i: self._unloaded(name, i)
                                          for i in self._journal_first(name, wanted)},
                           lambda docs: {i: docs.get(i) for i in wanted})
        return {i: dict(doc) for i in wanted if (doc := found[i]) is not None}

    def _journal_first(self, name: str, wanted: list[int]) -> list[int]:
        """`wanted` (ascending) in the order to read them: those in the tail first, by
        journal line (an import's line holds thousands of documents and only a few lines
        are kept decoded: by id, a line would be decoded again for nearly each of them),
        then the snapshot's by id."""
        where = self.tail.get(name).where
        return sorted(wanted, key=lambda i: (0, p[0]) if (p := where.get(i)) else (1, i))

    def ids_by(self, name: str, index: str, key: Any) -> list[int]:
        declared = self._index(name, index)
        return self._read(name, lambda: self._ids_unloaded(name, declared, key),
                          lambda docs: sorted(declared.ids(key)), declared)

    def by(self, name: str, index: str, key: Any) -> list[tuple[int, Doc]]:
        declared = self._index(name, index)
        return self._read(name, lambda: self._by_unloaded(name, declared, key),
                          lambda docs: [(i, dict(docs[i])) for i in sorted(declared.ids(key))],
                          declared)

    def between(self, name: str, index: str, low: Any, high: Any) -> list[tuple[Any, int, Doc]]:
        """(key, id, document) of the documents whose `index` key is from `low` to `high`
        included (None: no bound), in (key, id) order: a range of an "int" index (a
        date index's days) read without loading the table."""
        declared = self._index(name, index)
        return self._read(
            name, lambda: self._documents(name, declared,
                                          self._pairs_unloaded(name, declared, low, high)),
            lambda docs: [(key, i, dict(docs[i])) for key, i in declared.between(low, high)],
            declared)

    def keys_between(self, name: str, index: str, low: Any, high: Any
                     ) -> list[tuple[Any, int]]:
        """(key, id), in that order, of the documents whose `index` key is from `low` to
        `high` (as `between`), no document read: the index file (checked by its own
        checksums when opened) with the tail's keys over it."""
        declared = self._index(name, index)
        return self._read(name, lambda: self._pairs_unloaded(name, declared, low, high),
                          lambda docs: declared.between(low, high), declared)

    def ordered_ids(self, name: str, index: str) -> list[int]:
        declared = self._index(name, index)
        return self._read(name, lambda: self._ordered_unloaded(name, declared),
                          lambda docs: declared.in_order(), declared)

    def _index(self, name: str, index: str) -> Index:
        with self._engine.reading():
            found = self._engine.state(name).observers.get(index)
        if not isinstance(found, Index):
            raise KeyError(f"table {name!r} has no index {index!r}")
        return found

    def _read(self, name: str, on_disk: Callable[[], T], loaded: Callable[[dict[int, Doc]], T],
              index: Index | None = None) -> T:
        """`loaded(documents)` when the table is loaded, else `on_disk()`; when the files
        cannot serve, the table is loaded as `preload` does (parsed without holding the
        store, so other threads read on meanwhile) and `loaded` answers."""
        engine = self._engine
        while True:
            with engine.reading():
                docs = engine.state(name).docs
                if docs is not None:
                    return loaded(docs)
                found = self._from_disk(name, on_disk, index)
                if not isinstance(found, _Load):
                    return found
            engine.preload(name)

    def _from_disk(self, name: str, read: Callable[[], T], index: Index | None = None
                   ) -> T | _Load:
        """`read()` from the tail and the derived files, or `_LOAD` when they cannot
        serve (an index kept in memory only, or no usable files). Files found missing,
        stale or damaged are written again from the snapshot, once per table and journal,
        when the folder is writable: the next read, here and in every other process, uses
        them."""
        if index is not None and not index.definition:
            return _LOAD
        for attempt in range(2):
            try:
                return read()
            except Unusable as exc:
                self._give_up(name)
                if attempt or not exc.rebuild or not self._rebuild(name):
                    break
        return _LOAD

    def _rebuild(self, name: str) -> bool:
        if self._engine.read_only is not None or name in self._rebuilt:
            return False
        self._rebuilt.add(name)
        try:
            self.write_files(name, prune=False)
        except (OSError, CorruptFileError):
            return False  # loading the table says what is wrong with its snapshot, if anything
        del self._files[name]  # opened again, with the new files
        return True

    # ----- without the table -------------------------------------------------------------
    def _unloaded(self, name: str, doc_id: int) -> Doc | None:
        own = self._own_writes(name)
        if doc_id in own:
            return own[doc_id]
        tail = self.tail.get(name)
        if doc_id in tail.where:
            position = tail.where[doc_id]
            return None if position is None else self._tail_doc(position, name, doc_id)
        if tail.truncated:
            return None
        return self._files_of(name).read(doc_id)

    def _ids_unloaded(self, name: str, index: Index, key: Any) -> list[int]:
        if key is None:
            return []  # None keys are not indexed
        return [doc_id for _, doc_id in self._pairs_unloaded(name, index, key, key)]

    def _pairs_unloaded(self, name: str, index: Index, low: Any, high: Any
                        ) -> list[tuple[Any, int]]:
        """(key, id), in that order, of the documents whose key is from `low` to `high`
        (None: no bound; one key when they are equal): the index file's, minus the ids
        the tail or this thread's transaction changed, plus theirs that have such a key."""
        files = self._files_of(name)
        tail = self.tail.get(name)
        on_disk = files.index(index.name, index.definition or "")
        overlay = tail.keyed(index.name, index.key, self._tail_doc)
        if low is not None and low == high:
            base = [] if tail.truncated or on_disk is None else [
                (low, i) for i in on_disk.ids(low)]
            changed = [(low, i) for i in overlay.ids.get(low, ())]
        else:
            base = [] if tail.truncated or on_disk is None else on_disk.between(low, high)
            changed = [(key, i) for key, ids in overlay.ids.items()
                       if int_key(key) and in_range(key, low, high) for i in ids]
        # A list, not a set: the tail's ids are left out of the file's pairs, so none is
        # twice, and the file's pairs come in order, which the sort finds as one run.
        pairs = [(key, i) for key, i in base if i not in tail.where] + changed
        own = self._own_writes(name)
        if own:
            pairs = [(key, i) for key, i in pairs if i not in own]
            for doc_id, doc in own.items():
                key = None if doc is None else index.key(doc)
                if key is not None and (key == low if low == high else
                                        int_key(key) and in_range(key, low, high)):
                    pairs.append((key, doc_id))
        return sorted(pairs)

    def _ordered_unloaded(self, name: str, index: Index) -> list[int]:
        """The order file's ids, less those the journal changed since, with the tail's
        keyed ones put in their places (each placed by bisecting the file's order,
        reading the documents it compares with)."""
        files = self._files_of(name)
        tail = self.tail.get(name)
        base = [] if tail.truncated else files.order(index.name, index.definition or "")
        overlay = tail.keyed(index.name, index.key, self._tail_doc)
        kept = [i for i in base if i not in tail.where] if tail.where else base
        added = sorted((key, doc_id) for doc_id, key in overlay.key_of.items())
        if not added:
            return kept

        def placed(doc_id: int) -> tuple[Any, int]:
            doc = files.read(doc_id)
            if doc is None or index.key(doc) is None:
                raise Unusable(f"{name}: the {index.name} order file is stale")
            return index.key(doc), doc_id

        found, done = [], 0
        for pair in added:
            at = bisect.bisect_left(kept, pair, lo=done, key=placed)
            found += kept[done:at]
            found.append(pair[1])
            done = at
        return found + kept[done:]

    def _by_unloaded(self, name: str, index: Index, key: Any) -> list[tuple[int, Doc]]:
        pairs = [(key, i) for i in self._ids_unloaded(name, index, key)]
        return [(doc_id, doc) for _, doc_id, doc in self._documents(name, index, pairs)]

    def _documents(self, name: str, index: Index, pairs: list[tuple[Any, int]]
                   ) -> list[tuple[Any, int, Doc]]:
        """(key, id, document) of each pair, the document read and its key confirmed:
        Unusable when the index file named a document that does not have that key."""
        found = []
        for key, doc_id in pairs:
            doc = self._unloaded(name, doc_id)
            if doc is None or index.key(doc) != key:
                raise Unusable(f"{name}: the {index.name} index file is stale")
            found.append((key, doc_id, dict(doc)))
        return found

    def _own_writes(self, name: str) -> dict[int, Doc | None]:
        """This thread's transaction's writes to a table it has not loaded (puts only:
        a delete or truncate loads the table)."""
        engine = self._engine
        txn = engine._txn
        if txn is None or engine._txn_thread != threading.get_ident():
            return {}
        return txn.changes.get(name, {})

    def _tail_doc(self, position: Position, name: str, doc_id: int) -> Doc | None:
        offset, length = position
        engine = self._engine
        record = self._lines.get(offset)
        try:
            if record is None:
                record = decode_commit(engine.line_at(offset, length), engine.journal_path,
                                       offset)
                self._lines[offset] = record
                if len(self._lines) > DECODED_LINES:
                    self._lines.popitem(last=False)
            else:
                self._lines.move_to_end(offset)
            # Only the asked table's documents are decoded (journal.TableDocs).
            doc = record.get("c", {}).get(name, {}).get(str(doc_id))
        except CorruptFileError as exc:
            raise engine._integrity.note(exc) from None
        return doc if isinstance(doc, dict) else None

    def _files_of(self, name: str) -> TableFiles:
        if name in self._files:
            files = self._files[name]
            if files is None:
                raise Unusable(f"{name}: its derived files are not usable")
            return files
        try:
            files = self._files[name] = self._open_files(name)
        except Unusable:
            self._files[name] = None
            raise
        return files

    def _open_files(self, name: str) -> TableFiles:
        """The snapshot this journal goes with, and its `.ids` file."""
        engine = self._engine
        manifest = engine._manifest
        if manifest is None:
            raise Unusable("a journal without a manifest: snapshots are loaded", rebuild=False)
        entry = manifest.get(name)
        try:
            fd = os.open(engine.snapshot_path(name), os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            if entry is not None:
                raise Unusable(f"{name}: its snapshot is missing", rebuild=False) from None
            return TableFiles(engine.tables_dir, name, -1, None)
        try:
            try:
                identity = snapshot_identity(fd, engine.snapshot_path(name), name)[0]
            except CorruptFileError as exc:
                raise Unusable(str(exc), rebuild=False) from None  # load says so
            if entry is None or (entry.epoch, entry.size) != (identity.epoch, identity.size):
                raise Unusable(f"{name}: not the snapshot the journal lists", rebuild=False)
        except BaseException:
            os.close(fd)
            raise
        return TableFiles(engine.tables_dir, name, fd, identity)  # closes fd if it fails

    def _give_up(self, name: str) -> None:
        """Derived files of this table did not serve: the caller loads the table."""
        files = self._files.get(name)
        if files is not None:
            files.close()
        self._files[name] = None

    # ----- writing the derived files -----------------------------------------------------
    def write_files(self, name: str, docs: dict[int, Doc] | None = None, *,
                    prune: bool = True, carry: Carry | None = None) -> bool:
        """Write the table's derived files from its snapshot (a compaction, or anyone
        holding the folder writable), unless `carry` (a compaction's: carried.py) can
        write them from the old ones. `prune` (a compaction) also removes those of
        indexes this process does not declare; a read that rebuilds leaves them to the
        processes that do."""
        engine = self._engine
        indexes = stored_indexes(engine.state(name))
        written = None if carry is None else carry(indexes=indexes)
        if written is None:
            written = build_table_files(engine.snapshot_path(name), name, indexes,
                                        engine.mode, docs)
        for path in derived_paths(engine.tables_dir, name) if prune else ():
            if path not in written:
                path.unlink(missing_ok=True)
        return bool(written)

    def current_files(self, name: str) -> TableFiles | None:
        """The table's derived files as they are (a compaction carries them over to the
        snapshot it writes), or None when they are not usable."""
        try:
            return self._files_of(name)
        except (Unusable, CorruptFileError):
            return None

    def build_missing(self) -> list[str]:
        """Build the derived files that are missing, stale or damaged for every table
        with a version 3 snapshot; returns the tables done."""
        engine = self._engine
        done = []
        for name in sorted(snapshot_names(engine.tables_dir)):
            if self._usable(name):
                continue
            with suppress(FileNotFoundError):
                if self.write_files(name):
                    done.append(name)
            self._give_up(name)
            del self._files[name]  # opened again, with the new files, when next read
        return done

    def mismatched_indexes(self, name: str, docs: dict[int, Doc]) -> list[str]:
        """The declared indexes whose file names other documents under a key than their
        keys in `docs` (the table loaded: the caller holds the engine's lock), leaving out
        what the journal changed since the snapshot (reads take those from the journal).
        Files that cannot be opened are `files_problem`'s to report."""
        tail = self.tail.get(name)
        if tail.truncated:
            return []
        try:
            files = self._open_files(name)
        except (Unusable, CorruptFileError):
            return []
        wrong = []
        try:
            for index, (definition, key_of) in stored_indexes(self._engine.state(name)).items():
                try:
                    on_disk = files.index(index, definition)
                except Unusable:
                    continue
                listed = set() if on_disk is None else {
                    pair for pair in on_disk.between(None, None) if pair[1] not in tail.where}
                keyed = {(key_of(doc), doc_id) for doc_id, doc in docs.items()
                         if doc_id not in tail.where}
                if listed != {(key, doc_id) for key, doc_id in keyed if key is not None}:
                    wrong.append(index)
        finally:
            files.close()
        return wrong

    def _usable(self, name: str) -> bool:
        return self.files_problem(name) is None

    def files_problem(self, name: str) -> Unusable | CorruptFileError | None:
        """Why the table's derived files (those of the indexes this process declares)
        cannot serve its reads, or None when they can: never damage of the database."""
        try:
            files = self._open_files(name)
        except (Unusable, CorruptFileError) as exc:
            return exc
        try:
            for index, (definition, _) in stored_indexes(self._engine.state(name)).items():
                if is_order(definition):
                    files.order(index, definition)
                else:
                    files.index(index, definition)
        except Unusable as exc:
            return exc
        finally:
            files.close()
        return None


def _copy(doc: Doc | None) -> Doc | None:
    """Documents decoded from a journal line are shared by every read of that line."""
    return None if doc is None else dict(doc)
