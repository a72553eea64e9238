"""The `crm` command's entry point.

It sets how often Python's cycle collector runs, for the whole process: see
`tune_collector`, and keeps it off what the command held once it has ended: see `main`.
Nothing below this module touches the collector.
"""

from __future__ import annotations

import gc
from typing import Any

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


def main() -> Any:
    """Run the command; when it ends (its database closed by then, each command's own
    `finally`), freeze the collector: the interpreter's exit then frees what is freed by
    reference counts and no longer walks and dismantles the session's cycles one by one
    (the app, its screens and the customers' records it held), which made quitting the app
    on a large database slow. Files are closed and flushed by their owners before this,
    never by a collection at exit."""
    tune_collector()
    from .main import main as command

    try:
        return command(obj={})
    finally:
        gc.freeze()
