"""`crm check | backup | restore | compact | gdpr`: looking after the database itself."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from crm_tui.domain.aggregates.derivation import DERIVATIONS
from crm_tui.domain.errors import ChoiceError, ValidationError
from crm_tui.services.backups import create_backup
from crm_tui.services.base import disk_indexes
from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.erase_everywhere import ErasureReport, erase_everywhere
from crm_tui.services.membership import saved_standings_notes
from crm_tui.services.selection import find_customer
from crm_tui.store.check import CheckFailed, CheckReport, check_database
from crm_tui.store.errors import StoreError
from crm_tui.store.repair import RepairReport, repair_database
from crm_tui.store.restore import restore_database

from .common import db_path, open_crm
from .outputs import output_stream


def print_report(report: CheckReport) -> None:
    click.echo(f"database {report.path}")
    click.echo(f"  journal: epoch {report.epoch}, {report.generation} commits, "
               f"{report.journal_bytes} bytes")
    for name, count in report.tables.items():
        click.echo(f"  {name}: {count} documents")
    for note in report.notes:
        click.echo(f"  note: {note}")
    for problem in report.problems:
        click.echo(f"  damaged: {problem}")
    click.echo("damaged" if report.problems else "ok")


def print_repair(report: RepairReport) -> None:
    if report.copy is None:
        click.echo(f"database {report.path}: nothing to repair")
        return
    click.echo(f"database {report.path}")
    click.echo(f"  the files as they were are kept in {report.copy}")
    for found in report.found:
        click.echo(f"  found: {found}")
    for dropped in report.dropped:
        click.echo(f"  lost: {dropped}")
    for note in report.notes:
        click.echo(f"  note: {note}")
    for name, count in report.tables.items():
        click.echo(f"  {name}: {count} documents")
    click.echo("repaired" + ("" if report.dropped else ": nothing was lost"))


@click.command()
@click.option("--repair", is_flag=True,
              help="Repair a damaged database: keep everything still readable and say what "
                   "was lost (the files are copied aside first).")
@click.pass_context
def check(ctx: click.Context, repair: bool) -> None:
    """Verify the database: every file readable, every commit intact. Changes nothing,
    unless --repair is given."""
    if repair:
        print_repair(repair_database(db_path(ctx)))
        return
    try:
        report = check_database(db_path(ctx), disk_indexes(), DERIVATIONS,
                                [saved_standings_notes])
    except CheckFailed as exc:
        print_report(exc.report)
        raise
    print_report(report)


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.pass_context
def backup(ctx: click.Context, path: Path | None) -> None:
    """Write a consistent copy of the database to PATH (a new folder), whole or not at all.

    Without PATH the copy goes to a "backups" folder beside the database. `crm gdpr erase`
    erases the customer from every backup of the database beside it or in that folder.
    """
    report = create_backup(db_path(ctx), path, Clock().now())
    click.echo(f"backed up to {report.path} ({sum(report.tables.values())} documents)")


@click.command()
@click.argument("path", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.pass_context
def restore(ctx: click.Context, path: Path) -> None:
    """Replace the database with the backup at PATH (the current one is kept aside).

    The backup is verified first. If the restore is interrupted, the next crm command
    finishes it. Close the app in every other session first: they keep their old view
    until restarted.
    """
    kept = restore_database(path, db_path(ctx), stamp=f"{Clock().now():%Y%m%d-%H%M%S}")
    click.echo(f"restored {path}" + (f"; the previous database is kept at {kept}"
                                     if kept else ""))


@click.command()
@click.pass_context
def compact(ctx: click.Context) -> None:
    """Fold the journal into fresh table snapshots (also done automatically), with the
    dashboard's figures and today's segment standings saved beside them."""
    with open_crm(ctx) as crm:
        crm.dashboard_view.warm()  # so that the compaction saves them
        crm.segments.counts()  # the same
        try:
            crm.db.compact()
        except OSError as exc:  # a full disk: what was written aside is removed
            raise StoreError(f"{exc.filename or db_path(ctx)}: the compaction failed "
                             f"({exc.strerror}); every save is kept, in the journal") from exc
    click.echo("compacted")


@click.group()
def gdpr() -> None:
    """Export or erase everything about one customer (GDPR access and erasure)."""


@gdpr.command("export")
@click.argument("customer")
@click.option("-o", "--output", default="-", metavar="PATH|-", help="Where to write the JSON.")
@click.pass_context
def gdpr_export(ctx: click.Context, customer: str, output: str) -> None:
    """Everything stored about CUSTOMER (id, email or external id), as JSON."""
    with open_crm(ctx) as crm:
        data = crm.gdpr.export(find_customer(crm, customer))
    with output_stream(output, binary_ok=True) as out:
        out.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def customer_to_erase(crm: Crm, key: str) -> int:
    """The customer `key` names, or the erased one who had that email: an erase left
    unfinished is run again by the same words."""
    try:
        return find_customer(crm, key)
    except ChoiceError:
        erased = crm.gdpr.find_erased(key)
        if erased is None:
            raise
        return erased


def print_erasure(report: ErasureReport) -> None:
    erasure = report.erasure
    click.echo(f"erased customer #{erasure.customer_id}: "
               f"{sum(erasure.records.values())} records anonymised")
    for path in report.scrubbed:
        click.echo(f"  erased in the copy {path}")
    for path in report.removed:
        click.echo(f"  removed the unfinished copy {path}")
    if report.complete:
        return
    click.echo("not finished: the customer's data is still in", err=True)
    if erasure.not_compacted is not None:
        click.echo(f"  the database's journal (compacting it failed: "
                   f"{erasure.not_compacted})", err=True)
    for path, why in report.failed:
        click.echo(f"  {path} ({why})", err=True)
    click.echo(f"run 'crm gdpr erase {erasure.customer_id}' again once that is fixed",
               err=True)


@gdpr.command("erase")
@click.argument("customer")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.pass_context
def gdpr_erase(ctx: click.Context, customer: str, yes: bool) -> None:
    """Anonymise CUSTOMER (id or email) for good, in the database and in every copy of it
    the program keeps (amounts are kept for revenue figures). Run it again to finish an
    erase that could not reach everything."""
    with open_crm(ctx) as crm:
        customer_id = customer_to_erase(crm, customer)
        name = crm.customers.profile(customer_id).name
        if not yes:
            if not sys.stdin.isatty():
                raise ValidationError("--yes", "is required to erase without a terminal")
            click.confirm(f"Erase {name} (#{customer_id}) for good? This cannot be undone",
                          abort=True)
        report = erase_everywhere(crm, customer_id)
    print_erasure(report)
    if not report.complete:
        ctx.exit(1)
