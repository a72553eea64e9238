"""`crm demo` and `crm report`: realistic demo data, and the text summary for cron mail."""

from __future__ import annotations

import dataclasses
import datetime as dt

import click

from .common import as_of_option, open_crm
from .damage_warning import warn_if_damaged
from .progress import progress


@click.command()
@click.option("--customers", type=click.IntRange(1, 1_000_000), default=300,
              show_default=True, help="How many customers to create.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Same seed and --as-of, same data.")
@as_of_option
@click.option("--force", is_flag=True, help="Add to a database that already has customers.")
@click.pass_context
def demo(ctx: click.Context, customers: int, seed: int, as_of: dt.date | None,
         force: bool) -> None:
    """Fill the database with realistic, deterministic demo data (two years of history)."""
    from crm_tui.services.demo import fill_demo

    with open_crm(ctx, as_of=as_of, create=True) as crm, \
            progress("writing demo data", customers) as advance:
        summary = fill_demo(crm, customers=customers, seed=seed, as_of=as_of,
                            progress=advance, force=force)
    counts = ", ".join(f"{value} {name}" for name, value in dataclasses.asdict(summary).items()
                       if isinstance(value, int) and name != "seed")
    click.echo(f"demo data (seed {seed}, as of {summary.as_of}): {counts}")


@click.command()
@as_of_option
@click.pass_context
def report(ctx: click.Context, as_of: dt.date | None) -> None:
    """Print the CRM summary report: customers, sales, pipeline, segments, follow-ups."""
    from crm_tui.services.report import summary_report

    with open_crm(ctx, as_of=as_of) as crm:
        click.echo(summary_report(crm, crm.ctx.as_of(as_of)), nl=False)
        warn_if_damaged(crm.db)
