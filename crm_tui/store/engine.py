"""The storage engine under TinyDB: journal, lock, lazy per-table state, catch-up, compaction.

On disk a database is a directory:

    crm.json          format marker; its presence means "a crm-tui database"
    journal.log       fsync'd append-only journal of committed transactions (journal.py);
                      its header lists the snapshots that must exist (manifest.py)
    journal.end       how far acknowledged commits reach (endmark.py)
    tables/<t>.json   per-table snapshots, replaced atomically by compaction (snapshot.py)
    lock              the inter-process lock file (lockfile.py)

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

Every byte read is verified (checksums, commit numbers, the manifest, the end mark);
damage found is remembered and refuses every later write (integrity.py). A database
that cannot be written here (a read-only mount, no permission) is read without the lock
file being created or written, and writes say it is read-only.
"""

from __future__ import annotations

import fcntl
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from .aside import AsideSnapshot, write_aside
from .carried import carry_table_files
from .derivations import Derivations
from .endmark import END, EndMark
from .errors import CorruptFileError, DamagedError, NotADatabaseError, StoreError, TransactionError
from .files import (
    atomic_write,
    file_mode_for,
    make_dir,
    partial_dir,
    read_bytes,
    remove_dead_partials,
    write_all,
)
from .indexes import DocObserver
from .integrity import READ_ONLY_ERRNOS, Integrity, why_read_only
from .interning import Interner
from .journal import (
    JournalHeader,
    decode_commit,
    encode_commit,
    mentions,
    new_header,
    read_header,
    scan,
    unterminated,
    written,
)
from .lockfile import LOCK, DatabaseLock
from .manifest import Manifest, SnapshotEntry, snapshot_names
from .reads import DiskReads, stored_indexes
from .restore_record import settle_restore
from .rewrite import Rewrite, plan_rewrite, write_rewrite
from .snapshot import (
    SNAPSHOT_VERSION,
    SnapshotHeader,
    read_snapshot,
    read_snapshot_header,
    verify_snapshot_bytes,
    write_snapshot,
)
from .watchers import Watchers

MANIFEST = "crm.json"
JOURNAL = "journal.log"
TABLES = "tables"
DB_FORMAT = "crm-tui-database"
DB_VERSION = 1
DEFAULT_COMPACT_BYTES = 16 * 1024 * 1024
TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# What a half-initialised database directory (killed during creation) may hold.
_INIT_LEFTOVERS = {LOCK, JOURNAL, TABLES, END, JOURNAL + ".tmp", MANIFEST + ".tmp",
                   END + ".tmp"}
# crm.json exactly as every crm-tui wrote it: any other bytes there are damage.
MANIFEST_BYTES = orjson.dumps({"format": DB_FORMAT, "version": DB_VERSION}) + b"\n"

Doc = dict[str, Any]


@dataclass
class TableState:
    """What this process knows of one table. `docs is None` means not loaded yet."""

    name: str
    docs: dict[int, Doc] | None = None
    last_id: int | None = None
    version: int = 0  # bumped on every change: lets query caches know they are stale
    # Indexes and services' read models alike, each kept in step with the documents.
    observers: dict[str, DocObserver] = field(default_factory=dict)
    checked: tuple[int, int, int] | None = None  # the snapshot file whose bytes were checked


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
    written_unloaded: set[str] = field(default_factory=set)  # tables written before loading

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
            "to bring in the customers.json of the original single-file CRM script, use "
            "'crm import legacy FILE'"
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


def _refusal_without_manifest(path: Path, may_create: bool) -> StoreError | None:
    """Why a folder without crm.json cannot be opened (None: it is an empty database's
    folder, or one whose creation was cut short, and `may_create` lets us finish it)."""
    manifest = path / MANIFEST
    if _holds_commits(path):
        return CorruptFileError(manifest, None, "missing: the folder holds a crm-tui "
                                "database's journal, but not this file")
    leftovers = set(os.listdir(path))
    if not leftovers <= _INIT_LEFTOVERS or any((path / TABLES).glob("*.json")):
        return NotADatabaseError(
            path, "directory is not a crm-tui database (no crm.json); refusing to touch it")
    if not may_create:
        return NotADatabaseError(path, "no database here (crm.json is missing)")
    return None


