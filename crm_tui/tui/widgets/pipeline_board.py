"""The pipeline board: one column of deal cards per stage shown, drawn line by line.

Each column is a Line API view: only the visible card lines are rendered, so a stage
holding thousands of deals costs what the screen shows. The board keeps one cursor
(column, card) and follows the selected deal by id across refreshes, so a card moved to
another stage stays selected in its new column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual.containers import Horizontal
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from crm_tui.domain.money import display_money
from crm_tui.domain.wording import counted

from .strips import text_strip

TITLE_LINES = 2
ROOMY = 26  # column width from which a card gets a line of its own for the customer


class Card(NamedTuple):  # one per deal shown: 16,500 on the 100k demo's board
    deal_id: int
    customer_id: int
    name: str
    customer: str
    value_cents: int
    days: int  # in its stage (a closed deal: since it closed)
    stale: bool
    closed: bool = False


@dataclass(frozen=True)
class Stage:
    name: str
    probability: int  # the stage's default
    cards: Sequence[Card]  # the first ones only, until every deal is read
    count: int  # of the stage's deals
    total_cents: int


def short_money(cents: int) -> str:
    """A value in a few characters for narrow cards: $950, $4.8k, $12k, $1.2M."""
    whole = cents // 100
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if whole >= size:
            tenths = whole * 10 // size  # integers only: money is never a float
            if tenths >= 100:
                return f"${tenths // 10:,}{suffix}"
            return f"${tenths // 10}.{tenths % 10}{suffix}"
    return f"${whole}"


def _ends(left: str, right: str, width: int) -> tuple[str, str]:
    """`left` cut (with an ellipsis) so that `right` fits at the end of a `width` line."""
    room = max(0, width - len(right) - 1)
    if len(left) > room:
        left = left[: max(0, room - 1)] + "…"
    return left, right.rjust(width - len(left))


class StageColumn(ScrollView):
    """One stage: a sticky two-line title, then its cards (2 lines narrow, 3 wide)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "stage-column--title", "stage-column--card", "stage-column--cursor",
        "stage-column--stale", "stage-column--muted",
    }
    DEFAULT_CSS = """
    StageColumn { width: 1fr; height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden;
                  border-left: vkey $panel; }
    StageColumn:first-of-type { border-left: none; }
    StageColumn > .stage-column--title { background: $panel; color: $text; text-style: bold; }
    StageColumn > .stage-column--card { background: $surface; }
    StageColumn > .stage-column--cursor { background: $accent; color: $text; }
    StageColumn > .stage-column--stale { color: $warning; text-style: bold; }
    StageColumn > .stage-column--muted { color: $text-muted; }
    """

    def __init__(self, stage: Stage) -> None:
        super().__init__()
        self.stage = stage
        self.cursor: int | None = None  # shown only in the board's active column

    @property
    def card_height(self) -> int:
        # Lines of text, plus one blank line between cards.
        return (3 if self.scrollable_content_region.width >= ROOMY else 2) + 1

    def show(self, stage: Stage, cursor: int | None) -> None:
        self.stage, self.cursor = stage, cursor
        self._resize()
        self.keep_cursor_visible()

    def on_resize(self) -> None:
        self._resize()
        self.keep_cursor_visible()

    def _resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width,
                                 TITLE_LINES + len(self.stage.cards) * self.card_height)
        self.refresh()

    def keep_cursor_visible(self) -> None:
        if self.cursor is None:
            return
        view = max(1, self.size.height - TITLE_LINES)
        first = self.cursor * self.card_height
        last = first + self.card_height - 1  # the gap line may stay hidden
        top = self.scroll_offset.y
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif last > top + view:
            self.scroll_to(y=last - view, animate=False, immediate=True)

    # ----- rendering ---------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y < TITLE_LINES:
            return self._strip(self._title(y, width), width, "stage-column--title")
        line = self.scroll_offset.y + y - TITLE_LINES
        index, row = divmod(line, self.card_height)
        if index >= len(self.stage.cards) or row == self.card_height - 1:
            return Strip.blank(width, self.rich_style)
        selected = index == self.cursor
        part = "stage-column--cursor" if selected else "stage-column--card"
        text = self._card_line(self.stage.cards[index], row, width)
        if selected:  # the cursor's colors only: a stale or muted color may vanish on it
            text = Text(text.plain, Style(bold=row == 0))
        return self._strip(text, width, part)

    def _title(self, y: int, width: int) -> Text:
        stage = self.stage
        if y == 0:
            left, right = _ends(f" {stage.name}", f"{stage.probability}% ", width)
            return Text(left + right)
        money = display_money if width >= ROOMY else short_money
        count = stage.count
        line = f" {counted(count, 'deal')} · {money(stage.total_cents)}"
        if len(line) > width:  # the amount must show whole: the word goes first
            line = f" {count:,} · {money(stage.total_cents)}"
        return Text(line)

    def _card_line(self, card: Card, row: int, width: int) -> Text:
        roomy = width >= ROOMY
        flag = "stale" if roomy else "!"
        if row == 0:
            left, right = _ends(f" {card.name}", f"{flag} " if card.stale else "", width)
            return Text.assemble((left, "bold"), (right, self._color("stage-column--stale")))
        if roomy and row == 1:
            return Text("".join(_ends(f" {card.customer}", "", width)),
                        self._color("stage-column--muted"))
        if roomy:
            return Text.assemble(*_ends(f" {display_money(card.value_cents)}",
                                        f"closed {card.days}d ago " if card.closed
                                        else f"{card.days}d in stage ", width))
        left, right = _ends(f" {card.customer}", f"{short_money(card.value_cents)} {card.days}d ",
                            width)
        return Text.assemble((left, self._color("stage-column--muted")), right)

    def _color(self, part: str) -> Style:
        """A part's text style without its background, so it sits on any card's."""
        style = self.get_component_rich_style(part)
        return Style(color=style.color, bold=style.bold)

    def _strip(self, text: Text, width: int, part: str) -> Strip:
        # The part's style under the line's own (bold name, stale flag).
        return text_strip(text, width, self.get_component_rich_style(part), self.app.console)


