"""A list of any length drawn a screenful at a time (the Line API), for the feedback inbox
and the tasks agenda.

The list holds what its source holds (a small row per record, a heading now and then) and
asks the source for the lines on screen only, together (one read of their documents per
screenful). Rows the source says cannot be selected (section headings) are stepped over
by the cursor (`CursorRows`: the cursor, paging and drawn lines the customers table shares).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Protocol

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.strip import Strip

from .cursor_rows import CursorRows, cursor_bindings
from .strips import text_strip


class RowSource(Protocol):
    """What a `PagedList` shows: its rows, and each visible row's line on demand."""

    def __len__(self) -> int: ...

    def selectable(self, index: int) -> bool:
        """Whether the cursor may rest on the row (a heading: no)."""
        ...

    def lines(self, indexes: Sequence[int], width: int) -> Mapping[int, Text]:
        """The lines of these rows (those on screen), read together."""
        ...


class NoRows:
    """The source of an empty list (before the first data arrives)."""

    def __len__(self) -> int:
        return 0

    def selectable(self, index: int) -> bool:
        return False

    def lines(self, indexes: Sequence[int], width: int) -> Mapping[int, Text]:
        return {}


class PagedList(CursorRows):
    """Rows of a `RowSource` under an optional header line; one cursor; j/k like arrows."""

    BINDINGS: ClassVar[list[BindingType]] = [*cursor_bindings("rows")]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paged-list--header", "paged-list--cursor", "paged-list--odd",
    }
    DEFAULT_CSS = """
    PagedList { height: 1fr; overflow-x: hidden; }
    PagedList > .paged-list--header { background: $panel; color: $text; text-style: bold; }
    PagedList > .paged-list--cursor { background: $accent 40%; }
    PagedList:focus > .paged-list--cursor { background: $accent; color: $text; }
    PagedList > .paged-list--odd { background: $surface; }
    PagedList:nocolor:focus > .paged-list--cursor { text-style: reverse; }
    """

    class Highlighted(Message):
        """The cursor is on another row (or the rows changed under it)."""

        def __init__(self, paged_list: PagedList, index: int | None) -> None:
            super().__init__()
            self.paged_list = paged_list
            self.index = index

        @property
        def control(self) -> PagedList:
            return self.paged_list

    def __init__(self, *, header: Text | None = None, zebra: bool = False,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: RowSource = NoRows()
        self.header = header
        self.zebra = zebra

    @property
    def _top(self) -> int:
        return 1 if self.header is not None else 0

    def _row_count(self) -> int:
        return len(self.source)

    def _selectable(self, index: int) -> bool:
        return self.source.selectable(index)

    def _highlighted(self) -> None:
        self.post_message(self.Highlighted(self, self.current))

    # ----- data --------------------------------------------------------------------------
    def show(self, source: RowSource, cursor: int = 0) -> None:
        """New rows; the cursor on row `cursor` (or the nearest selectable one)."""
        self.source = source
        self._lines.clear()
        self._fit_height()
        self.set_reactive(PagedList.cursor, self._selectable_near(cursor, 1))
        self._scroll_to_cursor()
        self.refresh()
        self._highlighted()

    def set_header(self, header: Text | None) -> None:
        self.header = header
        self._lines.clear()
        self._fit_height()
        self.refresh()

    @property
    def current(self) -> int | None:
        """The cursor's row, if it rests on one."""
        cursor = self.cursor
        if 0 <= cursor < len(self.source) and self.source.selectable(cursor):
            return cursor
        return None

    # ----- rendering ---------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y < self._top and self.header is not None:
            return self._strip(self.header, width,
                               self.get_component_rich_style("paged-list--header"))
        index = self.scroll_offset.y + y - self._top
        if index >= len(self.source):
            return Strip.blank(width, self.rich_style)
        key = (index, width, index == self.cursor)
        cached = self._lines.get(key)
        if cached is None:
            self._draw_visible(width)
            cached = self._lines.get(key) or Strip.blank(width, self.rich_style)
        return cached

    def _draw_visible(self, width: int) -> None:
        """Every visible row not drawn yet, their lines asked of the source together."""
        top = self.scroll_offset.y
        rows = range(top, min(len(self.source), top + self.size.height - self._top))
        missing = [i for i in rows if (i, width, i == self.cursor) not in self._lines]
        lines = self.source.lines(missing, width)
        for index in missing:
            self._lines[index, width, index == self.cursor] = self._strip(
                lines.get(index, Text("")), width, self._base(index))

    def _base(self, index: int) -> Style:
        if index == self.cursor and self.source.selectable(index):
            return self.get_component_rich_style("paged-list--cursor")
        if self.zebra and index % 2:
            return self.get_component_rich_style("paged-list--odd")
        return self.rich_style

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        return text_strip(text, width, base, self.app.console)

    def line_text(self, index: int) -> str:
        """The row's line as text (what the screen shows there, for tests and probes)."""
        width = self.scrollable_content_region.width or self.size.width
        return self.source.lines([index], width).get(index, Text("")).plain
