"""The `crm` command's entry point: when the arguments open the TUI, the customers table's
preview process (see `list_preview`) starts before anything heavy is imported.

Importing the command line (click, every subcommand, the services) and then Textual takes
about half a second, which the preview can use on the other core. Whether the TUI is
wanted is guessed from the arguments alone: only the group's own `--db` / `--theme`, no
subcommand, no `--help`. Click still parses them; a wrong guess costs an unused child.
"""

from __future__ import annotations

import sys
from typing import Any

VALUE_OPTIONS = ("--db", "--theme")


def tui_database(args: list[str]) -> tuple[bool, str | None]:
    """(whether these arguments open the TUI, the --db they give)."""
    db = None
    rest = iter(args)
    for arg in rest:
        name, equals, value = arg.partition("=")
        if name not in VALUE_OPTIONS:
            return False, None  # a subcommand, --help, --version or a typo: click decides
        if not equals:
            given = next(rest, None)
            if given is None:
                return False, None
            value = given
        if name == "--db":
            db = value
    return True, db


def main() -> Any:
    preview = None
    tui, db = tui_database(sys.argv[1:])
    if tui:
        from crm_tui.services.list_preview import PreviewProcess

        from .paths import resolve_db_path

        preview = PreviewProcess(resolve_db_path(db))
    from .main import main as command

    try:
        return command(obj={"preview": preview})
    finally:
        if preview is not None:
            preview.close()  # a wrong guess: click ran a subcommand
