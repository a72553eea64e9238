"""The `crm` command: with no subcommand it opens the TUI; subcommands are headless.

Headless subcommands never import Textual or plotext (a test checks it): the TUI is
imported only inside the launcher.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from crm_tui import __version__
from crm_tui.domain.errors import ValidationError
from crm_tui.store import StoreError

from .paths import resolve_db_path


class CrmGroup(click.Group):
    """Turns expected failures into one line on stderr and a non-zero exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (StoreError, ValidationError, OSError) as exc:
            click.echo(f"crm: error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=CrmGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="PATH", envvar=None,
              help="Database directory (default: $CRM_DB, else ~/.local/share/crm-tui/crm.db).")
@click.option("--theme", metavar="NAME", help="Colour theme for the TUI (remembered).")
@click.version_option(__version__, prog_name="crm")
@click.pass_context
def main(ctx: click.Context, db: str | None, theme: str | None) -> None:
    """crm-tui: a keyboard-driven terminal CRM. With no command, opens the app."""
    ctx.obj = {"db": resolve_db_path(db)}
    if ctx.invoked_subcommand is None:
        from crm_tui.tui.launch import run_tui  # Textual only when the TUI is wanted

        run_tui(ctx.obj["db"], theme=theme)


def db_path(ctx: click.Context) -> Path:
    path: Path = ctx.find_root().obj["db"]
    return path


@main.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Verify the database: every file readable, every commit intact. Changes nothing."""
    from crm_tui.store.check import check_database

    report = check_database(db_path(ctx))
    click.echo(f"database {report.path}")
    click.echo(
        f"  journal: epoch {report.epoch}, {report.generation} commits, "
        f"{report.journal_bytes} bytes"
    )
    for name, count in report.tables.items():
        click.echo(f"  {name}: {count} documents")
    for note in report.notes:
        click.echo(f"  note: {note}")
    click.echo("ok")
