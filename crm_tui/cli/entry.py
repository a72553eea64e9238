"""The `crm` command's entry point: when the arguments open the TUI, the customers table's
preview process (see `list_preview`) starts before anything heavy is imported.

Importing the command line (click, every subcommand, the services) and then Textual takes
about half a second, which the preview can use on the other core. Whether the TUI is
wanted is guessed from the arguments alone: only the group's own `--db` / `--theme`, no
subcommand, no `--help`. Click still parses them; a wrong guess costs an unused child.

It also sets how often Python's cycle collector runs, for the whole process: see
`tune_collector`. Nothing below this module touches the collector.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

VALUE_OPTIONS = ("--db", "--theme")

# Young collections every 100,000 new container objects instead of 700; a full one after
# ten of ten of those (instead of ten of ten of 700).
COLLECTOR_THRESHOLDS = (100_000, 10, 10)


def tune_collector() -> None:
    """Collect cycles less often: every full pass walks every loaded customer (100k
    documents and their lists), and Python's defaults set one off each time the heap grows
    by a quarter, and over and over while a scan allocates. One setting for every command,
    in place of freezes and pauses spread over the store, services and dashboard (they kept
    whatever was alive then out of collection for good). Figures: bench/README.md.
    """
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


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
    tune_collector()
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
