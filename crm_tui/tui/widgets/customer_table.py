"""The customers table: a Line API view over any number of rows.

Marked rows (the customers screen's marks, by customer id) carry a ✓ in a first column,
which is there only while something is marked, and the marked style.

Only the visible lines are rendered: the rows on screen are asked of the `CustomerList`
service together (one catch-up with the store per screenful), and rendered rows are cached
until the data changes. Cost is proportional to the screen height, not to the 100,000
customers behind it. A cursor move redraws the two lines it concerns: a line's cache key
says whether it holds the cursor. The cursor, paging and drawn lines are the paged lists'
(`CursorRows`).

Cells are cut and padded by terminal cells, not characters: a Chinese name or an emoji
takes two cells a character, and a column cut by characters would push the next ones
out of line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip

from crm_tui.domain.money import display_money
from crm_tui.services.customer_list import CustomerRow

from .badges import (
    LIFECYCLE_COLORS,
    RFM_COLORS,
    TIER_COLORS,
    lifecycle_label,
    rfm_label,
    rich_colors,
    tier_label,
)
from .cells import fit_cells
from .cursor_rows import CursorRows, cursor_bindings
from .strips import text_strip


@dataclass(frozen=True)
class Column:
    key: str  # also the sort key of CustomerList
    title: str
    width: int  # minimum width; flexible columns share what is left
    flex: bool = False
    right: bool = False


COLUMNS = [
    Column("name", "Name", 16, flex=True),
    Column("email", "Email", 16, flex=True),
    Column("phone", "Phone", 14),
    Column("company", "Company", 12, flex=True),
    Column("segment", "Lifecycle", 10),
    Column("rfm", "RFM", 13),  # "RFM Champions"
    Column("tier", "Tier", 13),  # "Platinum tier"
    Column("orders", "Orders", 6, right=True),
    Column("spent", "Spent", 11, right=True),
    Column("last_order", "Last order", 10),
    Column("status", "Status", 8),
]
# What the sort is called: the columns' titles, and those sorts with no column.
SORT_TITLES = {c.key: c.title for c in COLUMNS} | {"type": "Type", "created": "Added"}
# What narrow terminals keep, in order of importance.
PRIORITY = ["name", "segment", "spent", "email", "tier", "rfm", "orders", "last_order",
            "phone", "company", "status"]


MARK = "✓ "  # the mark column, drawn while some row is marked
NO_MARK = "  "


def sort_arrow(descending: bool) -> str:
    return "▼" if descending else "▲"


@lru_cache(maxsize=16)
def fit_columns(width: int) -> tuple[tuple[Column, int], ...]:
    """Choose the columns that fit `width` and share the spare room among flexible ones."""
    chosen: list[Column] = []
    used = 0
    for key in PRIORITY:
        column = next(c for c in COLUMNS if c.key == key)
        if used + column.width + 1 <= width or not chosen:
            chosen.append(column)
            used += column.width + 1
    ordered = [c for c in COLUMNS if c in chosen]
    flex = [c for c in ordered if c.flex]
    spare = max(0, width - used)
    widths = {c.key: c.width + (spare // len(flex) if c in flex else 0) for c in ordered}
    if flex:
        widths[flex[0].key] += spare % len(flex)
    return tuple((c, widths[c.key]) for c in ordered)


def cell_text(row: CustomerRow, key: str) -> tuple[str, str | None]:
    """A cell's text and the theme variable that colors it (None: plain)."""
    s = row.standing
    values: dict[str, tuple[str, str | None]] = {
        "name": (row.name, None),
        "email": (row.email, None),
        "phone": (row.phone, None),
        "company": (row.company, None),
        "segment": (lifecycle_label(s.lifecycle, s.overridden),
                    LIFECYCLE_COLORS.get(s.lifecycle)),
        "rfm": (rfm_label(s.rfm_segment), RFM_COLORS.get(s.rfm_segment or "")),
        "tier": (tier_label(s.tier), TIER_COLORS.get(s.tier)),
        "orders": (str(row.orders), None),
        "spent": (display_money(row.spent_cents), None),
        "last_order": (row.last_order, None),
        "status": (row.status, "error" if row.status == "inactive" else None),
    }
    return values[key]


