"""Verify a database without changing it: every file readable, every commit intact.

`crm check` opens the database read-only (nothing is created, written or truncated, not
even the lock file) and holds the lock shared, so no writer is mid-commit while it looks
(writers wait for it). It reads every table through, checking every checksum, and
compares the files with what the journal's manifest and end mark record. Problems are
all collected, each naming its file and offset; any problem makes the check fail.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .database import Database
from .derivations import Spec
from .derived_files import Unusable
from .engine import Engine
from .errors import CorruptFileError, StoreError
from .indexes import Index
from .journal import unterminated
from .snapshot import SNAPSHOT_VERSION, read_snapshot_header

REWRITTEN = "the next session to read the table, or 'crm compact', writes them again"


@dataclass
class CheckReport:
    path: Path
    epoch: int
    generation: int
    journal_bytes: int
    tables: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[CorruptFileError] = field(default_factory=list)


class CheckFailed(StoreError):
    """The database is damaged; `report` says everything that was found."""

    def __init__(self, report: CheckReport) -> None:
        self.report = report
        problems = report.problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}; the database is damaged: "
                         "'crm check --repair' keeps everything still readable")


def check_database(path: str | os.PathLike[str],
                   indexes: Iterable[tuple[str, Index]] = (),
                   derivations: Iterable[Spec] = (),
                   results: Iterable[Callable[[Database], list[str]]] = ()) -> CheckReport:
    """Check the database at `path`; raises CheckFailed (or, when it cannot be opened at
    all, the store's error saying why) if anything is damaged. `indexes` (table, index):
    the indexes kept on disk whose files are checked against the documents too (those the
    app declares); a file missing, damaged or not matching is noted, never damage. So are
    the saved states of `derivations` (the dashboard's figures, derivations.py), and what
    each of `results` says of the results saved for it (saved_results.py): notes on what
    is to rebuild, read through the database opened here."""
    try:
        db = Database(path, create=False, read_only=True)
    except CorruptFileError as exc:  # too damaged to open: nothing more can be looked at
        raise CheckFailed(CheckReport(Path(path).expanduser(), 0, 0, 0, problems=[exc])) from None
    engine = db.engine
    for table, index in indexes:
        engine.add_observer(table, index)
    for spec in derivations:
        engine.derived.register(spec)
    try:
        with engine.locked(shared=True):
            report = _look(engine)
            if not report.problems:  # damage first: nothing else is read then
                for notes in results:
                    report.notes.extend(notes(db))
    finally:
        engine.close()
    if report.problems:
        raise CheckFailed(report)
    return report


def _look(engine: Engine) -> CheckReport:
    engine.refresh()
    facts = engine.journal_facts()
    report = CheckReport(engine.path, facts["epoch"], facts["generation"],
                         facts["journal_bytes"])
    for name in sorted(engine.table_names()):
        try:
            with engine.reading():
                docs = engine.docs(name)
                report.tables[name] = len(docs)
        except CorruptFileError:
            continue  # the engine remembered it: listed with the rest below
        snapshot = engine.snapshot_path(name)
        if not snapshot.exists():
            continue
        if read_snapshot_header(snapshot, name).version < SNAPSHOT_VERSION:
            report.notes.append(f"{snapshot}: an older format without checksums (a changed "
                                "byte inside a value cannot be seen) and read only by "
                                "loading the whole table; the app rewrites it when it opens "
                                "the database, as 'crm compact' does")
            continue
        with engine.reading():
            unusable = engine.reads.files_problem(name)
            wrong = [] if unusable else engine.reads.mismatched_indexes(name, docs)
        if isinstance(unusable, Unusable) and unusable.rebuild:
            state = "missing" if str(unusable) == "missing" else "out of date"
            report.notes.append(f"{name}: its files for fast reading are {state}, which is "
                                f"not damage: {REWRITTEN}")
        if wrong:
            by = ", ".join(index.replace("_", " ") for index in wrong)
            report.notes.append(f"{name}: its files for fast reading by {by} "
                                "do not match its records, which is not damage (they are "
                                f"never trusted over the records): {REWRITTEN}")
    for name, what in engine.derived.check():
        report.notes.append(f"the saved {name} figures of the dashboard {what}, which is not "
                            "damage (they are never trusted over the records): the next "
                            "session to show them, or 'crm compact', writes them again")
    report.problems = engine.damage
    if facts["version"] < 2:
        report.notes.append(f"{engine.journal_path}: from an older crm-tui, it does not record "
                            "which snapshots must exist; 'crm compact' upgrades it")
    if facts["torn_bytes"] and not report.problems:
        report.notes.append(_tail_note(engine, facts["journal_bytes"], facts["torn_bytes"]))
    leftovers = sorted(p.name for p in engine.path.rglob("*.tmp"))
    if leftovers:
        report.notes.append(f"leftovers of an interrupted compaction: {', '.join(leftovers)} "
                            "(removed by the next compaction)")
    return report


def _tail_note(engine: Engine, start: int, length: int) -> str:
    with open(engine.journal_path, "rb") as handle:
        handle.seek(start)
        fragment = handle.read(length)
    if unterminated(fragment) == "missing":
        return (f"{engine.journal_path}: its last commit lacks its newline (its writer was "
                "stopped at the very end, before saying it was saved); the commit is whole, "
                "and the next write keeps it")
    return (f"{engine.journal_path}: ends with {length} bytes of an interrupted write (never "
            "acknowledged; ignored, and removed by the next write)")