def _holds_commits(path: Path) -> bool:
    """Does this folder hold a crm-tui journal with commits, or snapshots (so it was a
    database, not a creation killed before it finished)?"""
    try:
        fd = os.open(path / JOURNAL, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        header = read_header(fd, path / JOURNAL)
        return header.generation > 0 or os.fstat(fd).st_size > header.size
    except CorruptFileError:
        return False
    finally:
        os.close(fd)


def snapshot_file(db_path: str | os.PathLike[str], name: str) -> Path:
    """Where a table's snapshot lives in the database at `db_path` (it may not exist)."""
    return Path(db_path).expanduser() / TABLES / f"{name}.json"


class Engine:
    """One open database directory. Thread-safe; safe against other processes."""

    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = True,
        compact_bytes: int = DEFAULT_COMPACT_BYTES, read_only: bool = False,
    ) -> None:
        """`read_only=True` opens without ever writing, creating or truncating anything
        (what `crm check` uses); a database that cannot be written is read-only anyway."""
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
        self.reads = DiskReads(self)  # get / ids_by / by without loading (reads.py)
        self.derived = Derivations(self)  # states folded from every commit (derivations.py)
        self.watchers = Watchers()  # read models told of each commit (watchers.py)
        self._open(create, read_only)

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
    def _open(self, create: bool, read_only: bool) -> None:
        path, manifest = self.path, self.path / MANIFEST
        settle_restore(path, writable=not read_only)  # one killed half-way is finished first
        if path.exists() and not path.is_dir():
            raise NotADatabaseError(path, describe_foreign(path))
        if not path.exists():
            settle_restore(path, writable=not read_only)  # one under way: wait for its result
        if not path.exists():
            if not create or read_only:
                raise NotADatabaseError(path, "no database here")
            make_dir(path, exist_ok=True)  # others may be creating it too
        elif not manifest.exists():
            refusal = _refusal_without_manifest(path, create and not read_only)
            # Another process may have finished creating it while we looked: the manifest is
            # written last, so once it is there what we saw before was a creation under way.
            if refusal is not None and not manifest.exists():
                raise refusal
        self.mode = file_mode_for(path)
        why = "opened read-only" if read_only else why_read_only(path)
        self._integrity = Integrity(path, self.mode, why)
        self._lock = DatabaseLock(path / LOCK, self.mode, writable=why is None)
        if not manifest.exists():
            with self.locked():
                if not manifest.exists():
                    self._initialise()
        self._check_manifest(manifest)
        self._open_journal()

    def _initialise(self) -> None:
        """Create an empty database. The manifest is written last: it marks completion."""
        make_dir(self.tables_dir, exist_ok=True)
        header = new_header(1, 0, 0, {})
        atomic_write(self.journal_path, header.encode(), self.mode)
        atomic_write(self.path / END, EndMark(1, 0, header.size).encode(), self.mode)
        atomic_write(self.path / MANIFEST, MANIFEST_BYTES, self.mode)

    def _check_manifest(self, manifest: Path) -> None:
        data = read_bytes(manifest)
        if data == MANIFEST_BYTES:
            return
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
        # What it says is readable, but it is not what was written: something changed it.
        at = next((i for i, (a, b) in enumerate(zip(data, MANIFEST_BYTES, strict=False))
                   if a != b), min(len(data), len(MANIFEST_BYTES)))
        self._integrity.note(CorruptFileError(manifest, at, "changed: not as crm-tui wrote it"))

    def _journal_missing(self) -> CorruptFileError:
        return CorruptFileError(
            self.journal_path, None, "missing: the journal holds every commit since the last "
            "compaction, so nothing can be read safely without it")

    def _open_journal(self) -> None:
        fd = self._open_journal_fd()
        try:
            header = read_header(fd, self.journal_path)
        except BaseException:
            os.close(fd)
            raise
        self._adopt_journal(fd, header)
        self._read_tail(locked=self._lock_depth > 0)
        self._verify(locked=self._lock_depth > 0)

    def _open_journal_fd(self) -> int:
        flags = os.O_CLOEXEC
        try:
            if self._integrity.read_only is None:
                try:
                    return os.open(self.journal_path, flags | os.O_RDWR | os.O_APPEND)
                except OSError as exc:
                    if exc.errno not in READ_ONLY_ERRNOS:
                        raise
                    reason = exc.strerror or "not writable"
                    self._integrity.read_only = f"the journal: {reason.lower()}"
                    self._lock.writable = False  # and the lock file is not created either
            return os.open(self.journal_path, flags | os.O_RDONLY)
        except FileNotFoundError:
            raise self._journal_missing() from None

    def _adopt_journal(self, fd: int, header: JournalHeader) -> None:
        if self._fd >= 0:
            os.close(self._fd)
        self._fd = fd
        self._ino = os.fstat(fd).st_ino
        self._epoch = header.epoch
        self._gen = header.generation
        self._header_end = header.size
        self._offset = header.size
        self._manifest: Manifest | None = header.manifest
        self._journal_version = 1 if header.manifest is None else 2
        self._seen: tuple[int, int] | None = None
        self._journal_tables: set[str] = set()
        self._kept_tail: tuple[int, bytes] | None = None  # see _last_fragment
        self.reads.reset()

    def _committed_lines(self) -> Iterator[tuple[int, bytes]]:
        """(offset, line) of every commit this process has read, newline included (the
        last one's restored when it was kept without it)."""
        yield from scan(self._fd, self.journal_path, self._header_end, self._offset)
        if self._kept_tail is not None:
            yield self._kept_tail

    def _replayed_lines(self, name: str) -> Iterator[tuple[int, bytes]]:
        """The committed lines a load of table `name` lays over its snapshot: those holding
        the latest version of one of its documents, as the tail overlay knows them, in
        journal order (none for a table the journal never wrote: the journal is not read
        through, an import's hundreds of MB); when the journal truncated it, every line
        that mentions it. The caller drops what the tail says was deleted since."""
        tail = self.reads.tail.get(name)
        if tail.truncated:
            yield from ((offset, line) for offset, line in self._committed_lines()
                        if mentions(line, name))
            return
        for offset, length in sorted({where for where in tail.where.values() if where}):
            yield offset, self.line_at(offset, length)

    def line_at(self, offset: int, length: int) -> bytes:
        """The committed journal line at `offset` (the last one as kept without its
        newline, see `_last_fragment`); its CRC is the decoder's to check."""
        kept = self._kept_tail
        return kept[1] if kept and kept[0] == offset else os.pread(self._fd, length, offset)

    def close(self) -> None:
        with self._rlock:
            self.reads.reset()
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1
            self._lock.close()
            self._integrity.close()

    # ----- soundness ---------------------------------------------------------------------
    @property
    def read_only(self) -> str | None:
        """Why this database cannot be written here, or None when it can."""
        return self._integrity.read_only

    @property
    def damage(self) -> list[CorruptFileError]:
        """Damage found so far (each naming its file and offset); writes are refused while
        there is any. `crm check` looks everywhere; this holds what this process met."""
        with self._rlock:
            return self._integrity.damage

    def _verify(self, *, locked: bool) -> None:
        """Compare the journal with its end mark and the snapshots with the manifest;
        remember what is wrong. Without the lock a compaction or commit running meanwhile
        can look like damage, so what looks wrong is looked at again holding it."""
        problems = self._problems()
        if problems and not locked:
            with self.locked(shared=True):
                self._catch_up(locked=True)
                problems = self._problems()
        for problem in problems:
            self._integrity.note(problem)

    def _problems(self) -> list[CorruptFileError]:
        return self._integrity.problems(
            journal=self.journal_path, version=self._journal_version, epoch=self._epoch,
            generation=self._gen, end=self._offset, manifest=self._manifest)

    # ----- locking and catching up -------------------------------------------------------
    @contextmanager
    def locked(self, *, shared: bool = False) -> Iterator[None]:
        """Hold the inter-process lock: exclusive to write; shared to see a stable state
        (no writer mid-commit or mid-compaction) without needing write access."""
        with self._rlock:
            if not shared and self._integrity.read_only is not None:
                self._integrity.require_writable()
            outer = self._lock.held
            self._lock.acquire(shared=shared)
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
                if not outer:
                    self._lock.release()
                elif outer != self._lock.held:
                    self._lock.downgrade()  # an exclusive section inside a shared one

    @property
    def _exclusive(self) -> bool:
        return self._lock.held == fcntl.LOCK_EX

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
        if st.st_size < self._offset:
            # Commits this process read are gone from the file: never append after that.
            self._integrity.note(CorruptFileError(
                self.journal_path, st.st_size, f"cut short: it held {self._offset} bytes "
                f"of commits when last read, it now holds {st.st_size}"))
            self._seen = (st.st_size, st.st_mtime_ns)
            return
        while True:
            for offset, line in scan(self._fd, self.journal_path, self._offset):
                self._apply_record(decode_commit(line, self.journal_path, offset), offset,
                                   len(line))
                self._offset = offset + len(line)
            if os.fstat(self._fd).st_size <= self._offset or not self._last_fragment(locked=locked):
                break
        st = os.fstat(self._fd)
        self._seen = (st.st_size, st.st_mtime_ns)

    def _last_fragment(self, *, locked: bool) -> bool:
        """Judge the bytes after the last complete line; True if they are no longer a
        last line (a writer ended it since the scan): the caller scans again.

        A whole commit whose newline byte was changed is damage, never a write in
        progress: kept, and remembered. Anything else may be a write in progress unless
        we hold the lock. Holding it: a whole commit lacking only its newline was
        acknowledged if the end mark says so (damage, kept), else its writer was killed
        just before the newline (a writer ends the line: the commit was complete); a
        prefix of a line is a torn write, dropped by a writer, unless the end mark says
        commits were acknowledged past its start (the journal was cut inside a line)."""
        start = self._offset
        fragment = os.pread(self._fd, os.fstat(self._fd).st_size - start, start)
        if b"\n" in fragment:
            # Read after the scan, so a line still being written then may be whole now:
            # judged as it is, its own newline would pass for a damaged one.
            return True
        kind = unterminated(fragment)
        if kind != "damaged" and not locked:
            return False
        mark = self._mark_or_none()
        acknowledged = (mark is not None and mark.epoch == self._epoch
                        and mark.end > start)
        if kind == "damaged" or (kind == "missing" and acknowledged):
            line = (fragment[:-1] if kind == "damaged" else fragment) + b"\n"
            self._apply_record(decode_commit(line, self.journal_path, start), start,
                               len(line))
            self._offset = start + len(fragment)
            self._kept_tail = (start, line)
            what = "damaged" if kind == "damaged" else "missing"
            self._integrity.note(CorruptFileError(
                self.journal_path, start + len(fragment) - (kind == "damaged"),
                f"the last commit's newline is {what} (the commit itself is intact, and "
                "kept)"))
        elif kind is None and acknowledged:
            self._integrity.note(CorruptFileError(
                self.journal_path, start, f"cut short inside a commit's line: commits up "
                f"to byte {mark.end if mark else 0} were saved"))
        elif not self._exclusive or self._integrity.damage:
            pass  # only a writer mends, and never a damaged database (the mark may be)
        elif kind == "missing":
            write_all(self._fd, b"\n")  # end the line its killed writer wrote whole
            os.fdatasync(self._fd)
            self._read_tail(locked=True)
        else:
            # Nobody is mid-append: a torn write from a killed writer, never acknowledged.
            # Drop it so the next commit starts on a clean line.
            os.ftruncate(self._fd, start)
            os.fsync(self._fd)
        return False

    def _mark_or_none(self) -> EndMark | None:
        try:
            return self._integrity.read_mark(self._journal_version)
        except CorruptFileError as exc:
            self._integrity.note(exc)
            return None

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
        self._adopt_journal(fd, header)
        if not continuous:
            # We missed a whole journal (or a repair replaced it): what we hold may be
            # stale, and the damage we knew of may be gone. Reload lazily, look again.
            for state in self._tables.values():
                self._unload(state)
            self._integrity.forget()
            self.derived.forget()
            self.watchers.lost()
        self._read_tail(locked=locked)
        self._verify(locked=locked)

    def _apply_record(self, record: dict[str, Any], offset: int, length: int) -> None:
        generation = record.get("g")
        if generation != self._gen + 1:
            raise CorruptFileError(
                self.journal_path, offset,
                f"commit number {generation!r} does not follow {self._gen}",
            )
        names = set(record.get("t", ())) | set(record.get("c", {})) | set(record.get("i", {}))
        self._journal_tables |= names
        try:  # a table's documents are decoded when first read (journal.TableDocs)
            self.derived.before_record(record)  # reads each document's version before this
            self.reads.tail.note(record, (offset, length))
            for name in names:
                state = self._tables.get(name)
                if state is not None and (state.docs is not None or state.last_id is not None):
                    self._apply_to_table(state, record)
            self._gen = generation
            self.watchers.record(record)
        except CorruptFileError as exc:
            raise self._integrity.note(exc) from None

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
            if not TABLE_NAME.match(name):
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
            if isinstance(job.error, CorruptFileError):
                self._integrity.note(job.error)
            raise job.error
        parsed = job.result
        if parsed is None:
            return
        header, docs, interner = parsed
        if header is not None and header.epoch > self._epoch and self._lock_depth == 0:
            # Written by a compaction this process has not followed yet: follow it (under
            # the lock, which also settles a compaction that died half-way), judge again.
            with self.locked(shared=True):
                self._catch_up(locked=True)
                self._install(state, job)
            return
        job.result = None  # these dicts become the table once, or never (stale)
        if not self._snapshot_current(state, header, job.epoch):
            return
        self._check_listed(state.name, header)
        old_last_id = state.last_id
        state.docs = docs
        state.last_id = max(header.last_id if header else 0, max(docs, default=0))
        tail = self.reads.tail.get(state.name)
        try:
            for offset, line in self._replayed_lines(state.name):
                record = decode_commit(line, self.journal_path, offset)
                self._apply_to_table(state, record, loading=interner.share)
            if not tail.truncated:  # what the lines not replayed did to it
                for doc_id in [i for i, where in tail.where.items() if where is None]:
                    docs.pop(doc_id, None)
                state.last_id = max(state.last_id, max(tail.where, default=0))
        except BaseException as exc:
            state.docs, state.last_id = None, old_last_id  # never half a table
            if isinstance(exc, CorruptFileError):
                raise self._integrity.note(exc) from None
            raise
        if self._txn is not None and state.name in self._txn.written_unloaded:
            # Appended to in this transaction before it was loaded: those writes are not
            # in the journal yet, so lay them over what was read (None: deleted since).
            for doc_id, doc in self._txn.changes.get(state.name, {}).items():
                if doc is None:
                    docs.pop(doc_id, None)
                else:
                    docs[doc_id] = doc
            state.last_id = max(state.last_id, old_last_id or 0)
        for observer in state.observers.values():
            observer.rebuild(docs)
        state.version += 1

    def _check_listed(self, name: str, header: SnapshotHeader | None) -> None:
        """A snapshot just read (None: there was no file) against what the manifest lists.

        Called only for a snapshot that may be combined with our journal (so the file read
        is the one the manifest describes), except one of the next epoch: a compaction
        wrote it and has not replaced the journal yet; its own checksums vouch for it."""
        if self._manifest is None or (header is not None and header.epoch == self._epoch + 1):
            return
        path, entry = self.snapshot_path(name), self._manifest.get(name)
        if header is None:
            if entry is not None:
                raise self._integrity.note(CorruptFileError(
                    path, None, f"missing: the last compaction wrote it with {entry.count} "
                    "documents"))
            return
        if entry is None:
            raise self._integrity.note(CorruptFileError(
                path, None, "not written by the last compaction (the journal does not list it)"))
        found = SnapshotEntry(header.epoch, header.count, header.size)
        if found != entry:
            raise self._integrity.note(CorruptFileError(
                path, None, f"not the file the last compaction wrote (epoch, documents, "
                f"bytes: {found.encode()}, expected {entry.encode()})"))

    def _ensure_last_id(self, state: TableState) -> int:
        """The highest id ever used in a table, without loading its documents."""
        if state.last_id is not None:
            return state.last_id
        snapshot = self.snapshot_path(state.name)
        try:
            header = read_snapshot_header(snapshot, state.name) if snapshot.exists() else None
        except CorruptFileError as exc:
            raise self._integrity.note(exc) from None
        if not self._snapshot_current(state, header, self._epoch):
            with self.locked(shared=True):
                self._catch_up(locked=True)
                return self._ensure_last_id(state)
        last = header.last_id if header else 0
        tail = self.reads.tail.get(state.name)
        if not tail.truncated:  # every id the journal wrote since the snapshot
            last = max(last, max(tail.where, default=0))
        else:
            for offset, line in self._committed_lines():
                if mentions(line, state.name):
                    record = decode_commit(line, self.journal_path, offset)
                    ids = [i for i, _ in written(record.get("c", {}).get(state.name, {}))]
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
            for observer in state.observers.values():
                observer.replace(doc_id, old, doc)
            return
        if old is not None:
            for observer in state.observers.values():
                observer.discard(doc_id, old)
        if doc is None:
            state.docs.pop(doc_id, None)
        else:
            state.docs[doc_id] = doc
            for observer in state.observers.values():
                observer.add(doc_id, doc)

    def _clear_docs(self, state: TableState) -> None:
        state.docs = {}
        for observer in state.observers.values():
            observer.clear()

    def _unload(self, state: TableState) -> None:
        state.docs = None
        state.last_id = None
        for observer in state.observers.values():
            observer.clear()
        state.version += 1

    def add_observer(self, name: str, observer: DocObserver) -> None:
        with self._rlock:
            state = self.state(name)
            state.observers[observer.name] = observer
            if state.docs is not None:
                observer.rebuild(state.docs)

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

    def rehearsal(self) -> AbstractContextManager[Transaction]:
        """A transaction that is always rolled back, however it ends (a dry run): as it
        writes nothing, it holds the lock shared and works where this session may only
        read. Transactions inside join it, as they join any."""
        return self._transaction(rehearsal=True)

    @contextmanager
    def _transaction(self, *, rehearsal: bool = False) -> Iterator[Transaction]:
        # The RLock too: another thread's transaction holds it to the end.
        with self.locked(shared=rehearsal):
            self._catch_up(locked=True)
            self._verify(locked=True)
            if not rehearsal:
                self._integrity.require_writable()
            txn = self._txn = Transaction()
            self._txn_thread = threading.get_ident()
            try:
                yield txn
                if rehearsal:
                    self._rollback(txn)
                elif not txn.empty():
                    self._commit(txn)
            except BaseException:
                self._rollback(txn)
                raise
            finally:
                self._txn = self._txn_thread = None
            if not rehearsal and not self._compaction_held and self._compaction_due():
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
        # An id above the table's last id when the transaction began is new: rolling
        # back removes it (see _rollback), with nothing to remember (most of a bulk
        # load's writes).
        began = txn.old_last_ids.get(name, last)
        existing = began is None or doc_id <= began
        if state.docs is None and existing and doc_id not in txn.undo.get(name, {}):
            # Replaced without loading its table: its before-image (for `changed`: audit,
            # undo) is read from disk, before this write joins the transaction's own.
            before = self.reads.get(name, doc_id)
            if state.docs is None:  # that read may have loaded the table after all
                txn.undo.setdefault(name, {})[doc_id] = before
        if state.docs is not None:
            if existing:
                self._remember(txn, state, doc_id)
            self._set(state, doc_id, doc)
            state.version += 1
        else:
            if name not in txn.written_unloaded:
                self._check_unread(state)
            txn.written_unloaded.add(name)
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

    def _check_unread(self, state: TableState) -> None:
        """Check the checksums of the snapshot of a table this process has not loaded
        (once per file: a stat after that), before appending to it or compacting: a write
        never lands on a table whose snapshot has a changed byte nobody noticed yet."""
        if state.docs is not None:
            return  # loading checked it
        path = self.snapshot_path(state.name)
        try:
            st = path.stat()
        except FileNotFoundError:
            return  # a listed snapshot that is missing was found before this transaction
        if state.checked != (st.st_ino, st.st_size, st.st_mtime_ns):
            try:
                verify_snapshot_bytes(path, state.name)
            except CorruptFileError as exc:
                raise self._integrity.note(exc) from None
            state.checked = (st.st_ino, st.st_size, st.st_mtime_ns)

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
        for name in txn.written_unloaded:
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
        line = encode_commit(record)
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
        self.reads.tail.note(record, (start, len(line)))
        self.derived.committed(txn)
        self.watchers.record(record)
        self._integrity.write_mark(EndMark(self._epoch, self._gen, self._offset))
        self._journal_tables |= set(changes) | set(txn.truncated) | set(txn.old_last_ids)
        st = os.fstat(self._fd)
        self._seen = (st.st_size, st.st_mtime_ns)

    # ----- compaction --------------------------------------------------------------------
    def compact(self) -> None:
        """Fold the journal into fresh table snapshots and start an empty journal.

        Also rewrites every snapshot of an older format in the current one, and first
        reads every other snapshot through, checking its checksums: a compaction never
        carries damage forward. Writes the derived files (doc_index.py) of every snapshot
        that lacks them."""
        with self.locked():
            self._catch_up(locked=True)
            self._verify(locked=True)
            self._integrity.require_writable()
            outdated = self._outdated_snapshots(loaded_only=False)
            for name in sorted(snapshot_names(self.tables_dir)):
                with suppress(CorruptFileError):  # remembered: refused just below
                    self._check_unread(self.state(name))
            self._compact_locked(outdated)
            self.reads.build_missing()  # for the snapshots it kept

    def _compact_quietly(self) -> None:
        # Runs after a commit that is already durable: failing to compact (disk full, a
        # snapshot gone bad) must not turn that success into an error. The journal just
        # stays longer; a bad snapshot is reported by the read that needs it (`crm check`).
        # Old-format snapshots are upgraded only if loaded: loading a million events to
        # convert them would stall the save that set compaction off.
        with suppress(OSError, StoreError):
            self._compact_locked(self._outdated_snapshots(loaded_only=True))

    def _outdated_snapshots(self, *, loaded_only: bool) -> set[str]:
        """Tables whose snapshot file is of an older format version than we write."""
        names = set()
        for path in self.tables_dir.glob("*.json"):
            name = path.stem
            state = self._tables.get(name)
            loaded = state is not None and state.docs is not None
            if not TABLE_NAME.match(name) or (loaded_only and not loaded):
                continue
            # Never rewrite what cannot be read: loading it reports the damage.
            with suppress(CorruptFileError, OSError):
                if self._old_format(name):
                    names.add(name)
        return names

    def _compact_locked(self, outdated: set[str],
                        aside: Mapping[str, AsideSnapshot] | None = None) -> None:
        """Write the snapshots the journal touched (and `outdated`), then the next epoch's
        journal listing every snapshot, then its end mark; those in `aside` were written
        already (up to date: see `upgrade_table`) and are renamed into place. Killed at
        any point, what is on disk opens: new snapshots of epoch + 1 beside the old
        journal are a compaction that did not finish (see `_snapshot_current`)."""
        aside = aside or {}
        names = sorted(self._journal_tables | outdated)
        unloaded = {name for name in names if self.state(name).docs is None}
        rewrites: dict[str, Rewrite] = {}
        for name in sorted(set(names) - set(aside)):  # all it needs read sound before writing
            with suppress(CorruptFileError):  # remembered: refused just below
                self._check_unread(self.state(name))
                if self._old_format(name):
                    self._ensure_loaded(self.state(name))  # no checksums: parse it
                elif not self.reads.tail.get(name).truncated:
                    rewrites[name] = self._plan_rewrite(name)
        if self._integrity.damage:
            raise DamagedError(self._integrity.damage)
        for stale in [*self.tables_dir.glob("*.tmp"), self.path / (JOURNAL + ".tmp")]:
            stale.unlink(missing_ok=True)  # a killed compaction's leftovers (may hold erased data)
        remove_dead_partials(self.tables_dir)  # a killed upgrade's (see aside.py): the same
        self._integrity.ensure_mark(EndMark(self._epoch, self._gen, self._offset))
        epoch = self._epoch + 1
        manifest = self._listed_as_is()
        self.derived.prepare()  # while the snapshots are still this journal's
        for name in names:
            if name in aside:
                manifest[name] = aside[name].install(self.tables_dir)
                continue
            state = self.state(name)
            plan = rewrites.get(name)
            if plan is not None:
                header = SnapshotHeader(name, epoch, self._ensure_last_id(state), plan.count)
                old = self.reads.current_files(name)  # the replaced snapshot's: carried over
                try:
                    size = write_rewrite(plan, header, self.mode)
                except CorruptFileError as exc:
                    raise self._integrity.note(exc) from None
                # Before the journal, like the snapshot; built from it only when the old
                # files cannot be carried over (keys read from the documents held).
                self.reads.write_files(
                    name, state.docs if state.docs is not None else
                    {i: doc for i, doc in plan.changed.items() if doc},
                    carry=None if old is None else partial(
                        carry_table_files, plan, mode=self.mode, old=old, whole=state.docs))
                manifest[name] = SnapshotEntry(epoch, header.count, size)
                continue
            docs = self._ensure_loaded(state)
            header = SnapshotHeader(name, epoch, state.last_id or 0, len(docs))
            size = write_snapshot(self.snapshot_path(name), header, docs, self.mode)
            self.reads.write_files(name, docs)  # before the journal, like the snapshot
            manifest[name] = SnapshotEntry(epoch, len(docs), size)
            if name in unloaded:
                self._unload(state)  # compaction must not leave a million events in memory
        self.derived.save(epoch)  # the states at the end of this journal: of the next epoch
        journal_header = new_header(epoch, self._offset, self._gen, manifest)
        atomic_write(self.journal_path, journal_header.encode(), self.mode)
        fd = self._open_journal_fd()
        self._adopt_journal(fd, journal_header)
        self._integrity.write_mark(EndMark(epoch, self._gen, journal_header.size))
        st = os.fstat(fd)
        self._seen = (st.st_size, st.st_mtime_ns)

    def _plan_rewrite(self, name: str) -> Rewrite:
        """The first pass of copying a table's snapshot (rewrite.py), with the documents the
        journal changed since: from the table when loaded, else from their journal lines
        (each line decoded once: in the order of their positions). CorruptFileError when
        the snapshot or a journal line is damaged (remembered)."""
        tail, docs = self.reads.tail.get(name), self.state(name).docs
        if docs is not None:
            changed = {doc_id: docs.get(doc_id) for doc_id in tail.where}
        else:
            changed = {doc_id: None if where is None else
                       self.reads._tail_doc(where, name, doc_id)
                       for doc_id, where in sorted(tail.where.items(),
                                                   key=lambda item: item[1] or (0, 0))}
        try:
            return plan_rewrite(self.snapshot_path(name), name, changed)
        except CorruptFileError as exc:
            raise self._integrity.note(exc) from None

    def outdated_tables(self) -> list[str]:
        """Tables whose snapshot is of an older format (no line checksums, so no derived
        files: reading them loads the table), smallest file first."""
        with self.reading():
            names = self._outdated_snapshots(loaded_only=False)
        sizes = {}
        for name in names:
            with suppress(FileNotFoundError):
                sizes[name] = self.snapshot_path(name).stat().st_size
        return sorted(sizes, key=lambda name: (sizes[name], name))

    def upgrade_table(self, name: str) -> bool:
        """Rewrite one old-format snapshot in the current version, with its derived files:
        a compaction of that table and of those the journal touched. Their new snapshots
        are written aside first, without holding any lock (each from the table as loaded,
        at a known point of the journal), so this process's other threads and other
        processes read and commit meanwhile; the compaction, under the lock, renames
        each into place if the journal did not change its table since, and writes the
        others as any compaction does. False when there was nothing to do (rewritten
        meanwhile, or this engine closed)."""
        with self._rlock:
            if self._fd < 0:
                return False
            self.refresh()
            if not self._old_format(name):
                return False
            names = sorted({name} | self._journal_tables)
            loaded = {table for table in names if self.state(table).docs is not None}
        with ExitStack() as folders:  # the folders written aside, removed on the way out
            aside = {}
            for table in names:
                written = self._write_aside(table, folders)
                if written is not None:
                    aside[table] = written
            with self._rlock:
                if self._fd < 0:
                    return False
                with self.locked():
                    self._catch_up(locked=True)
                    self._verify(locked=True)
                    self._integrity.require_writable()
                    if not self._old_format(name):
                        return False
                    aside = {table: written for table, written in aside.items()
                             if written.mark == self._upgrade_mark(table)}
                    self._compact_locked({name}, aside)
                    for table in set(names) - loaded:
                        self._unload(self.state(table))  # loaded for the upgrade only
        return True

    def _write_aside(self, name: str, folders: ExitStack) -> AsideSnapshot | None:
        """The table's next snapshot written aside (see `upgrade_table`), or None when it
        has no documents to hold still (dropped, or unloaded meanwhile)."""
        self.preload(name)  # parsed without any lock
        with self._rlock:
            self.refresh()
            state = self.state(name)
            if state.docs is None:
                return None
            # A shallow copy is the table at this point: documents are replaced, never
            # changed in place.
            docs = dict(state.docs)
            header = SnapshotHeader(name, self._epoch + 1, state.last_id or 0, len(docs))
            mark = self._upgrade_mark(name)
            indexes = stored_indexes(state)
        folder = folders.enter_context(partial_dir(self.tables_dir, name))
        return write_aside(folder, header, docs, indexes, self.mode, mark)

    def _upgrade_mark(self, name: str) -> tuple[object, ...]:
        """Where the journal is for this table (RLock held): equal marks, no change of it
        in between. The log of a table truncated in this journal restarts at each
        truncation, so its mark never equals another."""
        tail = self.reads.tail.get(name)
        return (self._epoch, len(tail.log), self.state(name).last_id or 0,
                object() if tail.truncated else None)

    def _old_format(self, name: str) -> bool:
        path = self.snapshot_path(name)
        return path.exists() and read_snapshot_header(path, name).version < SNAPSHOT_VERSION

    def _listed_as_is(self) -> Manifest:
        """Entries for the snapshots a compaction keeps: as listed, or as read from the
        file when the manifest does not describe it (a journal from before manifests, or a
        snapshot a killed compaction of the next epoch wrote, verified just before)."""
        manifest: Manifest = {}
        for name in snapshot_names(self.tables_dir):
            path = self.snapshot_path(name)
            size = path.stat().st_size
            entry = self._manifest.get(name) if self._manifest is not None else None
            if entry is None or entry.size != size:
                header = read_snapshot_header(path, name)
                entry = SnapshotEntry(header.epoch, header.count, size)
            manifest[name] = entry
        return manifest

    # ----- facts for `crm check` ---------------------------------------------------------
    def journal_facts(self) -> dict[str, int]:
        with self.reading():
            size = os.fstat(self._fd).st_size
            return {
                "epoch": self._epoch,
                "generation": self._gen,
                "journal_bytes": self._offset,
                "torn_bytes": size - self._offset,
                "version": self._journal_version,
            }
