"""The storage engine under TinyDB: journal, lock, lazy per-table state, catch-up, compaction.

On disk a database is a directory:

    crm.json          manifest (format marker); its presence means "a crm-tui database"
    journal.log       fsync'd append-only journal of committed transactions (journal.py)
    tables/<t>.json   per-table snapshots, replaced atomically by compaction (snapshot.py)
    lock              the inter-process lock file

Writers hold the lock across the whole read-modify-write: they catch up with the journal,
allocate ids, apply changes in memory, append one line and fsync it. Readers take no lock:
before each read they stat the journal and apply only lines appended since their offset
(or follow a compaction, which replaces the journal with a new epoch). Tables are loaded
on first use, from their snapshot plus the journal lines that mention them.

Loading a big table takes seconds. `preload(name)` does it from a worker thread without
holding the engine's lock while the snapshot is parsed, so other threads keep reading the
tables already loaded (`try_reading()` stays free); only the install, which replays the
journal over the parsed documents, takes the lock. One parse per table is shared by every
thread that needs it meanwhile.
"""

from __future__ import annotations

import gc
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock

from .errors import CorruptFileError, NotADatabaseError, TransactionError
from .files import atomic_write, file_mode_for, read_bytes, write_all
from .indexes import DocObserver
from .interning import Interner
from .journal import decode_line, encode_line, mentions, new_header, read_header, scan
from .snapshot import (
    SNAPSHOT_VERSION,
    SnapshotHeader,
    read_snapshot,
    read_snapshot_header,
    write_snapshot,
)

MANIFEST = "crm.json"
JOURNAL = "journal.log"
LOCK = "lock"
TABLES = "tables"
DB_FORMAT = "crm-tui-database"
DB_VERSION = 1
DEFAULT_COMPACT_BYTES = 16 * 1024 * 1024
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# What a half-initialised database directory (killed during creation) may hold.
_INIT_LEFTOVERS = {LOCK, JOURNAL, TABLES, JOURNAL + ".tmp", MANIFEST + ".tmp"}

Doc = dict[str, Any]


@dataclass
class TableState:
    """What this process knows of one table. `docs is None` means not loaded yet."""

    name: str
    docs: dict[int, Doc] | None = None
    last_id: int | None = None
    version: int = 0  # bumped on every change: lets query caches know they are stale
    indexes: dict[str, DocObserver] = field(default_factory=dict)


Parsed = tuple[SnapshotHeader | None, dict[int, Doc], Interner]


@dataclass
class ParseJob:
    """One parse of a table's snapshot, shared by every thread that needs the table.

    `epoch` is the journal epoch this process knew when the parse began: the file read
    is at least as new as that journal (see `Engine._snapshot_current`). `result` is
    taken by the one install that uses it, so its dicts never become a table twice.
    """

    epoch: int
    done: threading.Event = field(default_factory=threading.Event)
    result: Parsed | None = None
    error: Exception | None = None

    def wait(self) -> None:
        self.done.wait()


@dataclass
class Transaction:
    changes: dict[str, dict[int, Doc | None]] = field(default_factory=dict)
    truncated: list[str] = field(default_factory=list)
    undo: dict[str, dict[int, Doc | None]] = field(default_factory=dict)
    old_last_ids: dict[str, int | None] = field(default_factory=dict)
    blind: set[str] = field(default_factory=set)  # written to while not loaded (no undo)

    def empty(self) -> bool:
        return not self.truncated and not any(self.changes.values())

    def written(self) -> dict[str, int]:
        """Per table, how many documents this transaction wrote or removed (a rewrite
        that changed nothing counts too; `changed` tells those apart, at a cost)."""
        counts = {name: len(docs) for name, docs in self.changes.items() if docs}
        for name in self.truncated:  # what it removed, and what it wrote afterwards
            count = len(self.changes.get(name, {}).keys() | self.undo.get(name, {}).keys())
            if count:
                counts[name] = count
        return counts

    def changed(self) -> dict[str, dict[int, tuple[Doc | None, Doc | None]]]:
        """Per table, per document id: (before, after) of this transaction; None = absent.

        `before` is None for documents appended to a table that was not loaded (new ids).
        Valid once the transaction has committed (used for undo and live refresh).
        """
        result: dict[str, dict[int, tuple[Doc | None, Doc | None]]] = {}
        for name in set(self.undo) | set(self.changes):
            before, after = self.undo.get(name, {}), self.changes.get(name, {})
            truncated = name in self.truncated
            result[name] = {
                doc_id: (before.get(doc_id), after.get(doc_id) if truncated or doc_id in after
                         else before.get(doc_id))
                for doc_id in set(before) | set(after)
            }
            result[name] = {k: v for k, v in result[name].items() if v[0] != v[1]}
        return {name: docs for name, docs in result.items() if docs}


