"""The customers table's first screenful, worked out by a second process during start-up.

Opening the TUI on 100k customers is two jobs of about the same size that the GIL makes
take turns: the UI's own start (imports, styles, first layout) and reading the customers
(parsing the table, sorting it by name, making the rows on screen). Started before the UI
is imported, a child process (this module run as a program, see `child_process`) opens
the database read-only, answers the table's default query and sends back its ids and the
rows of the first screens: the table is drawn from them while this process still loads its
own copy, which replaces them as soon as it is ready. Starting it imports nothing heavy
(the launcher starts it first thing); the child answers "not worth it" at once for a table
too small to repay a process (`WORTH_BYTES`). If the child fails or is late, nothing is
lost but the head start.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import tables
from .child_process import read_job, start_child, stop

if TYPE_CHECKING:
    from .customer_list import CustomerRow

WORTH_BYTES = 8 << 20  # customers snapshot size (~13k customers) from which it pays
PAGE = 200  # rows made: a tall terminal's first screens


@dataclass(frozen=True)
class ListPreview:
    """The default query's answer (ids in display order) and the first `PAGE` rows."""

    ids: list[int]
    rows: dict[int, CustomerRow]


class PreviewProcess:
    """A child working out the `ListPreview` of the database at `path` as of `today`
    (None: the wall clock's today)."""

    def __init__(self, path: str | os.PathLike[str], today: dt.date | None = None, *,
                 min_bytes: int = WORTH_BYTES) -> None:
        self._process = start_child(__name__, (os.fspath(path), today, min_bytes),
                                    stderr=subprocess.DEVNULL)

    def result(self) -> ListPreview | None:
        """Wait for the preview; None if the table is small, missing or the child failed.
        Call once."""
        out = self._process.stdout
        assert out is not None
        try:
            preview = pickle.load(out)
        except Exception:  # a dead or confused child: the table loads the usual way
            preview = None
        finally:
            stop(self._process)
        return preview if isinstance(preview, ListPreview) else None

    def close(self) -> None:
        """Stop the child (no longer wanted)."""
        stop(self._process)


def make_preview(path: str, today: dt.date | None, min_bytes: int = WORTH_BYTES
                 ) -> ListPreview | None:
    """The child's work: None when the customers snapshot is under `min_bytes`."""
    # Only what the list needs (not every service): the child's imports delay its answer.
    from crm_tui.store import Database, snapshot_file

    from .changes import Changes
    from .context import Clock, ServiceContext
    from .customer_list import CustomerList, ListQuery
    from .segments import SegmentService

    try:
        if snapshot_file(path, tables.CUSTOMERS).stat().st_size < min_bytes:
            return None
    except OSError:  # no customers yet, or no database: the app's own start says which
        return None
    db = Database(path, create=False)
    try:
        ctx = ServiceContext(db, clock=Clock() if today is None else Clock.at(today))
        listing = CustomerList(ctx, SegmentService(ctx, Changes(ctx)))
        ids = listing.query(ListQuery())
        return ListPreview(ids, listing.rows_now(ids[:PAGE]))
    finally:
        db.close()


def _main() -> None:
    # Through the module's own name: run as a program, this file is `__main__`, and a
    # ListPreview of that module could not be unpickled by the parent.
    from crm_tui.services import list_preview

    preview: Any = list_preview.make_preview(*read_job())
    pickle.dump(preview, sys.stdout.buffer, pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _main()
