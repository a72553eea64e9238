"""An import's rows read ahead in a second process, while this one writes.

A large import is two kinds of work: reading (parsing the CSV, mapping its columns, and
whatever a handler can make of a row's cells alone: `RowHandler.read_ahead`) and writing
(the store, under its lock). They share nothing, so on a machine with two cores the reader
runs in a child process and hands rows over in pickled batches: the writer never waits for
the CSV, and the reading costs it only the unpickling.

The child is this module run as a program (see `child_process`), started only for files
big enough to repay its start-up (`WORTH_LINES`). It reads the same file with the same
`CsvSource`, told the layout this process found (encoding, delimiter, how each column's
dates and amounts are read), so rows, line numbers and row errors are exactly what the
writer would have read itself. An error in the child is raised here as the file's error,
a child that dies is reported as such, and the child writes nothing anywhere but to its
pipe.
"""

from __future__ import annotations

import fcntl
import pickle
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from datetime import date
from typing import IO, Any

from crm_tui.domain.errors import ValidationError

from ..child_process import read_job, start_child, stop
from .csv_rows import CsvLayout, CsvSource, SourceRow
from .mapping import ColumnMapping

WORTH_LINES = 20_000  # below this, starting a process costs more than it saves
BATCH_ROWS = 1000
PIPE_BYTES = 1 << 20  # ~8 batches in flight: the writer takes 2000 rows at a time
ReadAhead = Callable[[Mapping[str, Any], date], Any]
_END, _FAILED = "end", "failed"  # the child's last message: all sent, or (_FAILED, why)


def read_rows(layout: CsvLayout, mapping: ColumnMapping, read: ReadAhead, today: date,
              out: IO[bytes]) -> None:
    """The child's work: every row as (line, fields, error, ahead), pickled in batches,
    then _END; or what stopped it, (_FAILED, why)."""
    try:
        with CsvSource.reopen(layout) as source:
            batch: list[tuple[Any, ...]] = []
            for row in source.rows(mapping):
                ahead = None if row.error is not None else read(row.fields, today)
                batch.append((row.line, row.fields, row.error, ahead))
                if len(batch) >= BATCH_ROWS:
                    pickle.dump(batch, out, pickle.HIGHEST_PROTOCOL)
                    batch = []
            pickle.dump(batch, out, pickle.HIGHEST_PROTOCOL)
        message: Any = _END
    except Exception as exc:  # every failure must reach the writer, as the file's error
        message = (_FAILED, str(exc))
    pickle.dump(message, out, pickle.HIGHEST_PROTOCOL)
    out.flush()


class RowsReadAhead:
    """The rows of the file `layout` describes (`CsvSource.settle`'s), read by a child
    process with `read` applied (a module-level function, so the child can import it).
    Iterate once; close (or use as a context manager) to stop the child early."""

    def __init__(self, layout: CsvLayout, mapping: ColumnMapping, read: ReadAhead,
                 today: date) -> None:
        self._process = start_child(__name__, (layout, mapping, read, today))
        assert self._process.stdout is not None
        self._out = self._process.stdout
        with suppress(OSError, AttributeError):  # Linux: let the child get batches ahead
            fcntl.fcntl(self._out.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)

    def __enter__(self) -> RowsReadAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[SourceRow]:
        while True:
            try:
                message = pickle.load(self._out)
            except EOFError:
                raise self._died() from None
            if message == _END:
                return
            if isinstance(message, tuple):
                raise ValidationError("file", f"could not be read: {message[1]}")
            for line, fields, error, ahead in message:
                yield SourceRow(line, fields, error, ahead=ahead)

    def _died(self) -> ValidationError:
        code = self._process.wait()
        assert self._process.stderr is not None
        last = self._process.stderr.read().decode(errors="replace").strip().splitlines()
        said = f": {last[-1]}" if last else ""
        return ValidationError("file", f"could not be read: the reading process stopped "
                                       f"(exit code {code}){said}")

    def close(self) -> None:
        stop(self._process)


def _main() -> None:
    layout, mapping, read, today = read_job()
    read_rows(layout, mapping, read, today, sys.stdout.buffer)


if __name__ == "__main__":
    _main()
