"""Rows drawn a screenful at a time (the Line API) under a header, and one cursor on them:
what the customers table and the paged lists (feedback inbox, tasks agenda) share.

The cursor moves by rows, pages, to the first or last row, or by a click, stepping over
rows a subclass says cannot be selected (section headings); a move redraws the two lines
it concerns and keeps the cursor's row in view below the header. Drawn lines are kept by
(row, width, whether the cursor is on it) until the data, the width or the styles change.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


def cursor_bindings(scope: str) -> list[Binding]:
    """The keys that move the cursor, with their keymap ids under `scope` (each list
    keeps the ids users' keymaps already name)."""
    return [
        Binding("up,k", "cursor(-1)", "Up", show=False, id=f"{scope}.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id=f"{scope}.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id=f"{scope}.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id=f"{scope}.page_down"),
        Binding("home,g", "jump(0)", "First", show=False, id=f"{scope}.first"),
        Binding("end,G", "jump(-1)", "Last", show=False, id=f"{scope}.last"),
    ]


class CursorRows(ScrollView, can_focus=True):
    """Subclasses say how many rows there are, how many header lines sit above them,
    which rows the cursor may rest on, and what a cursor move tells the screen."""

    cursor = reactive(0, repaint=False)  # watch_cursor redraws its two lines

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: LRUCache[tuple[int, int, bool], Strip] = LRUCache(1024)

    # ----- what a subclass says ----------------------------------------------------------
    @property
    def _top(self) -> int:
        """Lines above the first row (the header's)."""
        return 0

    def _row_count(self) -> int:
        raise NotImplementedError

    def _selectable(self, index: int) -> bool:
        """Whether the cursor may rest on the row (a heading: no)."""
        return True

    def _highlighted(self) -> None:
        """The cursor is on another row: tell the screen."""

    # ----- size --------------------------------------------------------------------------
    def _fit_height(self) -> None:
        """The virtual height: the rows and the header lines. Set without the layout of
        the whole screen a new virtual size asks Textual for (a frame of twice the work,
        on every search keystroke that changes the customers' count): the scrollbar is
        updated in place, and only its appearing or going lays the screen out."""
        size = Size(self.size.width, self._row_count() + self._top)
        if size != self.virtual_size:
            self.set_reactive(CursorRows.virtual_size, size)
            self._scroll_update(size)
            self.refresh()

    def on_resize(self) -> None:
        self._fit_height()
        self._lines.clear()

    def notify_style_update(self) -> None:
        # Focus, theme and CSS changes restyle the rows: drawn lines are stale.
        super().notify_style_update()
        self._lines.clear()

    # ----- movement ----------------------------------------------------------------------
    def _selectable_near(self, index: int, step: int) -> int:
        """`index` if selectable, else the next selectable one in the direction of `step`,
        else in the other direction (0 when none is)."""
        count = self._row_count()
        index = max(0, min(count - 1, index))
        for direction in (step, -step):
            at = index
            while 0 <= at < count:
                if self._selectable(at):
                    return at
                at += direction
        return 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old + self._top)
        self.refresh_line(new + self._top)
        self._scroll_to_cursor()
        if old != new:
            self._highlighted()

    def _scroll_to_cursor(self) -> None:
        if self._row_count():
            cursor = self.cursor
            if cursor > 0 and not self._selectable(cursor - 1):
                cursor -= 1  # the heading above the first row of a section stays in view
            # The header lines stay on top of the view: the region takes them in above the
            # rows, so scrolling up stops with the rows below the header, not under it.
            self.scroll_to_region(Region(0, cursor, 1, self.cursor - cursor + 1 + self._top),
                                  animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        if self._row_count():
            step = 1 if delta > 0 else -1
            self.cursor = self._selectable_near(self.cursor + delta, step)

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height
                                           - self._top - 1))

    def action_jump(self, where: int) -> None:
        count = self._row_count()
        if count:
            self.cursor = (self._selectable_near(0, 1) if where == 0
                           else self._selectable_near(count - 1, -1))

    def on_click(self, event: object) -> None:
        index = self.scroll_offset.y + getattr(event, "y", 0) - self._top
        if 0 <= index < self._row_count() and self._selectable(index):
            self.cursor = index
