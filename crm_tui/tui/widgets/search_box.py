"""A text box that hands each edit to its screen in the same turn as the keystroke.

`Input.Changed` reaches a screen after hopping through every container in between, and
the screen draws a frame at the first idle moment: the box echoing the letter, on its own.
The rows answering that letter then wait for the next frame slot (1/60 s later). Called
from the value's watcher, the screen's answer is ready before that first frame, so the
letter and its rows are drawn together.

Each edit also sets the box's virtual size (its text's width, for scrolling long text),
which Textual lays the whole screen out again for: a box whose size its text never
changes (the search box is `1fr` wide, one line high) has that done without a layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class SearchBox(Input):
    """An `Input` calling `on_text(value)` whenever its value changes (typed or set)."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), repaint=True, layout=False)

    def __init__(self, on_text: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_text = on_text

    def watch_value(self, value: str) -> None:
        self._on_text(value)
