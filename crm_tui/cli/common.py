"""What the headless commands share: opening the database, date options."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from crm_tui.domain.dates import DATE_HINT, parse_date
from crm_tui.domain.errors import ChoiceError, ValidationError
from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.store import Database

from .paths import resolve_db_path

DB_HELP = "Database directory (default: $CRM_DB, else ~/.local/share/crm-tui/crm.db)."


def db_path(ctx: click.Context) -> Path:
    path: Path = ctx.find_root().obj["db"]
    return path


def _take_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    # The root command has put $CRM_DB or the default there already: only a --db given
    # after the command replaces it (the last one given wins, as for any option).
    if value is not None:
        ctx.find_root().obj["db"] = resolve_db_path(value)


def give_db_option(group: click.Group) -> None:
    """Let every command under `group` take --db too, so that it may come before or
    after the command's name: `crm --db X report` and `crm report --db X` are the same."""
    for command in group.commands.values():
        command.params.append(click.Option(["--db"], metavar="PATH", expose_value=False,
                                           callback=_take_db, help=DB_HELP))
        if isinstance(command, click.Group):
            give_db_option(command)


@contextmanager
def open_crm(ctx: click.Context, *, as_of: dt.date | None = None,
             create: bool = False, path: Path | None = None) -> Iterator[Crm]:
    """A session on the chosen database (or `path`); `as_of` fixes the clock for
    reproducible output."""
    clock = Clock.at(as_of) if as_of else None
    crm = Crm(Database(path or db_path(ctx), create=create), clock=clock)
    try:
        yield crm
    finally:
        crm.close()


@contextmanager
def options_named(options: tuple[str, ...]) -> Iterator[None]:
    """Name the command's option in a ValidationError about one of `options` ("--segment",
    "--date-format", not "segment", "date_format"): the service knows the value, not how
    it was given."""
    try:
        yield
    except ValidationError as exc:
        if exc.field not in options:
            raise
        option = "--" + exc.field.replace("_", "-")
        if isinstance(exc, ChoiceError):
            raise ChoiceError(option, exc.message, exc.choices) from None
        raise ValidationError(option, exc.message) from None


class DateType(click.ParamType):
    """YYYY-MM-DD or a relative shortcut (today, +7d, -1m) resolved against today."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        field = param.name if param and param.name else "date"
        try:
            return parse_date(value, field.replace("_", "-"), dt.date.today())
        except ValidationError as exc:
            self.fail(f"{value!r} is not a date; expected {DATE_HINT}", param, ctx)
            raise AssertionError from exc  # fail() raises


DATE = DateType()


def as_of_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--as-of", type=DATE, default=None,
                        help="Compute time-dependent figures as of this date (default today).")(
        func)
