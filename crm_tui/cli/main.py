"""The `crm` command: with no subcommand it opens the TUI; subcommands are headless.

Headless subcommands never import Textual or plotext (a test checks it): the TUI is
imported only inside the launcher.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from crm_tui import __version__
from crm_tui.domain.errors import ChoiceError, NotFoundError, ValidationError
from crm_tui.store import StoreError

from .admin_cmd import backup, check, compact, gdpr, restore
from .common import DB_HELP, give_db_option
from .demo_cmd import demo, report
from .export_cmd import export
from .import_cmd import import_group
from .paths import resolve_db_path


class CrmGroup(click.Group):
    """Turns expected failures into one line on stderr and a non-zero exit status."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        except OSError as exc:  # --help or --version written to a full disk
            click.echo(f"crm: error: {_one_line(exc)}", err=True)
            sys.exit(1)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader went away (`crm export ... | head`): not our failure. Point stdout
            # at /dev/null so the interpreter's final flush does not complain either.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except KeyboardInterrupt:
            click.echo("crm: interrupted", err=True)
            sys.exit(130)
        except ChoiceError as exc:
            # A name that picks nothing is a usage error: say what there is to pick.
            click.echo(f"crm: error: {_one_line(exc)}", err=True)
            for line in exc.choices:
                click.echo(f"  {line}", err=True)
            sys.exit(2)
        except (StoreError, ValidationError, NotFoundError, OSError) as exc:
            click.echo(f"crm: error: {_one_line(exc)}", err=True)
            sys.exit(1)


def has_terminal() -> bool:
    """Are the keyboard and the screen a terminal? Not under cron or in a pipe."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, NotFoundError):
        return f"{exc.entity} {exc.key} not found"
    if isinstance(exc, OSError) and exc.strerror:  # not "[Errno 28] …"
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return " ".join(str(exc).split())


@click.group(cls=CrmGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="PATH", help=DB_HELP)
@click.option("--theme", metavar="NAME", help="Colour theme for the TUI (remembered).")
@click.version_option(__version__, prog_name="crm")
@click.pass_context
def main(ctx: click.Context, db: str | None, theme: str | None) -> None:
    """crm-tui: a keyboard-driven terminal CRM. With no command, opens the app.

    Every command takes --db, before or after its name; errors are one line on stderr
    with a non-zero exit status.
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = resolve_db_path(db)
    if ctx.invoked_subcommand is None:
        if not has_terminal():  # the app would wait for keys nobody can type
            raise click.UsageError("the app needs a terminal: run crm in one, or give it "
                                   "a command (crm --help lists them)")
        from crm_tui.tui.launch import run_tui  # Textual only when the TUI is wanted

        ctx.exit(run_tui(ctx.obj["db"], theme=theme))  # non-zero when the app crashed


for command in (check, backup, restore, compact, gdpr, export, import_group, demo, report):
    main.add_command(command)
give_db_option(main)
