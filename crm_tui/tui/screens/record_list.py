"""A main screen made of one table of records (segments, products, feedback).

The rows are read in a worker (they may scan an event table) and handed back whole; the
cursor stays on the same record across refreshes, and the one flexible column is cut to
the width of the terminal so the table never needs a horizontal scroll at 80 columns.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.theme import Theme
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from crm_tui.tui.keymap import hinted
from crm_tui.tui.messages import RecordsListed
from crm_tui.tui.widgets.badges import rich_colors
from crm_tui.tui.widgets.footer import Footer

from .base import CrmScreen

PADDING = 2  # a DataTable cell's padding, both sides


@dataclass(frozen=True)
class Listing:
    """What the worker found: a one-line summary and the rows, each under a key."""

    summary: RenderableType
    rows: Sequence[tuple[str, Sequence[RenderableType]]] = ()


def shared_cells(rows: Sequence[tuple[str, Sequence[RenderableType]]],
                 ) -> list[tuple[str, tuple[RenderableType, ...]]]:
    """The rows with equal cells made one object: a long list repeats a few dates, stars,
    badges and states thousands of times (19k feedback rows at 100k customers), and each
    copy would stay in memory as long as the screen."""
    seen: dict[Hashable, RenderableType] = {}

    def one(cell: RenderableType) -> RenderableType:
        key = _cell_key(cell)
        return cell if key is None else seen.setdefault(key, cell)

    return [(key, tuple(map(one, cells))) for key, cells in rows]


def _cell_key(cell: RenderableType) -> Hashable | None:
    """What makes two cells draw the same (None: not compared)."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, Text):
        return (cell.plain, cell.style, cell.justify, cell.overflow, cell.no_wrap, cell.end,
                tuple(cell.spans))
    return None


class RecordTable(DataTable[RenderableType]):
    """DataTable with j/k moving like arrows, and home/g, end/G to the first and last row
    as in every other list (DataTable's own home and end scroll sideways)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("home,g", "scroll_top", "First", show=False, id="list.first"),
        Binding("end,G", "scroll_bottom", "Last", show=False, id="list.last"),
    ]


class RecordListScreen(CrmScreen):
    """Subclasses name their columns (one of width None: it takes the room left) and
    implement `fetch()`, which runs in a worker thread and must not touch widgets."""

    SUB_TITLE: ClassVar[str] = ""
    COLUMNS: ClassVar[Sequence[tuple[str, int | None]]] = ()
    EMPTY: ClassVar[str] = "Nothing here yet."  # "{binding.id}" names its keys
    DEFAULT_CSS = """
    RecordListScreen #list-summary { height: auto; padding: 0 1; background: $panel;
                                     color: $text; }
    RecordListScreen #records { height: 1fr; }
    RecordListScreen #list-empty { padding: 1 2; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._listing = Listing("")
        self._widths: list[int | None] = [width for _, width in self.COLUMNS]
        self._keys: list[str] = []
        self._wanted: str | None = None  # a record to select once the list shows it

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="list-summary")
        yield RecordTable(id="records", cursor_type="row", zebra_stripes=True)
        yield Static(hinted(self, self.EMPTY), id="list-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.SUB_TITLE
        self.query_one("#list-empty").display = False
        self._add_columns()
        self.query_one(RecordTable).focus()
        # Badge colors come from the theme: a new theme redraws them.
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _add_columns(self) -> None:
        table = self.query_one(RecordTable)
        for (label, _), width in zip(self.COLUMNS, self._widths, strict=True):
            table.add_column(label, key=label, width=width)

    def _fixed_widths(self, rows: Sequence[tuple[str, Sequence[RenderableType]]],
                      ) -> list[int | None]:
        """Each fixed column's width, widened to its widest figure: a number or an amount
        (a right-justified cell) is never cut short, as text may be ("364,…" sold)."""
        widths = [width for _, width in self.COLUMNS]
        for _, cells in rows:
            for index, cell in enumerate(cells):
                width = widths[index]
                if (width is not None and isinstance(cell, Text) and cell.justify == "right"
                        and cell.cell_len > width):
                    widths[index] = cell.cell_len
        return widths

    def _theme_changed(self, theme: Theme) -> None:
        self.refresh_data()

    # ----- data --------------------------------------------------------------------------
    def fetch(self, theme: Mapping[str, str]) -> Listing:
        """Read the rows (in a worker thread). `theme`: the theme's color variables."""
        raise NotImplementedError

    def refresh_data(self) -> None:
        # Read on this thread: the worker must not touch the app's state.
        self._load(rich_colors(self.app.theme_variables))

    @work(thread=True, exclusive=True, group="record-list")
    def _load(self, theme: dict[str, str]) -> None:
        listing = self.fetch(theme)
        listing = replace(listing, rows=shared_cells(listing.rows))
        if not get_current_worker().is_cancelled:
            self.post_message(RecordsListed(listing))

    def on_records_listed(self, message: RecordsListed) -> None:
        self._show(message.listing)

    def _show(self, listing: Listing) -> None:
        self._listing = listing
        table = self.query_one(RecordTable)
        current = self._wanted or self.current_key
        self._wanted = None
        widths = self._fixed_widths(listing.rows)
        if widths != self._widths:
            self._widths = widths
            table.clear(columns=True)
            self._add_columns()
        else:
            table.clear()
        flex = self._flex_width(len(listing.rows))
        fitted: dict[tuple[int, int | None], RenderableType] = {}  # a shared cell fits once

        def fit(cell: RenderableType, width: int | None) -> RenderableType:
            if (id(cell), width) not in fitted:
                fitted[id(cell), width] = self._fit(cell, width, flex)
            return fitted[id(cell), width]

        for key, cells in listing.rows:
            table.add_row(*(fit(cell, width)
                            for cell, width in zip(cells, self._widths, strict=True)),
                          key=key)
        self._keys = [key for key, _ in listing.rows]
        if current is not None:
            self.select(current)
        self.query_one("#list-summary", Static).update(listing.summary)
        self.query_one("#list-empty").display = not listing.rows

    def _flex_width(self, rows: int) -> int:
        table = self.query_one(RecordTable)
        room = table.size.width or self.size.width
        if rows + 1 > table.size.height:  # the vertical scrollbar will take its share
            room -= table.styles.scrollbar_size_vertical
        fixed = sum((width or 0) + PADDING for width in self._widths)
        return max(8, room - fixed)

    @staticmethod
    def _fit(cell: RenderableType, width: int | None, flex: int) -> RenderableType:
        limit = width or flex
        if isinstance(cell, str):
            cell = Text(cell)
        if isinstance(cell, Text) and cell.cell_len > limit:
            cell = cell.copy()
            cell.truncate(limit, overflow="ellipsis")
        return cell

    def on_resize(self) -> None:
        if self._listing.rows:
            self._show(self._listing)

    # ----- the current record ------------------------------------------------------------
    @property
    def current_key(self) -> str | None:
        table = self.query_one(RecordTable)
        if not table.row_count:
            return None
        cell = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0))
        return cell.row_key.value

    def select(self, key: str) -> bool:
        """Put the cursor on a record (by its row key), if it is listed."""
        if key not in self._keys:
            return False
        self.query_one(RecordTable).move_cursor(row=self._keys.index(key), animate=False)
        return True

    def show_record(self, key: str) -> None:
        """Select a record now if listed, else when the list (re)loads: the palette's
        choice, made as the screen is being shown."""
        if not self.select(key):
            self._wanted = key

    def current_id(self) -> int | None:
        """The current row's key as a record id (None when not a number or no row)."""
        key = self.current_key
        return int(key) if key is not None and key.isdigit() else None
