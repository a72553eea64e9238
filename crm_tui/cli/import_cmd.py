"""`crm import`: CSV files of any record kind, the customers.json of the original
single-file CRM script, full JSON exports, and undoing an import by its batch id."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import click

from crm_tui.domain.wording import counted
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.batches import list_batches
from crm_tui.services.exchange.csv_rows import ReadOptions
from crm_tui.services.exchange.dump import import_all
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.legacy import import_legacy
from crm_tui.services.exchange.locale_dates import DATE_FORMAT_HELP
from crm_tui.services.exchange.mapping import KINDS, parse_map_options
from crm_tui.services.exchange.reports import ImportReport
from crm_tui.services.exchange.revert import revert
from crm_tui.services.exchange.stopped import ImportBroke, ImportStopped
from crm_tui.store import StoreError

from .common import db_path, open_crm, options_named
from .progress import progress

DUPLICATES = click.Choice(["update", "skip", "error"])
FILE = click.Path(path_type=Path, exists=True, dir_okay=False)
# The fields of the services' errors that an option of `crm import KIND` gives.
READING = ("map", "date_format", "encoding", "delimiter", "sheet")


def finish(report: ImportReport) -> None:
    """Summary on stdout, bad rows on stderr; exit 1 when any row was rejected. How the
    file was read (encoding, delimiter, each date and amount column) follows the first
    line: on stdout for a dry run, which says it before doing, on stderr for an import."""
    lines = report.summary_lines()
    errors = [line for line in lines[1:] if "line " in line and ": " in line]
    click.echo(lines[0])
    for line in report.reading:
        click.echo(f"  {line}", err=not report.dry_run)
    for line in lines[1:]:
        click.echo(line, err=line in errors)
    if report.failed:
        sys.exit(1)


def run_import(ctx: click.Context, label: str, call: Callable[..., ImportReport],
               **options: Any) -> None:
    try:
        with _session(ctx, dry_run=bool(options.get("dry_run"))) as crm, \
                progress(label) as advance:
            report = call(crm, progress=advance, **options)
    except ImportStopped as stopped:
        if not stopped.rows:
            raise  # its words: nothing was written
        raise StoreError(f"{stopped}; {_kept(stopped.rows, stopped.batch_id)}") from stopped
    except ImportBroke as broke:  # a bug: said in one line, with what the import kept
        raise StoreError(
            f"an unexpected error ({broke}); {_kept(broke.rows, broke.batch_id)}") from broke
    finish(report)


@contextmanager
def _session(ctx: click.Context, *, dry_run: bool) -> Iterator[Crm]:
    """The import's database, made if missing. A dry run writes nothing, not even a new
    database: where there is none yet, it runs on an empty one made aside, then removed."""
    if not dry_run or db_path(ctx).exists():
        with open_crm(ctx, create=not dry_run) as crm:
            yield crm
        return
    with TemporaryDirectory(prefix="crm-dry-run-") as aside, \
            open_crm(ctx, create=True, path=Path(aside) / "crm.db") as crm:
        yield crm


def _kept(rows: int, batch_id: str) -> str:
    if not rows:
        return "nothing was imported"
    return (f"the import stopped after {counted(rows, 'row')}, kept as batch {batch_id} "
            f"('crm import revert {batch_id}' undoes them)")


@click.group("import")
def import_group() -> None:
    """Bring records in from CSV, Excel workbooks or JSON; undo an import by its batch id.

    \b
    Columns are matched by name, ignoring case and spaces, with common aliases
    (E-mail, Customer ID, Qty...); --map COLUMN=field overrides, COLUMN=ignore skips.
    Rows are upserted on email or external id, never duplicated. Bad rows are reported
    by line number and reason while good rows still import (exit status 1 if any).
    """


def _kind_command(kind: str) -> click.Command:
    @click.command(kind, help=f"""Import {kind} from a CSV file or an Excel workbook (.xlsx).

    \b
    The file's encoding (UTF-8 with or without BOM, UTF-16, Windows code pages such as
    Windows-1252) and delimiter (comma, semicolon, tab or pipe) are found from the file;
    dates (2024-01-31, with a time and offset or not; 31/01/2024, 1/31/2024, 31.01.2024)
    and amounts ($1,968.96, 1.234,56 EUR, (12.00)) are read as each column writes them.
    A workbook's first sheet is read unless --sheet names another.
    --dry-run shows what was found.""")
    @click.argument("file", type=FILE)
    @click.option("--map", "maps", multiple=True, metavar="COLUMN=field",
                  help="Map a column to a field (repeatable); field 'ignore' skips it.")
    @click.option("--on-duplicate", type=DUPLICATES, default="update", show_default=True,
                  help="When a row matches an existing record.")
    @click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
    @click.option("--date-format", metavar="ORDER",
                  help=f"How dates with / - or . are written: {DATE_FORMAT_HELP}. "
                       "Needed when no date of a column shows the order (01/02/2024).")
    @click.option("--encoding", metavar="NAME",
                  help="The file's encoding, when finding it goes wrong (utf-8, utf-16, "
                       "cp1252, latin-1, cp1250...).")
    @click.option("--delimiter", metavar="CHAR",
                  help="The character between columns, when finding it goes wrong "
                       "(, ; | or tab).")
    @click.option("--sheet", metavar="NAME|NUMBER",
                  help="The sheet of a workbook to read, by name or number (1 the first; "
                       "default: the first).")
    @click.pass_context
    def command(ctx: click.Context, file: Path, maps: tuple[str, ...], on_duplicate: str,
                dry_run: bool, date_format: str | None, encoding: str | None,
                delimiter: str | None, sheet: str | None) -> None:
        with options_named(READING):
            mapping = parse_map_options(list(maps))
            reading = ReadOptions(encoding=encoding, delimiter=delimiter,
                                  date_format=date_format, sheet=sheet)
            run_import(ctx, f"importing {file.name}",
                       lambda crm, **kw: import_file(crm, kind, file, mapping=mapping,
                                                     reading=reading, **kw),
                       on_duplicate=on_duplicate, dry_run=dry_run)

    return command


for _kind in KINDS:
    import_group.add_command(_kind_command(_kind))


@import_group.command("legacy")
@click.argument("file", type=FILE)
@click.option("--on-duplicate", type=DUPLICATES, default="update", show_default=True)
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.pass_context
def legacy(ctx: click.Context, file: Path, on_duplicate: str, dry_run: bool) -> None:
    """Import the customers.json of the original single-file CRM script (names, contact
    details, points and purchase history)."""
    run_import(ctx, f"importing {file.name}",
               lambda crm, **kw: import_legacy(crm, file, **kw),
               on_duplicate=on_duplicate, dry_run=dry_run)


@import_group.command("all")
@click.argument("file", type=FILE)
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.pass_context
def everything(ctx: click.Context, file: Path, dry_run: bool) -> None:
    """Restore `crm export all --format json` into an empty database (same ids)."""
    run_import(ctx, f"importing {file.name}", lambda crm, **kw: import_all(crm, file, **kw),
               dry_run=dry_run)


@import_group.command("revert")
@click.argument("batch_id", metavar="BATCH_ID")
@click.pass_context
def revert_command(ctx: click.Context, batch_id: str) -> None:
    """Undo one import: remove what it created, restore what it changed."""
    with open_crm(ctx) as crm:
        report = revert(crm, batch_id)
    for line in report.summary_lines():
        click.echo(line)


@import_group.command("list")
@click.pass_context
def list_command(ctx: click.Context) -> None:
    """The imports made so far, newest first, with their batch ids."""
    with open_crm(ctx) as crm:
        batches = list_batches(crm)
    if not batches:
        click.echo("no imports yet")
    for b in batches:
        click.echo(f"{b.batch_id}  {b.at[:16]}  {b.who:<10} {b.kind:<13} {b.status:<11} "
                   f"{counted(b.rows, 'row')}, {b.failed:,} failed  {b.file}")
