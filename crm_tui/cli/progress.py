"""Progress of long work on one line of stderr: a bar when the total is known, a spinning
counter when it is not. Drawn only when stderr is a terminal: piped or redirected, the
command writes nothing but its output.

The line is redrawn in place with a carriage return and padded with spaces over what it
replaces (no escape sequences, so a dumb terminal shows it as well). Work that ends leaves
it as it ended, on a line of its own; work that fails takes it away, leaving the error.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

Advance = Callable[[int, int | None], None]  # (units done so far, total units or None)
SPINNER = "|/-\\"
REDRAW_EVERY = 0.1  # seconds: often enough to look alive, rarely enough to cost nothing
BAR_WIDTH = 30


class ProgressLine:
    """The line itself; `update` with the work done so far, `finish` when it is over."""

    def __init__(self, label: str, stream: TextIO, total: int | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.label, self.stream, self.clock = label, stream, clock
        self.done, self.total = 0, total
        self._turns = 0
        self._drawn_at: float | None = None
        self._width = 0  # of the text on screen, to blank what a shorter line leaves
        self._draw()

    def update(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        last = self._drawn_at
        if last is None or self.clock() - last >= REDRAW_EVERY or done == self.total:
            self._draw()

    def finish(self) -> None:
        """Leave the line as the work ended, and start a new one."""
        self._draw()
        self.stream.write("\n")
        self.stream.flush()

    def clear(self) -> None:
        """Take the line away (the work failed: its error is what is left to read)."""
        self.stream.write("\r" + " " * self._width + "\r")
        self.stream.flush()

    def text(self, columns: int) -> str:
        """The line as drawn on a terminal `columns` wide (one less, so it never wraps)."""
        total, done = self.total, self.done
        if total:
            shown = min(done, total)
            filled = BAR_WIDTH * shown // total
            tail = (f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] "
                    f"{100 * shown // total:3d}%  {done}/{total}")
        else:
            tail = f"{SPINNER[self._turns % len(SPINNER)]} {done}"
        room = max(columns - 1 - len(tail) - 2, 0)
        label = self.label if len(self.label) <= room else self.label[:max(room - 1, 0)] + "…"
        return f"{label}  {tail}"[:max(columns - 1, 1)]

    def _draw(self) -> None:
        self._turns += 1
        text = self.text(_columns(self.stream))
        self.stream.write("\r" + text + " " * max(self._width - len(text), 0))
        self.stream.flush()
        self._width = len(text)
        self._drawn_at = self.clock()


def _columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (OSError, ValueError):
        return 80


@contextmanager
def progress(label: str, total: int | None = None, *, show: bool = True,
             stream: TextIO | None = None) -> Iterator[Advance | None]:
    """`advance(done, total)` for the work to call as it goes, or None when nothing is to
    be drawn: unless stderr (or `stream`) is a terminal, or when not `show`. `total` may
    be given here, or later with an update."""
    out = sys.stderr if stream is None else stream
    if not (show and out.isatty()):
        yield None
        return
    line = ProgressLine(label, out, total)
    try:
        yield line.update
    except BaseException:
        line.clear()
        raise
    line.finish()
