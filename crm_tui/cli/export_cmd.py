"""`crm export KIND`: any record kind, in CSV, JSON, JSONL or XLSX, to a file or stdout."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import IO

import click

from crm_tui.domain.gdpr import MARKETING_CHANNELS
from crm_tui.services.exchange.exports import DUMP_KINDS, KINDS, Query, resolve_query
from crm_tui.services.exchange.writers import FORMATS, format_of, write_json, write_rows

from .common import DATE, as_of_option, open_crm, options_named
from .damage_warning import warn_if_damaged
from .export_source import ExportSource
from .outputs import output_folder, output_stream
from .progress import progress

DUMP_FORMAT = "crm-tui-export"
SELECTING = ("segment", "tag", "status", "view")  # the options that pick customers by name


def write_dump(source: ExportSource, out: IO[bytes]) -> int:
    """`export all` as one JSON object: an array per kind (what `crm import all` reads)."""
    out.write(b'{"format": "%s", "version": 1, "as_of": "%s"' % (
        DUMP_FORMAT.encode(), source.query.as_of.isoformat().encode()))
    total = 0
    for kind in DUMP_KINDS:
        out.write(b',\n"%s": ' % kind.encode())
        total += write_json(*source.rows(kind), out)
    out.write(b"}\n")
    return total


def export_all_files(source: ExportSource, fmt: str, folder: Path, *, bom: bool,
                     raw: bool) -> int:
    """`export all` as CSV/XLSX/JSONL: one file per kind in a folder."""
    total = 0
    for kind in KINDS:
        columns, rows = source.rows(kind)
        with output_stream(str(folder / f"{kind}.{fmt}"), binary_ok=True) as out:
            total += write_rows(fmt, columns, rows, out, bom=bom, raw=raw)
    return total


@click.command("export")
@click.argument("kind", type=click.Choice([*KINDS, "all"]), metavar="KIND")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format (default: from -o's extension, else csv).")
@click.option("-o", "--output", default="-", metavar="PATH|-",
              help="Write to PATH (a folder for `all` in csv/xlsx/jsonl); - is stdout.")
@click.option("--segment", metavar="SEGMENT",
              help="Only customers in this segment (and their records): lifecycle:vip, "
                   '"rfm:At Risk", tier:Gold, or a custom segment\'s name; a bare name '
                   "is enough when only one segment has it.")
@click.option("--tag", help="Only customers with this tag (and their records).")
@click.option("--status", help="Only customers with this status, active or inactive "
                               "(and their records).")
@click.option("--view", metavar="NAME",
              help="Only the customers a saved view of the customers screen shows, in its "
                   "order (and their records).")
@click.option("--marketable", type=click.Choice(list(MARKETING_CHANNELS)), metavar="CHANNEL",
              help="Only customers who may receive marketing on CHANNEL (email, sms or "
                   "push): consent and opt-in given, not do-not-contact, the contact "
                   "detail there (and their records).")
@click.option("--since", type=DATE, help="Only records dated on or after this date.")
@click.option("--until", type=DATE, help="Only records dated on or before this date.")
@as_of_option
@click.option("--bom", is_flag=True, help="Start CSV with a UTF-8 byte order mark (Excel).")
@click.option("--raw", is_flag=True,
              help="CSV: do not neutralise cells a spreadsheet would run as formulas "
                   "(XLSX always stores text as text).")
@click.pass_context
def export(ctx: click.Context, kind: str, fmt: str | None, output: str, segment: str | None,
           tag: str | None, status: str | None, view: str | None, marketable: str | None,
           since: dt.date | None, until: dt.date | None, as_of: dt.date | None, bom: bool,
           raw: bool) -> None:
    """Export KIND as CSV, JSON, JSONL or XLSX.

    KIND is one of: customers, purchases, interactions, opportunities, tasks, feedback,
    products, product-revenue, segments, audit, or all.

    \b
    Examples:
      crm export customers -o customers.csv --bom
      crm export purchases --since 2026-01-01 --format jsonl -o - | jq .total
      crm export all --format json -o backup.json
      crm export customers --marketable email -o mailing.csv
    """
    fmt = fmt or format_of(output)
    if since is not None and until is not None and since > until:
        raise click.BadParameter(f"{since} is after --until {until}: no date is in between",
                                 param_hint="'--since'")
    if kind == "all" and fmt != "json" and output == "-":
        raise click.UsageError(f"export all --format {fmt} writes one file per kind: "
                               "give a folder with -o")
    # Records are counted on the terminal, unless the export itself is written there.
    counting = progress(f"exporting {kind}", show=output != "-" or not sys.stdout.isatty())
    with open_crm(ctx, as_of=as_of) as crm:
        with options_named(SELECTING):
            shown = None if view is None else tuple(
                crm.customer_list.query(crm.views.get(view).query))
            query = resolve_query(crm, Query(as_of=crm.ctx.as_of(as_of), segment=segment,
                                             tag=tag, status=status, marketable=marketable,
                                             since=since, until=until,
                                             customers=shown))
        with counting as advance:
            source = ExportSource(crm, query, advance)
            if kind == "all" and fmt == "json":
                with output_stream(output, binary_ok=True) as out:
                    count = write_dump(source, out)
            elif kind == "all":
                count = export_all_files(source, fmt, output_folder(output), bom=bom, raw=raw)
            else:
                columns, rows = source.rows(kind)
                with output_stream(output, binary_ok=fmt != "xlsx") as out:
                    count = write_rows(fmt, columns, rows, out, bom=bom, raw=raw)
        warn_if_damaged(crm.db)
    if output != "-":
        click.echo(f"exported {count} records to {output}", err=True)