def describe_foreign(path: Path) -> str:
    """Say what a path that is not a crm-tui database seems to be, for the error message."""
    try:
        head = path.read_bytes()[:64].lstrip()
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if not head:
        return "is an empty file, not a crm-tui database (a database is a directory)"
    if head.startswith(b"{"):
        return (
            "is a JSON file, not a crm-tui database (a database is a directory); "
            "to bring in seed-format customers use 'crm import legacy FILE'"
        )
    return "is a file, not a crm-tui database (a database is a directory)"


class _Reading:
    """`Engine.reading()`: a plain class, not a generator, as every read of every table
    enters it (a generator-based context manager cost more than most reads). Holds no
    state of its own, so one per engine serves every thread and nesting."""

    __slots__ = ("_engine",)

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __enter__(self) -> None:
        engine = self._engine
        engine._rlock.acquire()
        if engine._txn is not None:
            return  # ours (we hold the RLock now): the transaction is current already
        try:
            engine.refresh()
        except BaseException:
            engine._rlock.release()
            raise

    def __exit__(self, *exc: object) -> None:
        self._engine._rlock.release()


def snapshot_file(db_path: str | os.PathLike[str], name: str) -> Path:
    """Where a table's snapshot lives in the database at `db_path` (it may not exist)."""
    return Path(db_path).expanduser() / TABLES / f"{name}.json"


