"""Derivations: small states folded from every document of some tables, kept by the store
so that no session scans those tables for them (`Database.derive`, `Database.derived`).

A derivation (`Spec`) is registered by whoever reads it (the services, for the dashboard
and `crm report`): a name, a version, the tables it reads, and pure functions: a fresh
state, `reduce(table, id, before, after) -> delta`, `fold(state, delta) -> state`, and
`dump` / `load` to save the state as JSON values. The store knows nothing else of it.

Where a state comes from, in this order, the first time it is read in a session:

- `tables/derived.<name>.state`, written by every compaction (the state folded up to the
  end of the journal it compacts: the state the new journal starts from) and by a session
  that had to rebuild it. It is used only when its header's checksum, journal start
  (epoch and commit count, so a state a killed compaction wrote for an epoch that then
  began later is not taken), definition version and body checksum all match: anything
  else is missing, stale or damaged, never damage of the database. It holds what the
  derivation dumps: numbers, ids, days, codes and the item names of purchases, never a
  person's details.
- Else the tables are scanned (scan.py: streamed, not loaded, no lock held) and the state
  folded from every document, in the reading thread (the dashboard's worker); when the
  journal had not changed those tables yet, the state is that of the epoch and is saved.

Then the journal's tail is folded over it: each document the tail changed since, from its
version then (snapshot or journal line) to its latest. From then on every commit, made
here or caught up from another process, folds its documents' (before, after) as it is
applied, under the engine's lock: `before` is the version the store holds (the loaded
table, the tail's line, or the snapshot's line), `after` the commit's. A compaction by
another process keeps the state (this process read the old journal to its end first);
one that this process missed (a journal it never read) drops it. A table truncated, a
before that cannot be read, or a document `reduce` refuses drops the state too: the next
read builds it again (and raises the refusal once, as a scan would have).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import orjson

from .derived_files import Unusable, write_replacing
from .errors import StoreError
from .saved_results import SavedResults, Start, decode_saved, encode_saved
from .scan import TableScan
from .tail import Position

if TYPE_CHECKING:
    from .engine import Engine, Transaction

Doc = dict[str, Any]
T = TypeVar("T")
SUFFIX = ".state"
FOLD_AT_COMPACTION = 200_000  # changed documents (see `Derivations.prepare`)
_SNAPSHOT = ("snapshot",)  # a document's version is its snapshot's (not in the tail)


def _line_of(position: Position | None) -> int:
    """Where a document's version is in the journal (-1: not there, deleted)."""
    return -1 if position is None else position[0]


# What makes a kept state unusable without being anyone's mistake: it is built again.
_LOST = (Unusable, StoreError, OSError)


