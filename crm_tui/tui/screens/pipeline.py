"""Pipeline board: open deals by stage, moved with keys, under a live forecast header.

Moving a card a stage on or back is one key (it is undone by ctrl+z and changes nothing
else); closing a deal (won or lost, including `>` from the last open stage) and deleting
one ask first. A move is made from where the board showed the deal: if another session
moved or closed it since, the conflict dialog says who and where it is now, and the
person keeps theirs or moves it anyway. The header (open total, weighted forecast, best
case, win rate, won and lost counts) covers the deals the filters show, and follows every
change.

`c` turns the board to the closed deals (a Won and a Lost column, latest closed first) and
back; a closed deal moved back (`<`) reopens at the last open stage. The board opened for
one customer (from their 360 view, or a deal found in the palette) shows only their
deals, and escape goes back to where it was opened from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Header, Input, Select, Static
from textual.worker import Worker, get_current_worker

from crm_tui.domain.entities.customer import display_name
from crm_tui.domain.money import display_money
from crm_tui.domain.rules.pipeline import (
    OPEN,
    PipelineSummary,
    next_stage,
    open_stage_names,
    pipeline_summary,
    previous_stage,
)
from crm_tui.domain.settings import PipelineSettings
from crm_tui.services.pipeline import BoardCard, BoardColumn, DealRow
from crm_tui.tui.keymap import hint, hinted
from crm_tui.tui.messages import BoardReady
from crm_tui.tui.widgets.footer import Footer
from crm_tui.tui.widgets.pipeline_board import Card, PipelineBoard, Stage

from .base import CrmScreen
from .confirm import ConfirmScreen
from .conflict import Guarded

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm


@dataclass(frozen=True)
class KeptBoard:
    """What the whole board was drawn from, so that a commit moves only the deals it
    wrote (`board_moved_data`): the columns, when, under which settings, and the mark
    of the deals read (`PipelineService.rows_since`)."""

    columns: list[BoardColumn]
    day: dt.date
    settings: PipelineSettings
    mark: int


@dataclass(frozen=True)
class BoardData:
    stages: list[Stage]
    summary: PipelineSummary
    owners: list[str]  # everyone who owns a deal, whatever the filters
    deals: dict[int, DealRow]  # the cards' deals as read: what a move is made from
    whose: str | None = None  # the customer whose deals these are (None: everyone's)
    complete: bool = True  # False: the first cards only, and no owners yet (`board_start`)
    kept: KeptBoard | None = None  # the whole board's, when complete


@dataclass(frozen=True)
class BoardView:
    """Which deals the board shows: the filters, and open or closed ones."""

    owner: str | None = None
    text: str = ""
    customer_id: int | None = None  # one customer's deals only
    closed: bool = False


def board_data(crm: Crm, view: BoardView) -> BoardData:
    """What the screen shows, read in a worker: it looks at every deal and its customer."""
    owner, text, customer_id = view.owner, view.text, view.customer_id
    whole = view == BoardView()
    day, settings = crm.ctx.as_of(None), crm.ctx.settings.pipeline
    mark = crm.pipeline.rows_mark() if whole else 0
    every = crm.pipeline.rows(customer_id)
    deals = [d for d in every if owner is None or d.owner == owner]
    columns = crm.pipeline.board(owner=owner, customer_id=customer_id, closed=view.closed,
                                 deals=every)
    wanted = text.strip().casefold()
    # Named: the cards' customers, and with a filter every deal's (it matches their names).
    names = _names(crm, {d.customer_id for d in deals} if wanted else _customers_of(columns))

    def shown(deal: DealRow) -> bool:
        return (not wanted or wanted in str(deal.name or "").casefold()
                or wanted in names[deal.customer_id].casefold())

    stages = [_stage(column, names, [c for c in column.cards if shown(c.deal)], bool(wanted))
              for column in columns]
    # The domain's own summary, over the deals shown (closed ones count for the win rate).
    summary = pipeline_summary(crm.pipeline.facts(d for d in deals if shown(d)),
                               crm.ctx.settings.pipeline)
    owners = sorted({str(d.owner) for d in every if d.owner})
    whose = None if customer_id is None else display_name(
        crm.customers.get(customer_id, include_deleted=True))
    on_board = {card.deal_id for stage in stages for card in stage.cards}
    kept = KeptBoard(columns, day, settings, mark) if whole else None
    return BoardData(stages, summary, owners, {d.id: d for d in deals if d.id in on_board}, whose,
                     kept=kept)


def board_moved_data(crm: Crm, held: BoardData) -> BoardData | None:
    """The whole board `held` with the deals written since it was read put where they
    are now, the other deals not read again, under `held`'s header (the caller works
    out the new one: it takes longer than the cards); None when it must be read again
    (another day, other settings, a customer's commit, a deal deleted or of a new owner)."""
    kept = held.kept
    if (kept is None or crm.ctx.as_of(None) != kept.day
            or crm.ctx.settings.pipeline != kept.settings):
        return None
    since = crm.pipeline.rows_since(kept.mark)
    if since is None:
        return None
    changed, mark = since
    if any(d is None or (d.owner and d.owner not in held.owners) for d in changed.values()):
        return None
    columns = crm.pipeline.board_moved(kept.columns, changed, held.deals, kept.day)
    if columns is None or len(columns) != len(held.stages):
        return None
    names = _names(crm, {d.customer_id for d in changed.values() if d is not None})
    stages = [stage if new is old else _moved_stage(new, stage, changed, names)
              for new, old, stage in zip(columns, kept.columns, held.stages, strict=True)]
    deals = {i: d for i, d in held.deals.items() if i not in changed}
    deals.update((c.deal.id, c.deal) for column in columns for c in column.cards
                 if c.deal.id in changed)
    return replace(held, stages=stages, deals=deals,
                   kept=replace(kept, columns=columns, mark=mark))


def _moved_stage(column: BoardColumn, drawn: Stage, changed: dict[int, DealRow | None],
                 names: dict[int, str]) -> Stage:
    """`column` as the board draws it, the cards of deals not `changed` as `drawn` had them."""
    had = {card.deal_id: card for card in drawn.cards}
    cards = [_card(c, names[c.deal.customer_id]) if c.deal.id in changed else had[c.deal.id]
             for c in column.cards]
    return Stage(column.stage, column.probability, cards, column.count, column.total_cents)


def board_start_data(crm: Crm, cards: int) -> BoardData:
    """The whole board's first frame (`PipelineService.board_start`): each column's first
    `cards` cards and the header, before every deal is read."""
    start = crm.pipeline.board_start(cards=cards)
    names = _names(crm, _customers_of(start.columns))
    stages = [_stage(column, names, column.cards, False) for column in start.columns]
    deals = {c.deal.id: c.deal for column in start.columns for c in column.cards}
    return BoardData(stages, start.summary, [], deals, complete=False)


def _customers_of(columns: list[BoardColumn]) -> set[int]:
    return {c.deal.customer_id for column in columns for c in column.cards}


def _names(crm: Crm, customers: set[int]) -> dict[int, str]:
    names = crm.pipeline.customer_names(customers)
    return crm.customers.display_names(customers) if names is None else names


def _stage(column: BoardColumn, names: dict[int, str], cards: list[BoardCard],
           filtered: bool) -> Stage:
    """A column as the board draws it; `filtered`: `cards` are those a filter left (the
    column's count and value are theirs)."""
    drawn = [_card(card, names[card.deal.customer_id]) for card in cards]
    if filtered:
        return Stage(column.stage, column.probability, drawn, len(drawn),
                     sum(card.value_cents for card in drawn))
    return Stage(column.stage, column.probability, drawn, column.count, column.total_cents)


def _card(card: BoardCard, customer: str) -> Card:
    deal = card.deal
    return Card(deal.id, deal.customer_id, deal.name, customer, deal.value, card.days_in_stage,
                card.stale, deal.status != OPEN)


def summary_markup(s: PipelineSummary, whose: str | None = None) -> str:
    rate = "–" if s.win_rate is None else f"{s.win_rate:.0%}"
    about = "" if whose is None else f"[b]Deals of {escape(whose)}[/b]  "
    return (f"{about}[b]Open[/b] {display_money(s.total_cents)} ({s.open_count:,})  "
            f"[b]Weighted[/b] {display_money(s.weighted_cents)}  "
            f"[b]Best case[/b] {display_money(s.best_case_cents)}  "
            f"[b]Win rate[/b] {rate}  "
            f"[$success]won {s.won_count:,}[/]  [$error]lost {s.lost_count:,}[/]")


class PipelineScreen(CrmScreen):
    CSS_PATH = "pipeline.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "move(-1, 0)", "Column left", show=False, id="pipeline.left"),
        Binding("right,l", "move(1, 0)", "Column right", show=False, id="pipeline.right"),
        Binding("up,k", "move(0, -1)", "Card up", show=False, id="pipeline.up"),
        Binding("down,j", "move(0, 1)", "Card down", show=False, id="pipeline.down"),
        # The footer shows these in this order, as many as fit: the main actions first.
        # No key_display: the footer names a remapped key by itself (">" for
        # greater_than_sign), a fixed one would stay ">" after a remap.
        Binding("enter", "open", "Customer", id="pipeline.open"),
        Binding("n", "new", "New deal", id="pipeline.new"),
        Binding("e", "edit", "Edit", id="pipeline.edit"),
        Binding("greater_than_sign,shift+right", "advance", "Next stage", id="pipeline.next"),
        Binding("less_than_sign,shift+left", "retreat", "Stage back", id="pipeline.previous"),
        Binding("w", "close('won')", "Won", id="pipeline.won"),
        Binding("L", "close('lost')", "Lost", id="pipeline.lost"),
        Binding("c", "closed", "Won/lost", id="pipeline.closed"),
        Binding("d,delete", "delete", "Delete", show=False, id="pipeline.delete"),
        Binding("slash", "filter", "Filter", id="pipeline.filter"),
        Binding("o", "owner", "Owner", show=False, id="pipeline.owner"),
        Binding("escape", "back", "Board", show=False, id="pipeline.back"),
    ]

    def __init__(self, customer_id: int | None = None, *, deal_id: int | None = None,
                 closed: bool = False) -> None:
        """The whole board, or (`customer_id`) one customer's deals, with `deal_id`
        selected; `closed`: the won and lost deals."""
        super().__init__()
        self.view = BoardView(customer_id=customer_id, closed=closed)
        self._deal_id = deal_id
        self._owners: list[str] = []
        self._deals: dict[int, DealRow] = {}
        self._complete = False  # the whole board's every card shown once
        self._held: BoardData | None = None  # the whole board as last shown (`board_moved_data`)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the pipeline…", id="pipeline-summary")
        with Horizontal(id="pipeline-filters"):
            yield Input(placeholder=hinted(self, "{pipeline.filter} filter by customer or deal"),
                        id="deal-filter", compact=True)
            yield Select([], prompt="owner: all", id="owner", compact=True)
        yield PipelineBoard(id="board")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Pipeline"
        board = self.query_one(PipelineBoard)
        if self._deal_id is not None:
            board.follow(self._deal_id)
        board.focus()

    # ----- data --------------------------------------------------------------------------
    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="pipeline-board")
    def load(self, every_deal: bool = False) -> None:
        """The board's data. The first time the whole board is shown, its first screenful
        comes first (`board_start_data`); every deal is read once that is drawn, not
        meanwhile (the reading would hold up the drawing)."""
        worker = get_current_worker()
        first = not (every_deal or self._complete) and self.view == BoardView()
        held = self._held
        if first:
            # Cards a column can show at once: 2 lines and a gap each, at least.
            data = board_start_data(self.crm, self.app.size.height // 3 + 1)
        elif held is not None and not every_deal and self.view == BoardView():
            data = self._moved(held, worker)
        else:
            data = board_data(self.crm, self.view)
        if not worker.is_cancelled:
            self.post_message(BoardReady(data))

    def _moved(self, held: BoardData, worker: Worker[None]) -> BoardData:
        """The whole board after a commit: the moved cards drawn at once from `held`
        (`board_moved_data`), then under the header worked out again; or read afresh."""
        moved = board_moved_data(self.crm, held)
        if moved is None or moved.kept is None:
            return board_data(self.crm, self.view)
        if not worker.is_cancelled:
            self.post_message(BoardReady(moved))
        return replace(moved, summary=self.crm.pipeline.board_summary(moved.kept.day))

    def on_board_ready(self, message: BoardReady) -> None:
        data = message.board
        if not data.complete and (self._complete or self.view != BoardView()):
            return  # from a worker cancelled too late: the whole board, or another view, came
        self._complete = self._complete or data.complete
        self.query_one("#pipeline-summary", Static).update(summary_markup(data.summary,
                                                                          data.whose))
        self._deals = data.deals
        self._held = data if data.kept is not None else None
        # The first screenful drawn, every deal is read (not before: it would slow the frame).
        self.query_one(PipelineBoard).show(
            data.stages, None if data.complete else lambda: self.load(True))
        if data.complete and data.owners != self._owners:
            self._owners = data.owners
            select = self.query_one("#owner", Select)
            select.set_options([(name, name) for name in data.owners])  # clears the choice
            if self.view.owner in data.owners:
                select.value = self.view.owner

    def _change_view(self, **changes: Any) -> None:
        self.view = replace(self.view, **changes)
        self.load()

    @on(Input.Changed, "#deal-filter")
    def _text_changed(self, event: Input.Changed) -> None:
        self._change_view(text=event.value)

    @on(Input.Submitted, "#deal-filter")
    def _text_done(self) -> None:
        self.query_one(PipelineBoard).focus()

    @on(Select.Changed, "#owner")
    def _owner_changed(self, event: Select.Changed) -> None:
        owner = None if event.value is Select.NULL else str(event.value)
        if owner != self.view.owner:
            self._change_view(owner=owner)

    def action_closed(self) -> None:
        self._change_view(closed=not self.view.closed)

    def action_filter(self) -> None:
        self.query_one("#deal-filter", Input).focus()

    def action_owner(self) -> None:
        self.query_one("#owner", Select).focus()

    def action_back(self) -> None:
        board = self.query_one(PipelineBoard)
        if self.focused is not board:
            board.focus()
        elif self.view.text:
            self.query_one("#deal-filter", Input).value = ""
        elif self.view.customer_id is not None:  # opened over another screen: back to it
            self.app.pop_screen()

    # ----- the selected deal -------------------------------------------------------------
    def action_move(self, columns: int, cards: int) -> None:
        self.query_one(PipelineBoard).move(columns, cards)

    def _card(self) -> Card | None:
        card = self.query_one(PipelineBoard).current
        if card is None:
            self.notify("No deal selected", severity="warning", timeout=3)
        return card

    def action_advance(self) -> None:
        card, stage = self._card(), self.query_one(PipelineBoard).current_stage
        if card is None or stage is None:
            return
        settings = self.crm.ctx.settings.pipeline
        opens = open_stage_names(settings)
        if opens and stage.name == opens[-1]:
            self.action_close("won")  # the stage after the last open one closes the deal
            return
        target = next_stage(stage.name, settings)
        if target is None:
            self.notify("The deal is closed: < reopens it", severity="warning", timeout=3)
        else:
            self._move(card, target)

    def action_retreat(self) -> None:
        card, stage = self._card(), self.query_one(PipelineBoard).current_stage
        if card is None or stage is None:
            return
        target = previous_stage(stage.name, self.crm.ctx.settings.pipeline)
        if target is None:
            self.notify("The deal is at the first stage already", severity="warning",
                        timeout=3)
        else:
            self._move(card, target)

    def _move(self, card: Card, stage: str | None, done: str | None = None) -> bool:
        """Move the deal from where the board shows it; see the module's docstring."""
        if stage is None:
            return False
        pipeline = self.crm.pipeline

        def move(base: dict[str, Any] | None) -> object:
            return pipeline.move(card.deal_id, stage, base=base)

        guarded = Guarded(f"the deal {card.name!r}", move, about=("stage",),
                          since="the board showed it")
        shown = self._deals.get(card.deal_id)
        base = None if shown is None else shown.fields()
        return self.crm_app.run_change(lambda: move(base), done, guarded=guarded)

    def action_close(self, outcome: str) -> None:
        card = self._card()
        if card is None:
            return
        settings = self.crm.ctx.settings.pipeline
        stage = settings.won_stage if outcome == "won" else settings.lost_stage

        def answered(yes: bool | None) -> None:
            if yes:
                self._move(card, stage, f"{card.name}: {outcome}")

        self.app.push_screen(ConfirmScreen(
            f"Mark {card.name!r} ({card.customer}, {display_money(card.value_cents)}) "
            f"as {outcome}? It leaves the board ({hint(self, 'undo')} undoes it)."), answered)

    def action_delete(self) -> None:
        card = self._card()
        if card is not None:
            self.crm_app.confirm(f"Delete the deal {card.name!r} ({card.customer})?",
                                 lambda: self.crm.pipeline.delete(card.deal_id),
                                 f"Deleted {card.name}")

    def action_open(self) -> None:
        card = self._card()
        if card is not None:
            self.crm_app.open_customer(card.customer_id)

    def action_new(self) -> None:
        self.crm_app.open_form("opportunity")

    def action_edit(self) -> None:
        card = self._card()
        if card is None:
            return
        self.crm_app.open_form("opportunity", customer_id=card.customer_id,
                               record_id=card.deal_id)