class Engine:
    """One open database directory. Thread-safe; safe against other processes."""

    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = True,
        compact_bytes: int = DEFAULT_COMPACT_BYTES,
    ) -> None:
        self.path = Path(path).expanduser()
        self.compact_bytes = compact_bytes
        self._rlock = threading.RLock()
        self._lock_depth = 0
        self._compaction_held = 0  # bulk loads under way in this process
        self._tables: dict[str, TableState] = {}
        self._txn: Transaction | None = None
        self._txn_thread: int | None = None  # the thread whose transaction `_txn` is
        self._fd = -1
        # Guards `_parsing` only, held for a few instructions: never wait for the RLock
        # while holding it (a thread holding the RLock may be waiting for a parse).
        self._parse_mutex = threading.Lock()
        self._parsing: dict[str, ParseJob] = {}
        self._reading = _Reading(self)
        self._open(create)

    # ----- paths -------------------------------------------------------------------------
    @property
    def journal_path(self) -> Path:
        return self.path / JOURNAL

    @property
    def tables_dir(self) -> Path:
        return self.path / TABLES

    def snapshot_path(self, name: str) -> Path:
        return snapshot_file(self.path, name)

    # ----- opening -----------------------------------------------------------------------
    def _open(self, create: bool) -> None:
        path, manifest = self.path, self.path / MANIFEST
        if path.exists() and not path.is_dir():
            raise NotADatabaseError(path, describe_foreign(path))
        if not path.exists():
            if not create:
                raise NotADatabaseError(path, "no database here")
            path.mkdir(mode=0o700, parents=True)
        elif not manifest.exists():
            leftovers = set(os.listdir(path))
            if not leftovers <= _INIT_LEFTOVERS or any((path / TABLES).glob("*.json")):
                raise NotADatabaseError(
                    path, "directory is not a crm-tui database (no crm.json); refusing to touch it"
                )
            if not create:
                raise NotADatabaseError(path, "no database here (crm.json is missing)")
        self.mode = file_mode_for(path)
        self._lock = FileLock(
            path / LOCK, mode=self.mode, thread_local=False, poll_interval=0.001,
            preserve_lock_file=True,
        )
        if not manifest.exists():
            with self.locked():
                if not manifest.exists():
                    self._initialise()
        self._check_manifest(manifest)
        if not self.journal_path.exists():
            with self.locked():
                self._recreate_missing_journal()
        self._open_journal()

    def _initialise(self) -> None:
        """Create an empty database. The manifest is written last: it marks completion."""
        self.tables_dir.mkdir(mode=0o770 if self.mode == 0o660 else 0o700, exist_ok=True)
        atomic_write(self.journal_path, new_header(1, 0, 0).encode(), self.mode)
        manifest = orjson.dumps({"format": DB_FORMAT, "version": DB_VERSION})
        atomic_write(self.path / MANIFEST, manifest + b"\n", self.mode)

    def _check_manifest(self, manifest: Path) -> None:
        data = read_bytes(manifest)
        if not data.strip():
            raise CorruptFileError(manifest, 0, "empty file: not a crm-tui manifest")
        try:
            record = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise CorruptFileError(manifest, exc.pos, "not a crm-tui manifest (not JSON)") from None
        if not isinstance(record, dict) or record.get("format") != DB_FORMAT:
            raise CorruptFileError(manifest, 0, "not a crm-tui manifest (wrong format marker)")
        if record.get("version") != DB_VERSION:
            raise CorruptFileError(
                manifest, 0, f"database version {record.get('version')!r} is not supported"
            )

    def _recreate_missing_journal(self) -> None:
        if self.journal_path.exists():
            return
        if any(self.tables_dir.glob("*.json")):
            # Snapshots without their journal: commits may be lost. Never paper over that.
            raise self._journal_missing()
        self.tables_dir.mkdir(mode=0o700, exist_ok=True)
        atomic_write(self.journal_path, new_header(1, 0, 0).encode(), self.mode)

    def _journal_missing(self) -> CorruptFileError:
        return CorruptFileError(self.journal_path, None, "missing: the journal is gone")

    def _open_journal(self) -> None:
        fd = self._open_journal_fd()
        try:
            header = read_header(fd, self.journal_path)
        except BaseException:
            os.close(fd)
            raise
        self._adopt_journal(fd, header.epoch, header.generation, header.size)
        self._read_tail(locked=False)

    def _open_journal_fd(self) -> int:
        try:
            return os.open(self.journal_path, os.O_RDWR | os.O_APPEND)
        except PermissionError:
            return os.open(self.journal_path, os.O_RDONLY)  # read-only use (e.g. `crm check`)
        except FileNotFoundError:
            raise self._journal_missing() from None

    def _adopt_journal(self, fd: int, epoch: int, generation: int, header_size: int) -> None:
        if self._fd >= 0:
            os.close(self._fd)
        self._fd = fd
        self._ino = os.fstat(fd).st_ino
        self._epoch = epoch
        self._gen = generation
        self._header_end = header_size
        self._offset = header_size
        self._seen: tuple[int, int] | None = None
        self._journal_tables: set[str] = set()

    def close(self) -> None:
        with self._rlock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    # ----- locking and catching up -------------------------------------------------------
    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._rlock:
            if self._lock_depth == 0:
                self._lock.acquire()
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
                if self._lock_depth == 0:
                    self._lock.release()

    def refresh(self) -> None:
        """Apply other processes' commits made since this process last looked."""
        with self._rlock:
            if self._txn is not None:
                return  # a transaction holds the lock and is already current
            self._catch_up(locked=self._lock_depth > 0)

    def _catch_up(self, *, locked: bool) -> None:
        try:
            st = os.stat(self.journal_path)
        except FileNotFoundError:
            raise self._journal_missing() from None
        if st.st_ino != self._ino:
            self._switch_journal(locked=locked)
        elif (st.st_size, st.st_mtime_ns) != self._seen or locked:
            self._read_tail(locked=locked)

    def _read_tail(self, *, locked: bool) -> None:
        st = os.fstat(self._fd)
        for offset, line in scan(self._fd, self.journal_path, self._offset):
            self._apply_record(decode_line(line, self.journal_path, offset), offset)
            self._offset = offset + len(line)
        if locked and st.st_size > self._offset and os.fstat(self._fd).st_size > self._offset:
            # We hold the lock, so nobody is mid-append: the fragment is a torn write
            # from a killed writer. Drop it so the next commit starts on a clean line.
            os.ftruncate(self._fd, self._offset)
            os.fsync(self._fd)
            st = os.fstat(self._fd)
        self._seen = (st.st_size, st.st_mtime_ns)

    def _switch_journal(self, *, locked: bool) -> None:
        """Another process compacted: finish the old journal, then follow the new one."""
        fd = self._open_journal_fd()
        try:
            header = read_header(fd, self.journal_path)
            self._read_tail(locked=False)  # our fd still reads the replaced file to its end
        except BaseException:
            os.close(fd)
            raise
        continuous = header.epoch == self._epoch + 1 and header.prev_size == self._offset
        self._adopt_journal(fd, header.epoch, header.generation, header.size)
        if not continuous:
            # We missed a whole journal: what we hold may be stale. Reload lazily.
            for state in self._tables.values():
                self._unload(state)
        self._read_tail(locked=locked)

    def _apply_record(self, record: dict[str, Any], offset: int) -> None:
        generation = record.get("g")
        if generation != self._gen + 1:
            raise CorruptFileError(
                self.journal_path, offset,
                f"commit number {generation!r} does not follow {self._gen}",
            )
        names = set(record.get("t", ())) | set(record.get("c", {})) | set(record.get("i", {}))
        self._journal_tables |= names
        for name in names:
            state = self._tables.get(name)
            if state is not None and (state.docs is not None or state.last_id is not None):
                self._apply_to_table(state, record)
        self._gen = generation

    def _apply_to_table(self, state: TableState, record: dict[str, Any],
                        *, loading: Callable[[Doc], Doc] | None = None) -> None:
        """Apply one commit to a table. While `loading` (observers rebuild after) documents
        go through the load's `Interner.share` instead of being announced to observers."""
        name = state.name
        if state.docs is not None:
            if name in record.get("t", ()):
                if loading is None:
                    self._clear_docs(state)
                else:
                    state.docs.clear()
            for key, doc in record.get("c", {}).get(name, {}).items():
                if loading is None:
                    self._set(state, int(key), doc)
                elif doc is None:
                    state.docs.pop(int(key), None)
                else:
                    state.docs[int(key)] = loading(doc)
            state.version += 1
        last = record.get("i", {}).get(name)
        if last is not None and state.last_id is not None:
            state.last_id = max(state.last_id, int(last))

    # ----- table state -------------------------------------------------------------------
    def state(self, name: str) -> TableState:
        state = self._tables.get(name)
        if state is None:
            if not _TABLE_NAME.match(name):
                raise ValueError(f"bad table name {name!r}: use letters, digits and _")
            state = self._tables[name] = TableState(name)
        return state

    def docs(self, name: str) -> dict[int, Doc]:
        """The loaded documents of a table (caller holds `reading()` or a transaction).

        Loads the table if needed, holding the lock all along: call `preload(name)` from a
        worker first to keep other threads reading meanwhile."""
        return self._ensure_loaded(self.state(name))

    def preload(self, name: str) -> None:
        """Load a table, parsing its snapshot without holding the engine's lock.

        For worker threads: while a million events parse, other threads keep reading (and
        `try_reading()` keeps succeeding); the lock is taken only to install the documents
        and replay the journal over them. A thread that needs the table meanwhile waits for
        this parse instead of starting its own. Returns at once if the table is loaded.
        """
        with self._rlock:
            state = self.state(name)
        while state.docs is None:
            job = self._parse(name)
            with self._rlock:
                self._install(state, job)

    def reading(self) -> AbstractContextManager[None]:
        """Hold the in-process lock for a read, after catching up with other processes."""
        return self._reading

    @contextmanager
    def try_reading(self) -> Iterator[bool]:
        """Like `reading()`, but never waits: yields False (holding nothing) when another
        thread holds the lock, e.g. while loading a million events. Screens drawing from
        the UI thread use it so a long load never freezes them."""
        if not self._rlock.acquire(blocking=False):
            yield False
            return
        try:
            self.refresh()
            yield True
        finally:
            self._rlock.release()

    def table_names(self) -> set[str]:
        with self.reading():
            on_disk = {p.stem for p in self.tables_dir.glob("*.json")}
            loaded = {n for n, s in self._tables.items() if s.docs}
            return on_disk | self._journal_tables | loaded

    @property
    def generation(self) -> int:
        """Number of commits ever made to this database, as of the last catch-up."""
        if self._txn is not None and self._txn_thread == threading.get_ident():
            return self._gen  # this thread's transaction holds the lock: nothing to catch up
        with self._rlock:
            self.refresh()
            return self._gen

    def _ensure_loaded(self, state: TableState) -> dict[int, Doc]:
        """The table's documents, loading them if needed (caller holds the RLock)."""
        docs = state.docs
        while docs is None:
            self._install(state, self._parse(state.name))
            docs = state.docs
        return docs

    def _parse(self, name: str) -> ParseJob:
        """Parse a table's snapshot, or wait for the parse another thread is running.

        Needs no lock: the parse only reads the file. A thread holding the RLock may wait
        here for a parse in a thread that does not hold it, never the other way round.
        """
        with self._parse_mutex:
            job = self._parsing.get(name)
            owner = job is None
            if job is None:
                job = self._parsing[name] = ParseJob(self._epoch)
        if not owner:
            job.wait()
            return job
        try:
            interner = Interner()
            try:
                header, docs = read_snapshot(self.snapshot_path(name), name, interner)
            except FileNotFoundError:
                job.result = (None, {}, interner)
            else:
                job.result = (header, docs, interner)
        except Exception as exc:  # every thread waiting for this parse reports it
            job.error = exc
        finally:
            job.done.set()
        return job

    def _install(self, state: TableState, job: ParseJob) -> None:
        """Make a finished parse plus the journal the table's documents (RLock held).

        Leaves the table unloaded when the parse is of no use (stale since a compaction,
        or already installed, or interrupted): the caller parses again.
        """
        with self._parse_mutex:
            if self._parsing.get(state.name) is job:
                del self._parsing[state.name]  # whatever happens next, the next load reparses
        if state.docs is not None:
            return
        if job.error is not None:
            raise job.error
        parsed = job.result
        if parsed is None:
            return
        header, docs, interner = parsed
        if header is not None and header.epoch > self._epoch and self._lock_depth == 0:
            # Written by a compaction this process has not followed yet: follow it (under
            # the lock, which also settles a compaction that died half-way), judge again.
            with self.locked():
                self._catch_up(locked=True)
                self._install(state, job)
            return
        job.result = None  # these dicts become the table once, or never (stale)
        if not self._snapshot_current(state, header, job.epoch):
            return
        old_last_id = state.last_id
        state.docs = docs
        state.last_id = max(header.last_id if header else 0, max(docs, default=0))
        try:
            for offset, line in scan(self._fd, self.journal_path, self._header_end, self._offset):
                if mentions(line, state.name):
                    record = decode_line(line, self.journal_path, offset)
                    self._apply_to_table(state, record, loading=interner.share)
        except BaseException:
            state.docs, state.last_id = None, old_last_id  # never half a table
            raise
        if self._txn is not None and state.name in self._txn.blind:
            # Appended to in this transaction before it was loaded: those writes are not
            # in the journal yet, so lay them over what was read.
            docs.update(self._txn.changes.get(state.name, {}))
            state.last_id = max(state.last_id, old_last_id or 0)
        for index in state.indexes.values():
            index.rebuild(docs)
        state.version += 1
        # The documents and what the observers built from them live as long as the table:
        # keep the cycle collector from walking 100k of them on every later pass (a full
        # collection caught by a keystroke took 0.3 s).
        gc.freeze()

    def _ensure_last_id(self, state: TableState) -> int:
        """The highest id ever used in a table, without loading its documents."""
        if state.last_id is not None:
            return state.last_id
        snapshot = self.snapshot_path(state.name)
        header = read_snapshot_header(snapshot, state.name) if snapshot.exists() else None
        if not self._snapshot_current(state, header, self._epoch):
            with self.locked():
                self._catch_up(locked=True)
                return self._ensure_last_id(state)
        last = header.last_id if header else 0
        for offset, line in scan(self._fd, self.journal_path, self._header_end, self._offset):
            if mentions(line, state.name):
                record = decode_line(line, self.journal_path, offset)
                ids = [int(k) for k in record.get("c", {}).get(state.name, {})]
                last = max(last, record.get("i", {}).get(state.name, 0), *ids)
        state.last_id = last
        return last

    def _snapshot_current(self, state: TableState, header: SnapshotHeader | None,
                          read_in_epoch: int) -> bool:
        """May this snapshot (None: there was no file) be combined with our journal?

        `read_in_epoch` is the journal epoch this process knew when the file was opened.
        A snapshot of our journal's epoch always may. An older one (of a table the last
        compactions did not rewrite) may only if no compaction ran since it was read:
        one that did may have rewritten it (or created it), folding away commits that our
        journal no longer holds.

        A snapshot newer than our journal means a compaction ran meanwhile (catch up under
        the lock and retry) or died between writing snapshots and replacing the journal.
        In that second case, seen under the lock, the snapshot equals the state at the end
        of this journal and we are at its end, so replaying the journal over it is harmless.
        """
        if header is None or header.epoch < self._epoch:
            return read_in_epoch == self._epoch
        if header.epoch == self._epoch:
            return True
        if self._lock_depth == 0:
            return False
        if header.epoch == self._epoch + 1:
            return True
        raise CorruptFileError(
            self.snapshot_path(state.name), 0,
            f"snapshot epoch {header.epoch} is ahead of journal epoch {self._epoch}",
        )

    def _set(self, state: TableState, doc_id: int, doc: Doc | None) -> None:
        assert state.docs is not None
        old = state.docs.get(doc_id)
        if old is not None and doc is not None:
            state.docs[doc_id] = doc
            for index in state.indexes.values():
                index.replace(doc_id, old, doc)
            return
        if old is not None:
            for index in state.indexes.values():
                index.discard(doc_id, old)
        if doc is None:
            state.docs.pop(doc_id, None)
        else:
            state.docs[doc_id] = doc
            for index in state.indexes.values():
                index.add(doc_id, doc)

    def _clear_docs(self, state: TableState) -> None:
        state.docs = {}
        for index in state.indexes.values():
            index.clear()

    def _unload(self, state: TableState) -> None:
        state.docs = None
        state.last_id = None
        for index in state.indexes.values():
            index.clear()
        state.version += 1

    def add_index(self, name: str, index: DocObserver) -> None:
        with self._rlock:
            state = self.state(name)
            state.indexes[index.name] = index
            if state.docs is not None:
                index.rebuild(state.docs)

    # ----- transactions ------------------------------------------------------------------
    def transaction(self) -> AbstractContextManager[Transaction]:
        """Group writes into one atomic, durable commit, holding the inter-process lock.

        Nested transactions join the outermost one. On an exception nothing is written
        and every in-memory change is rolled back.
        """
        txn = self._txn
        if txn is not None and self._txn_thread == threading.get_ident():
            return nullcontext(txn)  # joining costs nothing: every write of an import does
        return self._transaction()

    @contextmanager
    def _transaction(self) -> Iterator[Transaction]:
        with self.locked():  # the RLock too: another thread's transaction holds it to the end
            self._catch_up(locked=True)
            txn = self._txn = Transaction()
            self._txn_thread = threading.get_ident()
            try:
                yield txn
                if not txn.empty():
                    self._commit(txn)
            except BaseException:
                self._rollback(txn)
                raise
            finally:
                self._txn = self._txn_thread = None
            if not self._compaction_held and self._compaction_due():
                self._compact_quietly()

    @contextmanager
    def compaction_held(self) -> Iterator[None]:
        """Hold automatic compaction back during a bulk load (an import of a million rows),
        then compact once at the end if due. Each compaction rewrites, and first reads
        back, every snapshot the journal touches: a dozen of them were half of a large
        import's time, while the journal only has to be folded once."""
        with self._rlock:
            self._compaction_held += 1
        try:
            yield
        finally:
            with self._rlock:
                self._compaction_held -= 1
                if not self._compaction_held:
                    with self.locked():
                        self._catch_up(locked=True)
                        if self._compaction_due():
                            self._compact_quietly()

    def _compaction_due(self) -> bool:
        """Compact when the journal passes the bound AND half the snapshots it would rewrite.

        Rewriting a 250 MB purchases snapshot every 16 MB of journal makes bulk loads
        quadratic; growing the bound with the data keeps each write's share of compaction
        work constant (amortised O(1)), while small databases still compact at 16 MB.
        """
        if self._offset <= self.compact_bytes:
            return False
        rewritten = 0
        for name in self._journal_tables:
            with suppress(FileNotFoundError):
                rewritten += self.snapshot_path(name).stat().st_size
        return self._offset > rewritten // 2

    def _require_txn(self) -> Transaction:
        if self._txn is None:
            raise RuntimeError("store writes must happen inside Engine.transaction()")
        return self._txn

    def require_own_transaction(self) -> None:
        """RuntimeError unless the calling thread has a transaction open: what a bulk
        writer checks once per write instead of entering `transaction()` (whose lock and
        context manager cost more than the write itself)."""
        if self._txn is None or self._txn_thread != threading.get_ident():
            raise RuntimeError("this write must happen inside this thread's transaction")

    def next_id(self, name: str) -> int:
        """Allocate the next id of a table (inside a transaction, so under the lock)."""
        self._require_txn()
        return self._ensure_last_id(self.state(name)) + 1

    def put(self, name: str, doc_id: int, doc: Doc) -> None:
        """Insert or replace one document. Works on tables not loaded yet (append only)."""
        txn = self._require_txn()
        state = self.state(name)
        if state.docs is None and self._compaction_held:
            # A bulk load compacts once at its end, which needs every table it wrote in
            # memory: loaded now, a table takes the load's writes as they come, instead of
            # the compaction decoding the whole journal back (half a large import's time).
            self._ensure_loaded(state)
        last = self._ensure_last_id(state)
        if state.docs is not None:
            # An id above the table's last id when the transaction began is new: rolling
            # back removes it (see _rollback), with nothing to remember (most of a bulk
            # load's writes).
            began = txn.old_last_ids.get(name, last)
            if began is None or doc_id <= began:
                self._remember(txn, state, doc_id)
            self._set(state, doc_id, doc)
            state.version += 1
        else:
            txn.blind.add(name)
        txn.changes.setdefault(name, {})[doc_id] = doc
        if doc_id > last:
            txn.old_last_ids.setdefault(name, last)
            state.last_id = doc_id

    def delete(self, name: str, doc_id: int) -> None:
        txn = self._require_txn()
        state = self.state(name)
        self._ensure_loaded(state)
        self._remember(txn, state, doc_id)
        self._set(state, doc_id, None)
        state.version += 1
        txn.changes.setdefault(name, {})[doc_id] = None

    def truncate(self, name: str) -> None:
        txn = self._require_txn()
        state = self.state(name)
        docs = self._ensure_loaded(state)
        for doc_id in list(docs):
            self._remember(txn, state, doc_id)
        self._clear_docs(state)
        state.version += 1
        txn.truncated.append(name)
        txn.changes[name] = {}  # the record applies truncation first, then later puts

    def _remember(self, txn: Transaction, state: TableState, doc_id: int) -> None:
        undo = txn.undo.setdefault(state.name, {})
        if doc_id not in undo:
            assert state.docs is not None
            undo[doc_id] = state.docs.get(doc_id)

    def _rollback(self, txn: Transaction) -> None:
        for name, olds in txn.undo.items():
            state = self._tables[name]
            if state.docs is not None:
                for doc_id, old in olds.items():
                    self._set(state, doc_id, old)
                state.version += 1
        for name, last in txn.old_last_ids.items():
            state = self._tables[name]
            if state.docs is not None:
                for doc_id in [i for i in txn.changes.get(name, ()) if i > (last or 0)]:
                    self._set(state, doc_id, None)
                state.version += 1
            state.last_id = last
        for name in txn.blind:
            self._unload(self._tables[name])  # holds writes we cannot undo: reload lazily

    def _commit(self, txn: Transaction) -> None:
        record: dict[str, Any] = {"g": self._gen + 1}
        changes = {
            name: {str(k): v for k, v in docs.items()} for name, docs in txn.changes.items() if docs
        }
        if changes:
            record["c"] = changes
        if txn.truncated:
            record["t"] = txn.truncated
        if txn.old_last_ids:
            record["i"] = {name: self._tables[name].last_id for name in txn.old_last_ids}
        line = encode_line(record)
        start = self._offset
        try:
            write_all(self._fd, line)
            os.fdatasync(self._fd)
        except OSError as exc:
            with suppress(OSError):  # if this fails too, the next writer drops the fragment
                os.ftruncate(self._fd, start)
            raise TransactionError(
                f"{self.journal_path}: could not save ({exc.strerror}); nothing was written"
            ) from exc
        self._offset = start + len(line)
        self._gen += 1
        self._journal_tables |= set(changes) | set(txn.truncated) | set(txn.old_last_ids)
        st = os.fstat(self._fd)
        self._seen = (st.st_size, st.st_mtime_ns)

    # ----- compaction --------------------------------------------------------------------
    def compact(self) -> None:
        """Fold the journal into fresh table snapshots and start an empty journal.

        Also rewrites every snapshot of an older format in the current one."""
        with self.locked():
            self._catch_up(locked=True)
            self._compact_locked(self._outdated_snapshots(loaded_only=False))

    def _compact_quietly(self) -> None:
        # Runs after a commit that is already durable: failing to compact (disk full, a
        # snapshot gone bad) must not turn that success into an error. The journal just
        # stays longer; a bad snapshot is reported by the read that needs it (`crm check`).
        # Old-format snapshots are upgraded only if loaded: loading a million events to
        # convert them would stall the save that set compaction off.
        with suppress(OSError, CorruptFileError):
            self._compact_locked(self._outdated_snapshots(loaded_only=True))

    def _outdated_snapshots(self, *, loaded_only: bool) -> set[str]:
        """Tables whose snapshot file is of an older format version than we write."""
        names = set()
        for path in self.tables_dir.glob("*.json"):
            name = path.stem
            state = self._tables.get(name)
            loaded = state is not None and state.docs is not None
            if not _TABLE_NAME.match(name) or (loaded_only and not loaded):
                continue
            try:
                header = read_snapshot_header(path, name)
            except (CorruptFileError, OSError):
                continue  # never rewrite what cannot be read: loading it reports the damage
            if header.version < SNAPSHOT_VERSION:
                names.add(name)
        return names

    def _compact_locked(self, outdated: set[str]) -> None:
        for stale in [*self.tables_dir.glob("*.tmp"), self.path / (JOURNAL + ".tmp")]:
            stale.unlink(missing_ok=True)  # a killed compaction's leftovers (may hold erased data)
        epoch = self._epoch + 1
        for name in sorted(self._journal_tables | outdated):
            state = self.state(name)
            was_loaded = state.docs is not None
            docs = self._ensure_loaded(state)
            header = SnapshotHeader(name, epoch, state.last_id or 0, len(docs))
            write_snapshot(self.snapshot_path(name), header, docs, self.mode)
            if not was_loaded:
                self._unload(state)  # compaction must not leave a million events in memory
        journal_header = new_header(epoch, self._offset, self._gen)
        atomic_write(self.journal_path, journal_header.encode(), self.mode)
        fd = self._open_journal_fd()
        self._adopt_journal(fd, epoch, self._gen, journal_header.size)
        st = os.fstat(fd)
        self._seen = (st.st_size, st.st_mtime_ns)

    # ----- facts for `crm check` ---------------------------------------------------------
    def journal_facts(self) -> dict[str, int]:
        with self.reading():
            size = os.fstat(self._fd).st_size
            return {
                "epoch": self._epoch,
                "generation": self._gen,
                "journal_bytes": self._offset,
                "torn_bytes": size - self._offset,
            }