class PipelineBoard(Horizontal, can_focus=True):
    """The columns side by side, one cursor across them."""

    DEFAULT_CSS = """
    PipelineBoard { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stages: list[Stage] = []
        self.column = 0
        self.rows: dict[str, int] = {}  # the card each stage's cursor was last on
        self._follow: int | None = None  # the deal to keep selected when the data changes
        self._drawn: Callable[[], object] | None = None  # see `show`

    @property
    def current(self) -> Card | None:
        if not self.stages:
            return None
        stage = self.stages[self.column]
        row = self.rows.get(stage.name, 0)
        return stage.cards[row] if 0 <= row < len(stage.cards) else None

    @property
    def current_stage(self) -> Stage | None:
        return self.stages[self.column] if self.stages else None

    def follow(self, deal_id: int) -> None:
        """Select this deal when the data shows it."""
        self._follow = deal_id

    def show(self, stages: list[Stage], drawn: Callable[[], object] | None = None) -> None:
        """New data: keep the selected deal selected, wherever it moved. `drawn`: called
        after the frame that draws them."""
        self._drawn = drawn
        if [s.name for s in stages] != [s.name for s in self.stages]:
            self.remove_children()
            self.mount_all(StageColumn(stage) for stage in stages)
        self.stages = stages
        for c, stage in enumerate(stages):
            for r, card in enumerate(stage.cards):
                if card.deal_id == self._follow:
                    self.column, self.rows[stage.name] = c, r
        self.column = min(self.column, max(0, len(stages) - 1))
        for stage in stages:  # a deal that left a column: stay at the same height
            self.rows[stage.name] = min(self.rows.get(stage.name, 0), max(0, len(stage.cards) - 1))
        if stages and not stages[self.column].cards:
            # Nothing here (filtered out, or an empty first stage): the nearest column with deals.
            filled = [c for c, stage in enumerate(stages) if stage.cards]
            if filled:
                self.column = min(filled, key=lambda c: abs(c - self.column))
        self._redraw()

    def move(self, columns: int = 0, cards: int = 0) -> None:
        if not self.stages:
            return
        self.column = max(0, min(len(self.stages) - 1, self.column + columns))
        stage = self.stages[self.column]
        row = self.rows.get(stage.name, 0) + cards
        self.rows[stage.name] = max(0, min(len(stage.cards) - 1, row))
        self._redraw()

    def _redraw(self) -> None:
        current = self.current
        self._follow = current.deal_id if current else None
        columns = list(self.query(StageColumn))
        if len(columns) != len(self.stages):
            # Just mounted: the new columns show themselves once they have a size.
            self.call_after_refresh(self._redraw)
            return
        for c, (column, stage) in enumerate(zip(columns, self.stages, strict=True)):
            column.show(stage, self.rows.get(stage.name, 0) if c == self.column else None)
        if self._drawn is not None:
            self.call_after_refresh(self._drawn)
            self._drawn = None
