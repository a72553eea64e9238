"""crm-tui's headless figures: one durable purchase, CSV import, CSV export.

Each opens a fresh `Crm` session (fixed clock, as `--as-of` does), the way the CLI and a
cron job would, and goes through the public service and exchange APIs.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from crm_tui.cli.entry import tune_collector
from crm_tui.services.exchange.exports import Query, export_rows
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.stopped import StopImport
from crm_tui.services.exchange.writers import write_rows

from .common import AS_OF, median_ms, open_crm


def purchase(customer_id: int) -> dict[str, object]:
    return {"customer_id": customer_id, "item": "Cable", "total": "9.99",
            "date": AS_OF.isoformat()}


def time_save(path: Path, customers: int, reps: int) -> dict[str, float]:
    """`crm.sales.record` on customers spread over the table: the first call (which loads
    the tables it touches) and the median of the next `reps` (ms)."""
    crm = open_crm(path)
    try:
        started = time.perf_counter()
        crm.sales.record(purchase(1))
        first = (time.perf_counter() - started) * 1000
        median = median_ms(lambda i: crm.sales.record(purchase(1 + (i * 7919) % customers)),
                           reps)
    finally:
        crm.close()
    return {"first_ms": first, "median_ms": median}


class _OverBudget(StopImport):
    def __init__(self, done: int) -> None:
        super().__init__(done)
        self.done = done


@dataclass(frozen=True)
class ImportTime:
    seconds: float  # the whole file's, measured or extrapolated
    measured_s: float  # how long the timed rows took
    rows: int  # rows in the file
    timed_rows: int  # rows actually imported in the timing
    created: int  # records the import reported created (of timed_rows)
    failed: int

    @property
    def extrapolated(self) -> bool:
        return self.timed_rows < self.rows


def time_import(db: Path, kind: str, csv_path: Path, rows: int, budget_s: float) -> ImportTime:
    """`import_file` of a whole CSV into the database at `db`. Past `budget_s` seconds the
    import is stopped at the end of a chunk and its time extrapolated from its rate. It runs
    with the cycle collector as `crm import` has it (see `as_the_command`)."""
    with as_the_command():
        return _time_import(db, kind, csv_path, rows, budget_s)


@contextmanager
def as_the_command() -> Iterator[None]:
    """The cycle collector set as the `crm` entry point sets it for every command, while a
    command's work is timed in this process (the import was timed with Python's default
    collector, which the command never runs with); this process's own setting after."""
    before = gc.get_threshold()
    tune_collector()
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _time_import(db: Path, kind: str, csv_path: Path, rows: int, budget_s: float
                 ) -> ImportTime:
    crm = open_crm(db)
    started = time.perf_counter()

    def progress(done: int, expected: int | None) -> None:
        if time.perf_counter() - started > budget_s and done < rows:
            raise _OverBudget(done)

    try:
        report = import_file(crm, kind, csv_path, progress=progress)
        seconds = time.perf_counter() - started
        return ImportTime(seconds, seconds, rows, rows, report.created, report.failed)
    except _OverBudget as stop:
        seconds = time.perf_counter() - started
        return ImportTime(seconds * rows / stop.done, seconds, rows, stop.done, -1, -1)
    finally:
        crm.close()


def time_export(path: Path, out: Path) -> dict[str, float]:
    """`export customers` to CSV, from a fresh session (so including loading the table)."""
    started = time.perf_counter()
    crm = open_crm(path)
    try:
        columns, rows = export_rows(crm, "customers", Query(as_of=AS_OF))
        with out.open("wb") as f:
            count = write_rows("csv", columns, rows, f)
    finally:
        crm.close()
    return {"seconds": time.perf_counter() - started, "rows": count}
