"""`Database`: a TinyDB whose tables live in a journaled, multi-process-safe directory.

    db = Database("~/.local/share/crm-tui/crm.db")
    customers = db.table("customers")
    customers.insert({"name": "John Doe"})
    with db.transaction():          # several writes, one atomic durable commit
        ...

Reads that need no loaded table (reads.py): `db.get("customers", 7)`, `db.get_many(...)`,
`db.ids_by("purchases", "customer", 7)`, `db.by(...)`, and `db.scan("purchases")`, every
document streamed by id (scan.py); `db.get(cond)` or
`db.get(doc_id=...)` without a table name still reads the default table, as TinyDB's.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB

from .derivations import Spec
from .engine import DEFAULT_COMPACT_BYTES, Doc, Engine, Transaction
from .errors import CorruptFileError
from .indexes import DocObserver
from .saved_results import changed_ids
from .scan import scan
from .table import StoreTable
from .upgrade import start_upgrade
from .watchers import TableWatcher

T = TypeVar("T")


class Database(TinyDB):
    """TinyDB's database API (table, tables, drop_table, ...) over an `Engine`."""

    # Not calling TinyDB.__init__: it would build a stock storage we do not want.
    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = True,
        compact_bytes: int = DEFAULT_COMPACT_BYTES, read_only: bool = False,
    ) -> None:
        self._storage = Engine(  # type: ignore[assignment]
            path, create=create, compact_bytes=compact_bytes, read_only=read_only)
        self._opened = True
        self._tables: dict[str, StoreTable] = {}  # type: ignore[assignment]

    @property
    def engine(self) -> Engine:
        return self._storage  # type: ignore[return-value]

    @property
    def path(self) -> Path:
        return self.engine.path

    def table(self, name: str, **kwargs: Any) -> StoreTable:
        # TinyDB's own would build its table_class over a Storage: ours reads the Engine.
        found = self._tables.get(name)
        if found is None:
            found = self._tables[name] = StoreTable(self.engine, name, **kwargs)
        return found

    def preload(self, *names: str) -> None:
        """Load these tables without holding the store while they parse (see
        `Engine.preload`): for workers about to read a million events."""
        for name in names:
            self.engine.preload(name)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        """`get(table, id)`: one document (a dict) or None, without loading the table.
        Anything else is TinyDB's `get` of the default table."""
        if args and isinstance(args[0], str):
            table, doc_id = args
            return self.engine.reads.get(table, int(doc_id))
        return self.table(self.default_table_name).get(*args, **kwargs)

    def get_many(self, table: str, ids: Iterable[int]) -> dict[int, Doc]:
        """The documents of these ids that exist, by id, without loading the table."""
        return self.engine.reads.get_many(table, ids)

    def ids_by(self, table: str, index: str, key: Any) -> list[int]:
        """Ids (ascending) of the documents whose `index` key is `key` (the index is
        declared with `create_index`; one of kind "int" needs no loaded table)."""
        return self.engine.reads.ids_by(table, index, key)

    def ordered_ids(self, table: str, index: str) -> list[int]:
        """Ids of the committed documents that have a key in `index`, by (key, id): for an
        index declared with kind "order", read from its file and the journal since,
        without loading the table."""
        return self.engine.reads.ordered_ids(table, index)

    def by(self, table: str, index: str, key: Any) -> list[tuple[int, Doc]]:
        """(id, document) of the documents whose `index` key is `key`, by id."""
        return self.engine.reads.by(table, index, key)

    def scan(self, table: str) -> Iterator[tuple[int, Doc]]:
        """(id, document) of every document of the table, by ascending id, streamed from
        its snapshot and the journal without loading it and without holding the store
        between documents: the table as it was when the scan began."""
        return scan(self.engine, table)

    def derive(self, spec: Spec) -> None:
        """Keep a derivation's state from now on (derivations.py): saved at each
        compaction, folded from every commit of its tables, read with `derived`."""
        self.engine.derived.register(spec)

    def derived(self, names: Sequence[str], read: Callable[[Mapping[str, Any]], T]) -> T:
        """`read({name: state})` of these derivations' states, current with every commit
        (their tables are never loaded for it). The first read in a session loads the
        saved states, or scans the tables when they are missing (seconds at 100,000
        customers): call it from a worker."""
        return self.engine.derived.read(names, read)

    def journal_start(self) -> tuple[int, int]:
        """Where the current journal began (epoch, commits before it): what a result saved
        with `save_result` holds for. Read it in the `view()` the result was computed in."""
        with self.engine.reading():
            return self.engine.derived.results.start()

    def journal_changes(self, table: str) -> set[int] | None:
        """Ids of the documents of `table` written or deleted since the current journal
        began (None: the table was emptied since): what a saved result must compute again."""
        with self.engine.reading():
            return changed_ids(self.engine, table)

    def saved_result(self, name: str, key: str) -> bytes | None:
        """What `save_result` saved under `name` for `key`, if it holds for the current
        journal (saved_results.py); None: missing, stale or damaged (compute it)."""
        with self.engine.reading():
            return self.engine.derived.results.read(name, key)

    def saved_result_problem(self, name: str, key: str) -> str | None:
        """Why `saved_result(name, key)` is None ("missing", "stale ...", "damaged ..."),
        or None when it is not: for `crm check`."""
        with self.engine.reading():
            problem = self.engine.derived.results.problem(name, key)
        return None if problem is None else str(problem)

    def save_result(self, name: str, key: str, body: bytes, start: tuple[int, int]) -> None:
        """Save `body` (ids, codes: never a person's details) as `name`'s result for `key`,
        as of the journal that began at `start` (`journal_start`) or later in it."""
        self.engine.derived.results.write(name, key, body, start)

    def save_at_compaction(self, name: str,
                           produce: Callable[[], tuple[str, bytes] | None]) -> None:
        """Have each compaction of this process save `produce()`'s (key, body) as `name`'s
        result for the next journal. It runs under the store's lock: it answers from what
        it keeps, never a scan (None: nothing to save)."""
        self.engine.derived.results.register(name, produce)

    def tables(self) -> set[str]:
        return self.engine.table_names()

    def drop_table(self, name: str) -> None:
        """Remove every document of the table. Unlike TinyDB, its name stays in `tables()`:
        the table keeps its last id, so ids are never given out again. A table that does
        not exist is left so (nothing is written)."""
        self._tables.pop(name, None)
        if name in self.tables():
            self.table(name).truncate()
            self._tables.pop(name, None)

    def drop_tables(self) -> None:
        """`drop_table` for every table, in one commit."""
        self._tables.clear()
        names = self.tables()
        if names:
            with self.engine.transaction():
                for name in names:
                    self.engine.truncate(name)

    def transaction(self) -> AbstractContextManager[Transaction]:
        """One atomic, durable commit; `as txn` gives `txn.changed()` after it commits."""
        return self.engine.transaction()

    def rehearsal(self) -> AbstractContextManager[Transaction]:
        """Writes that are always rolled back (a dry run): nothing is saved, so it works
        on a database this session may only read. `transaction()` inside joins it."""
        return self.engine.rehearsal()

    def bulk(self) -> AbstractContextManager[None]:
        """A bulk load (an import of a million rows): no automatic compaction until it
        ends, then one if due. Each commit inside stays its own durable commit; only the
        folding of the journal waits, so a crash mid-load leaves what a crash leaves
        between any two commits."""
        return self.engine.compaction_held()

    def exclusive(self) -> AbstractContextManager[None]:
        """Several writes that no other process sees half-done: until the block ends, the
        others wait before they read what was committed, commit, compact, take a backup
        or check the database, and this process's other threads wait to write. Commits
        and `compact()` inside the block go ahead. Refused, as any write is, on a
        database this session may only read. (A GDPR erase: its commit and the
        compaction that drops the erased values, with no backup copying the journal in
        between.)"""
        return self.engine.locked()

    def observe(self, table: str, observer: DocObserver) -> None:
        """Keep `observer` in step with every change to `table`, from any process."""
        self.engine.add_observer(table, observer)

    def view(self) -> AbstractContextManager[None]:
        """Reads at one generation: one catch-up, then no commit of another thread lands
        until the block ends (keep it short: writers wait meanwhile)."""
        return self.engine.reading()

    def watch(self, table: str, watcher: TableWatcher) -> None:
        """Tell `watcher` of every commit's documents of `table`, this process's and
        others' alike, whether or not the table is loaded (watchers.py)."""
        with self.engine.reading():
            self.engine.watchers.add(table, watcher)

    def refresh(self) -> int:
        """Catch up with other processes; returns the generation (commit count)."""
        return self.engine.generation

    @property
    def generation(self) -> int:
        return self.engine.generation

    @property
    def read_only(self) -> bool:
        """True when changes cannot be saved here (a read-only mount, no permission to
        write, or opened with `read_only=True`); `read_only_reason` says which."""
        return self.engine.read_only is not None

    @property
    def read_only_reason(self) -> str | None:
        return self.engine.read_only

    @property
    def damage(self) -> list[CorruptFileError]:
        """Damage met so far (each names its file and offset). While there is any, every
        write raises `DamagedError`; reads that do not need the damaged file go on."""
        return self.engine.damage

    def compact(self) -> None:
        self.engine.compact()

    def upgrade_in_background(self) -> threading.Thread | None:
        """Rewrite snapshots an older crm-tui wrote in the current format, from a daemon
        thread (upgrade.py), so that their tables read fast; None: nothing to do, or the
        database is read-only here."""
        return start_upgrade(self.engine)

    @property
    def outdated(self) -> bool:
        """Whether some snapshot is still in an older crm-tui's format (its table reads
        slowly until `upgrade_in_background` or `crm compact` rewrites it)."""
        return bool(self.engine.outdated_tables())

    def close(self) -> None:
        self._opened = False
        self.engine.close()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.table(self.default_table_name))

    def __repr__(self) -> str:
        return f"<Database {self.path}>"