class Spec(Protocol):
    """A derivation, as the store needs it (domain/aggregates/derivation.py's)."""

    @property
    def name(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def tables(self) -> tuple[str, ...]: ...
    @property
    def new_state(self) -> Callable[[], Any]: ...
    @property
    def reduce(self) -> Callable[[str, int, Doc | None, Doc | None], Any]: ...
    @property
    def fold(self) -> Callable[[Any, Any], Any]: ...
    @property
    def dump(self) -> Callable[[Any], Any]: ...
    @property
    def load(self) -> Callable[[Any], Any]: ...


def state_path(tables_dir: Path, name: str) -> Path:
    return tables_dir / f"derived.{name}{SUFFIX}"


def _definition(spec: Spec) -> str:
    return f"{spec.name}/{spec.version}"


def encode_state(spec: Spec, start: Start, state: Any) -> bytes:
    """A saved state: a header line (see `encode_saved`), then the dumped state as one
    JSON line."""
    body = orjson.dumps(spec.dump(state)) + b"\n"
    return encode_saved("state", spec.name, _definition(spec), start, body)


def decode_state(spec: Spec, start: Start, data: bytes) -> Any:
    """The state a saved file holds; Unusable when it is damaged, of another journal start
    or of another definition."""
    body = decode_saved("state", spec.name, _definition(spec), start, data)
    try:
        return spec.load(orjson.loads(body))
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
        raise Unusable("damaged (not a state)") from None


@dataclass
class _Kept:
    spec: Spec
    state: Any = None
    installed: bool = False
    error: Exception | None = None  # a refused document: raised by the next read


@dataclass
class _Base:
    """Where a state built from a scan stands: the epoch, and per table the tail it
    included (id -> position, None: deleted) and whether the snapshot counted."""

    epoch: int
    tails: dict[str, dict[int, Position | None]]
    truncated: dict[str, bool]

    def empty(self) -> bool:
        return not any(self.tails.values()) and not any(self.truncated.values())


def _canonical(spec: Spec, kept: _Kept) -> bytes | None:
    if not kept.installed:
        return None
    return orjson.dumps(spec.dump(kept.state), option=orjson.OPT_SORT_KEYS)


class Derivations:
    """The derivations registered in one engine and the states kept for them."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._kept: dict[str, _Kept] = {}
        # Guards the states: folds take it under the engine's lock, reads alone, so a
        # reader never waits for the store (nor the store for more than one figure).
        self._lock = threading.Lock()
        self.results = SavedResults(engine)  # saved beside the states, at the same moments

    # ----- the public side (Database) ---------------------------------------------------
    def register(self, spec: Spec) -> None:
        with self._engine._rlock:
            kept = self._kept.get(spec.name)
            if kept is None or kept.spec.version != spec.version:
                self._kept[spec.name] = _Kept(spec)

    def read(self, names: Sequence[str], read: Callable[[Mapping[str, Any]], T]) -> T:
        """`read({name: state})` of these derivations, current with every commit. A state
        not kept yet is loaded or built first, in this thread (seconds for a big
        database whose saved state is missing: a scan of its tables)."""
        engine = self._engine
        for _ in range(5):
            for name in names:
                self._ensure(name)
            with engine.reading():  # catches up: other processes' commits are folded
                pass
            with self._lock:
                kept = [self._kept[name] for name in names]
                errors = [k.error for k in kept if k.error is not None]
                for k in kept:
                    k.error = None
                if errors:
                    raise errors[0]
                if all(k.installed for k in kept):
                    return read({k.spec.name: k.state for k in kept})
        raise RuntimeError("the derived figures kept being dropped (the store kept changing)")

    def check(self) -> list[tuple[str, str]]:
        """(name, what is wrong) of each registered derivation whose saved state is
        damaged, or, with the journal's tail folded over it, differs from a fold of every
        document: what `crm check` lists as to rebuild (never damage of the database). A
        state not saved, or saved for another epoch, is not checked. Reads every
        document of the derivations' tables."""
        engine = self._engine
        wrong = []
        for name in sorted(self._kept):
            spec = self._kept[name].spec
            while True:
                try:
                    scanned, base = self._scanned(spec)
                except StoreError:
                    break  # damage of the database: reported as such
                except Exception as exc:  # a document the derivation refuses
                    wrong.append((name, f"cannot be computed ({exc})"))
                    break
                with engine.reading():
                    if base.epoch != engine._epoch:
                        continue  # a compaction meanwhile: scan again
                    try:
                        saved = self._saved(spec, self.start())
                    except Unusable as exc:
                        if str(exc).startswith("damaged"):
                            wrong.append((name, "are damaged"))
                        break
                    from_scan, from_file = _Kept(spec), _Kept(spec)
                    self._fold_since(from_scan, scanned, base)
                    self._fold_since(from_file, saved, _Base(base.epoch, {}, {}))
                    if _canonical(spec, from_scan) != _canonical(spec, from_file):
                        wrong.append((name, "do not match the records"))
                    break
        return wrong

    # ----- building a state -------------------------------------------------------------
    def _ensure(self, name: str) -> None:
        kept = self._kept[name]
        if kept.installed or kept.error is not None:
            return
        with self._engine.reading():
            if kept.installed or self._from_file(kept):
                return
        state, base = self._scanned(kept.spec)
        with self._engine.reading():
            start = self.start()
        if base.empty() and start[0] == base.epoch:
            self._save(kept.spec, start, state)
        with self._engine.reading():
            if kept.installed or base.epoch != self._engine._epoch:
                return  # a compaction meanwhile: the next round reads its file
            self._fold_since(kept, state, base)

    def _from_file(self, kept: _Kept) -> bool:
        """Install the state saved for the current epoch plus the tail (engine's lock
        held); False when there is none usable."""
        engine = self._engine
        try:
            state = self._saved(kept.spec, self.start())
        except Unusable:
            return False
        return self._fold_since(kept, state, _Base(engine._epoch, {}, {}))

    def start(self) -> Start:
        """The current journal's start: its epoch, and the commits made before it (the
        engine's lock held)."""
        return self.results.start()

    def _saved(self, spec: Spec, start: Start) -> Any:
        path = state_path(self._engine.tables_dir, spec.name)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            raise Unusable("missing") from None
        return decode_state(spec, start, data)

    def _scanned(self, spec: Spec) -> tuple[Any, _Base]:
        """A fold of every current document of the derivation's tables, streamed without
        holding the store, and where it stands."""
        state = spec.new_state()
        base = _Base(-1, {}, {})
        for table in spec.tables:
            scan = TableScan(self._engine, table)
            epoch, tail, truncated = scan.begin()
            if base.epoch not in (-1, epoch):
                return self._scanned(spec)  # a compaction between two tables: again
            base.epoch, base.tails[table], base.truncated[table] = epoch, tail, truncated
            reduce, fold = spec.reduce, spec.fold
            for doc_id, doc in scan:
                state = fold(state, reduce(table, doc_id, None, doc))
        return state, base

    def _save(self, spec: Spec, start: Start, state: Any) -> None:
        if self._engine.read_only is not None or self._engine.damage:
            return  # a damaged database is written to by no one
        with suppress(OSError):  # a full disk: built again next time, nothing is wrong
            write_replacing(state_path(self._engine.tables_dir, spec.name),
                        [encode_state(spec, start, state)], self._engine.mode)

    def _fold_since(self, kept: _Kept, state: Any, base: _Base) -> bool:
        """Fold what the tail changed since `base` into `state` and keep it (engine's lock
        held); False when that cannot be read (the caller builds it from a scan)."""
        reads = self._engine.reads
        spec = kept.spec
        try:
            for table in spec.tables:
                tail = reads.tail.get(table)
                then = base.tails.get(table, {})
                was_truncated = base.truncated.get(table, False)
                if tail.truncated and not was_truncated:
                    return False
                # In journal order: reads keep only a few lines decoded, and an import's
                # line holds thousands of documents; by id, each would be decoded again
                # for nearly every document it holds.
                for doc_id in sorted(then.keys() | tail.where.keys(),
                                     key=lambda i: _line_of(tail.where.get(i))):
                    now = tail.where.get(doc_id)
                    old = then.get(doc_id, None if was_truncated else _SNAPSHOT)
                    if old == now:
                        continue
                    before = self._version(table, doc_id, old)
                    after = self._version(table, doc_id, now)
                    state = spec.fold(state, spec.reduce(table, doc_id, before, after))
            for table in spec.tables:
                if self._engine.state(table).docs is None:  # else befores are read there
                    reads._files_of(table)  # held open until the journal changes
        except _LOST:
            return False
        except Exception as exc:  # a document the derivation refuses
            kept.error = exc
            return True
        with self._lock:
            kept.state, kept.installed = state, True
        return True

    def _version(self, table: str, doc_id: int, where: Any) -> Doc | None:
        reads = self._engine.reads
        if where is None:
            return None
        if where == _SNAPSHOT:
            return reads._files_of(table).read(doc_id)
        return reads._tail_doc(where, table, doc_id)

    # ----- kept current (engine's lock held) --------------------------------------------
    def _folding(self, tables: Iterable[str]) -> list[_Kept]:
        return [k for k in self._kept.values()
                if k.installed and any(t in k.spec.tables for t in tables)]

    def before_record(self, record: dict[str, Any]) -> None:
        """A commit read from the journal, about to be applied: fold its documents."""
        changes = record.get("c", {})
        truncated = record.get("t", ())
        if not self._kept or not self._folding([*changes, *truncated]):
            return
        for kept in self._folding(truncated):
            self._drop(kept)
        for table, docs in changes.items():
            folding = self._folding([table])
            if not folding:
                continue
            try:
                pairs = [(int(key), self._current(table, int(key)), doc)
                         for key, doc in docs.items()]
            except _LOST:
                for kept in folding:
                    self._drop(kept)
                continue
            self._fold(folding, table, pairs)

    def committed(self, txn: Transaction) -> None:
        """This process's commit, just written: fold its documents' (before, after)."""
        if not self._kept:
            return
        for kept in self._folding(txn.truncated):
            self._drop(kept)
        for table, docs in txn.changes.items():
            folding = self._folding([table])
            if folding and docs:
                undo = txn.undo.get(table, {})
                self._fold(folding, table, [(doc_id, undo.get(doc_id), doc)
                                            for doc_id, doc in docs.items()])

    def forget(self) -> None:
        """This process missed a journal: nothing kept can be trusted."""
        for kept in self._kept.values():
            self._drop(kept)

    def prepare(self) -> None:
        """Before a compaction writes the snapshots: load the saved states this process
        does not keep yet, so that they can be saved for the next epoch. Never a scan,
        and not when the journal changed more than FOLD_AT_COMPACTION of their documents
        (the final compaction of a big import): folding those would hold every other
        session's writes back meanwhile; the next session to read the state scans its
        tables instead, holding nothing."""
        tails = self._engine.reads.tail
        for kept in self._kept.values():
            changed = sum(len(tails.get(table).where) for table in kept.spec.tables)
            if not kept.installed and kept.error is None and changed <= FOLD_AT_COMPACTION:
                self._from_file(kept)
        self.results.prepare()

    def save(self, epoch: int) -> None:
        """A compaction's, before it writes the journal of `epoch`: save every state kept
        (the state at the end of the journal it compacts: the new journal's start)."""
        for kept in self._kept.values():
            if kept.installed:
                self._save(kept.spec, (epoch, self._engine._gen), kept.state)
        self.results.save((epoch, self._engine._gen))

    def _current(self, table: str, doc_id: int) -> Doc | None:
        """The version of a document the store holds now (before a commit applies)."""
        engine = self._engine
        docs = engine.state(table).docs
        if docs is not None:
            return docs.get(doc_id)
        tail = engine.reads.tail.get(table)
        if doc_id in tail.where:
            return self._version(table, doc_id, tail.where[doc_id])
        return None if tail.truncated else self._version(table, doc_id, _SNAPSHOT)

    def _fold(self, folding: list[_Kept], table: str,
              pairs: list[tuple[int, Doc | None, Doc | None]]) -> None:
        with self._lock:
            for kept in folding:
                spec, state = kept.spec, kept.state
                try:
                    for doc_id, before, after in pairs:
                        if before != after:
                            state = spec.fold(state, spec.reduce(table, doc_id, before, after))
                except Exception as exc:  # a refused document: the next read says so
                    kept.error = exc
                    kept.installed, kept.state = False, None
                    continue
                kept.state = state

    def _drop(self, kept: _Kept) -> None:
        with self._lock:
            kept.installed, kept.state = False, None
