"""Importing a CSV file of one record kind: the pipeline every import (CSV, legacy JSON,
full export) runs its rows through.

    report = import_file(crm, "customers", "people.csv", mapping={"Mail": "email"})
    report.created, report.updated, report.errors      # [RowError(line, field, message)]
    revert(crm, report.batch_id)                         # undo exactly that import

Rows are prepared (matched and validated: a bad row becomes RowErrors and writes nothing)
then applied through the services, and committed every CHUNK_ROWS rows in one change
(`audit="summary"`, not undoable one by one: the batch is what `revert` undoes), so
100,000 rows are ~50 fsyncs, not 100,000. A handler may also gather what its rows change
in one record and write it once at the end of the chunk (`RowHandler.flush`, inside the
chunk's commit): purchases write each customer's totals once per chunk. Should a write
fail after its row was validated (a clash with another session, say), the chunk rolls back
and is replayed one row per commit, so only that row is lost. A dry run runs everything in
one transaction that is always rolled back: the report is the real one, and not a byte of
the database changes.

A file whose rows are the lines of orders (a Shopify orders export) has each order's rows
gathered into one row before the chunks are cut (order_rows.py): an order is never split
between two commits, and it counts as the file rows it came from.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import replace
from itertools import islice
from typing import TYPE_CHECKING, Any

from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.store import StoreError, Transaction, TransactionError

from .batches import DRY_RUN_BATCH, BatchTracker, close_batch, open_batch
from .csv_rows import NOT_READ, CsvSource, ReadOptions, SourceRow, file_error
from .customer_rows import CustomerRows
from .mapping import ColumnMapping, build_mapping, check_kind
from .order_rows import gather_orders, line_at, span
from .plans import ImportContext, Plan, RowHandler, check_on_duplicate
from .read_ahead import WORTH_LINES, RowsReadAhead
from .record_rows import ACTIVITIES, ActivityRows, ProductRows, PurchaseRows
from .reports import ImportReport, RowError
from .stopped import ImportBroke, ImportStopped, StopImport
from .workbook_rows import other_sheets

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

CHUNK_ROWS = 2000
Progress = Callable[[int, int | None], None]  # (rows done, rows expected or None)
# What a write that passed validation may still raise; anything else is a bug, not a row.
WRITE_ERRORS = (ValidationError, NotFoundError, StoreError, ValueError, TypeError, KeyError)


HANDLERS: dict[str, type[CustomerRows | ProductRows | PurchaseRows]] = {
    "customers": CustomerRows, "products": ProductRows, "purchases": PurchaseRows}


def make_handler(ctx: ImportContext, kind: str) -> RowHandler:
    if kind in HANDLERS:
        return HANDLERS[kind](ctx)
    if kind in ACTIVITIES:
        return ActivityRows(ctx, kind)
    raise ValidationError("kind", f"cannot import {kind!r}")


def _row_errors(row: SourceRow, exc: ValidationError | NotFoundError, kind: str
                ) -> list[RowError]:
    if isinstance(exc, NotFoundError):
        return [RowError(row.line, row.prefix + exc.entity, str(exc), kind)]
    errors = []
    for name, message in exc.errors.items():
        line, where = line_at(row, name)  # an order's line: the row it was on
        errors.append(RowError(line, row.prefix + where, message, kind))
    return errors


class Pipeline:
    """Runs rows through a handler in chunked commits, tallying into the report."""

    def __init__(self, ctx: ImportContext, report: ImportReport, *, dry_run: bool,
                 progress: Progress | None = None, expected: int | None = None,
                 label: str = "Import") -> None:
        self.ctx, self.report, self.dry_run = ctx, report, dry_run
        self.progress, self.expected, self.label = progress, expected, label
        self.done = 0
        self._txn: Transaction | None = None

    @property
    def batch(self) -> BatchTracker:
        return self.ctx.batch

    def run(self, rows: Iterable[SourceRow], handler: RowHandler, *,
            counted: bool = True) -> None:
        """Import the rows; `counted=False` for follow-up work that is not rows of the
        file (its errors are still reported)."""
        source = iter(rows)
        while chunk := list(islice(source, CHUNK_ROWS)):
            self._chunk(chunk, handler, counted)
            if counted:
                self.done += sum(map(span, chunk))
                if self.progress is not None:
                    self.progress(self.done, self.expected)

    @contextmanager
    def commit(self, handler: RowHandler) -> Iterator[None]:
        """One chunk's commit (joins the dry run's transaction when there is one), with the
        writes the handler deferred to its end."""
        with self.ctx.crm.changes.change(self.label, audit="summary", undoable=False) as txn:
            self._txn = txn
            yield
            handler.flush()
            self.batch.flush()
        self.batch.committed()

    def _written(self) -> int:
        """How many documents the open transaction has written so far."""
        txn = self._txn
        return 0 if txn is None else sum(map(len, txn.changes.values())) + len(txn.truncated)

    def _chunk(self, chunk: list[SourceRow], handler: RowHandler, counted: bool) -> None:
        results: list[list[tuple[str, str]] | list[RowError]] = []
        try:
            with self.commit(handler):
                for row in chunk:
                    results.append(self._row(row, handler, contain=self.dry_run))
        except TransactionError:
            raise  # the disk refused the commit: stop, the chunk is not saved
        except WRITE_ERRORS:
            if self.dry_run:
                raise  # one transaction: nothing to replay rows into
            self.batch.rolled_back()
            handler.reset()
            results = [self._alone(row, handler) for row in chunk]
        for row, result in zip(chunk, results, strict=True):
            self._tally(result, span(row) if counted else 0)

    def _alone(self, row: SourceRow, handler: RowHandler) -> Any:
        """Replay one row in its own commit: if its writes fail, they are all undone."""
        try:
            with self.commit(handler):
                return self._row(row, handler, contain=False)
        except TransactionError:
            raise
        except WRITE_ERRORS as exc:
            self.batch.rolled_back()
            handler.reset()
            if isinstance(exc, ValidationError | NotFoundError):
                return _row_errors(row, exc, handler.kind)
            return [RowError(row.line, row.prefix + "row", f"could not be saved: {exc}",
                             handler.kind)]

    def _row(self, row: SourceRow, handler: RowHandler, *, contain: bool) -> Any:
        if row.error is not None:
            return [replace(row.error, kind=handler.kind)]
        try:
            plan: Plan = (handler.prepare(row.fields) if row.ahead is NOT_READ
                          else handler.prepare_read(row.fields, row.ahead))
        except (ValidationError, NotFoundError) as exc:
            return _row_errors(row, exc, handler.kind)
        if plan.apply is None:
            return plan.outcomes
        # Counted only when it can tell: a row whose writes may refuse it (see Plan).
        written = self._written() if plan.checked_by_apply else -1
        try:
            plan.apply()
        except (ValidationError, NotFoundError) as exc:
            # Refused before its first write, the row left nothing: it is just a bad row.
            # Otherwise part of it is written: roll the chunk back (and replay it).
            if not contain and self._written() != written:
                raise
            return _row_errors(row, exc, handler.kind)
        except WRITE_ERRORS as exc:
            if not contain:
                raise
            # A dry run cannot roll one row back: report it and carry on.
            return [RowError(row.line, row.prefix + "row", f"could not be saved: {exc}",
                             handler.kind)]
        return plan.outcomes

    def _tally(self, result: list[Any], rows: int) -> None:
        """Count a row's result; `rows`: the file rows it stands for (an order gathered
        from several; 0 for follow-up work that is not rows of the file)."""
        self.report.rows += rows
        if result and isinstance(result[0], RowError):
            self.report.failed += max(rows, 1)
            self.report.add_errors(result)
            return
        for kind, outcome in result:
            self.report.count(kind).add(outcome)


# What callers already report in their own words (or asked for: StopImport); anything else
# stopping an import is a bug, said with the rows it kept.
EXPECTED = (ValidationError, NotFoundError, StoreError, OSError, StopImport)


def run_import(crm: Crm, report: ImportReport, path: str | os.PathLike[str], *,
               options: Mapping[str, Any], dry_run: bool,
               body: Callable[[ImportContext], None]) -> ImportReport:
    """Run `body` as one import: a recorded batch, or a dry run that leaves no trace."""
    on_duplicate = check_on_duplicate(str(options.get("on_duplicate", "update")))
    if dry_run:  # rolled back: it also runs where this session may only read
        with crm.db.rehearsal(), crm.changes.change("Import (dry run)", audit="none",
                                                    undoable=False):
            body(ImportContext(crm, BatchTracker(crm, DRY_RUN_BATCH), on_duplicate))
        return report
    with crm.db.bulk():  # folded once, after the last row
        report.batch_id = open_batch(crm, report.kind, path, options)
        try:
            body(ImportContext(crm, BatchTracker(crm, report.batch_id), on_duplicate))
        except BaseException as exc:
            with suppress(Exception):  # the original error is the one to report
                close_batch(crm, report.batch_id, report, "failed")
            # What was saved before stays: said with the rows kept, whatever stopped it.
            if isinstance(exc, TransactionError) or (
                    report.rows and isinstance(exc, EXPECTED) and not isinstance(exc, StopImport)):
                raise ImportStopped(exc, report.batch_id, report.rows) from exc
            if isinstance(exc, Exception) and not isinstance(exc, EXPECTED):
                raise ImportBroke(exc, report.batch_id, report.rows) from exc  # a bug
            raise
        close_batch(crm, report.batch_id, report, "done")
    return report


def import_file(crm: Crm, kind: str, path: str | os.PathLike[str], *,
                mapping: Mapping[str, str] | None = None, on_duplicate: str = "update",
                dry_run: bool = False, progress: Progress | None = None,
                reading: ReadOptions | None = None) -> ImportReport:
    """Import a CSV of `kind` (customers, products, purchases, interactions, opportunities,
    tasks, feedback). `mapping` is `--map`: {column: field, or "ignore"}; `reading` what
    the user said of the file's encoding, delimiter and date format. Bad rows are
    reported, good ones imported; a file that cannot be read at all, or a bad `mapping`,
    raises ValidationError (naming `file` or `map`) before anything is written."""
    check_kind(kind)
    check_on_duplicate(on_duplicate)
    report = ImportReport(kind=kind, file=str(path), dry_run=dry_run)
    with CsvSource(path, reading) as source:
        columns = build_mapping(kind, source.header, mapping)
        if not any(columns.fields):
            raise file_error(path, f"no column is a {kind} field (columns: "
                                   f"{', '.join(columns.header)[:200]}); name them with --map"
                                   + other_sheets(source.layout.sheets))
        report.unmapped, report.ignored = columns.unmapped, columns.ignored
        report.warnings.extend(columns.warnings)
        report.format, report.columns = columns.format_name, columns.pairs()
        report.reading = source.settle(columns).describe()

        def body(ctx: ImportContext) -> None:
            pipeline = Pipeline(ctx, report, dry_run=dry_run, progress=progress,
                                expected=max(source.lines - source.header_line, 0),
                                label=f"Import {kind}")
            pipeline.run(gather_orders(rows) if columns.has_lines else rows,
                         make_handler(ctx, kind))

        options = {"on_duplicate": on_duplicate, "map": dict(mapping or {})}
        # Started before the batch opens: the reader starts up while this process loads
        # the tables the import writes.
        with _rows(crm, kind, source, columns) as rows:
            return run_import(crm, report, path, options=options, dry_run=dry_run, body=body)


def _rows(crm: Crm, kind: str, source: CsvSource, columns: ColumnMapping
          ) -> AbstractContextManager[Iterable[SourceRow]]:
    """The file's rows: read ahead by a second process when the handler can use it and
    the file is big enough (see read_ahead.py), else read here as they are needed."""
    handler = HANDLERS.get(kind)
    read = handler.read_ahead if handler is not None else None
    if read is None or source.lines < WORTH_LINES:
        return nullcontext(source.rows(columns))
    return RowsReadAhead(source.layout, columns, read, crm.ctx.clock.today())