class CustomerTable(CursorRows):
    """Rows of customer ids; a cursor; sticky header; j/k like arrows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *cursor_bindings("table"),
        Binding("enter", "open", "Open the customer", show=False, id="table.open"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "customer-table--header", "customer-table--cursor", "customer-table--odd",
        "customer-table--marked",
    }
    DEFAULT_CSS = """
    CustomerTable { height: 1fr; }
    CustomerTable > .customer-table--header { background: $panel; color: $text; text-style: bold; }
    CustomerTable > .customer-table--cursor { background: $accent 40%; }
    CustomerTable:focus > .customer-table--cursor { background: $accent; color: $text; }
    CustomerTable > .customer-table--odd { background: $surface; }
    CustomerTable > .customer-table--marked { background: $accent 25%; text-style: bold; }
    /* In shades of grey the accent is close to the rows: the cursor is drawn reversed. */
    CustomerTable:nocolor:focus > .customer-table--cursor { text-style: reverse; }
    """

    class Highlighted(Message):
        def __init__(self, customer_id: int | None) -> None:
            super().__init__()
            self.customer_id = customer_id

    class Opened(Message):
        def __init__(self, customer_id: int) -> None:
            super().__init__()
            self.customer_id = customer_id

    def __init__(self, row_of: Callable[[int], CustomerRow],
                 rows_now: Callable[[Iterable[int]], dict[int, CustomerRow]] | None = None, *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._row_of = row_of
        # Drawing asks without waiting: if the store is busy loading, a row it cannot make
        # yet is drawn as "…" and drawn again shortly, instead of freezing the screen.
        self._rows_now = rows_now or (lambda ids: {i: row_of(i) for i in ids})
        self.ids: list[int] = []
        self.marked: frozenset[int] = frozenset()  # customer ids, kept by the screen
        self.sort_key = "name"
        self.descending = False
        self._retry_pending = False
        self._rows: dict[int, CustomerRow] = {}  # fetched rows, until the data changes
        self._colors: tuple[str, dict[str, str]] | None = None  # (theme, its Rich colors)
        self._after_drawn: list[Callable[[], object]] = []

    # ----- data --------------------------------------------------------------------------
    def show(self, ids: list[int], *, keep: int | None = None) -> None:
        """Display these ids; keep the cursor on customer `keep` if it is still listed."""
        current = keep if keep is not None else self.current_id
        self.ids = ids
        self._forget()
        self._fit_height()
        try:
            index = ids.index(current) if current is not None else 0
        except ValueError:
            index = 0
        self.set_reactive(CustomerTable.cursor, min(index, max(0, len(ids) - 1)))
        self._scroll_to_cursor()
        self.refresh()
        self._highlighted()

    def after_drawn(self, callback: Callable[[], object]) -> None:
        """Call `callback` once a frame has drawn rows of the ids shown (at once when there
        are none). Unlike `call_after_refresh`, never before that frame: the screen may go
        idle before the table has asked it to draw."""
        if self.ids:
            self._after_drawn.append(callback)
        else:
            self.call_later(callback)

    def mark(self, marked: frozenset[int]) -> None:
        """Draw these customers as marked (the column appears with the first mark)."""
        if marked != self.marked:
            self.marked = marked
            self._lines.clear()
            self.refresh()

    def invalidate(self) -> None:
        """Data behind the rows changed (a save, another session): redraw from the source."""
        self._forget()
        self.refresh()

    def _forget(self) -> None:
        self._lines.clear()
        self._rows.clear()

    @property
    def current_id(self) -> int | None:
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    # ----- the cursor (CursorRows) -------------------------------------------------------
    @property
    def _top(self) -> int:
        return 1  # the column titles

    def _row_count(self) -> int:
        return len(self.ids)

    def _highlighted(self) -> None:
        self.post_message(self.Highlighted(self.current_id))

    def action_open(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Opened(self.current_id))

    # ----- rendering ---------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._header(width)
        index = self.scroll_offset.y + y - 1
        if index >= len(self.ids):
            return Strip.blank(width, self.rich_style)
        key = (index, width, index == self.cursor)  # `mark` forgets the lines it changes
        cached = self._lines.get(key)
        if cached is None:
            strip = self._row_strip(index, width)
            if strip is None:
                if not self._retry_pending:
                    self._retry_pending = True
                    self.set_timer(0.2, self._retry)
                return self._strip(Text("…"), width, self.rich_style)
            cached = self._lines[key] = strip
        if self._after_drawn:  # called as this frame's handler ends: after it is drawn
            for callback in self._after_drawn:
                self.call_later(callback)
            self._after_drawn.clear()
        return cached

    def _retry(self) -> None:
        self._retry_pending = False
        self.refresh()

    def _header(self, width: int) -> Strip:
        """Column titles, an arrow on the sorted one; sorted by a column not on screen
        (too narrow, or one the table has no column for), its name at the right end."""
        style = self.get_component_rich_style("customer-table--header")
        text = Text(MARK if self.marked else "", style=style, no_wrap=True,
                    overflow="ellipsis")
        columns = fit_columns(self._columns_width(width))
        arrow = sort_arrow(self.descending)
        for column, size in columns:
            sorted_by = arrow if column.key == self.sort_key else ""
            # A title cut to fit keeps its arrow: "Orde…▲".
            title = fit_cells(column.title, size - cell_len(sorted_by)).rstrip() + sorted_by
            text.append(fit_cells(title, size, right=column.right) + " ")
        if all(column.key != self.sort_key for column, _ in columns):
            note = f" by {SORT_TITLES.get(self.sort_key, self.sort_key)}{arrow} "
            text.truncate(max(0, width - cell_len(note)), pad=True)
            text.append(note)
        return self._strip(text, width, style)

    def _columns_width(self, width: int) -> int:
        return width - len(MARK) if self.marked else width

    def _row(self, index: int) -> CustomerRow | None:
        """The row at `index`; a miss fetches every visible row not fetched yet."""
        wanted = self.ids[index]
        row = self._rows.get(wanted)
        if row is None:
            if len(self._rows) > 4096:  # scrolled through many: start afresh
                self._rows.clear()
            top = self.scroll_offset.y
            visible = self.ids[top:top + self.size.height - 1]  # less the header line
            missing = {i for i in visible if i not in self._rows}
            self._rows.update(self._rows_now(missing | {wanted}))
            row = self._rows.get(wanted)
        return row

    def _theme_colors(self) -> dict[str, str]:
        theme = self.app.theme
        if self._colors is None or self._colors[0] != theme:
            self._colors = (theme, rich_colors(self.app.theme_variables))
        return self._colors[1]

    def _row_strip(self, index: int, width: int) -> Strip | None:
        row = self._row(index)
        if row is None:
            return None
        theme = self._theme_colors()
        marked = row.id in self.marked
        if index == self.cursor:
            base = self.get_component_rich_style("customer-table--cursor")
        elif marked:
            base = self.get_component_rich_style("customer-table--marked")
        elif index % 2:
            base = self.get_component_rich_style("customer-table--odd")
        else:
            base = self.rich_style
        # Segments built directly (not through rich Text): a screenful is redrawn on every
        # search keystroke and rendering Text took most of that frame.
        segments = [Segment(MARK if marked else NO_MARK, base)] if self.marked else []
        for column, size in fit_columns(self._columns_width(width)):
            value, variable = cell_text(row, column.key)
            value = fit_cells(value, size, right=column.right)
            color = theme.get(variable) if variable and index != self.cursor else None
            segments.append(Segment(value, base + Style(color=color, bold=True) if color
                                    else base))
            segments.append(Segment(" ", base))
        return Strip(segments).extend_cell_length(width, base).crop(0, width)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        return text_strip(text, width, style, self.app.console)
