"""The sales pipeline: deals (opportunities) moving through stages, the board and forecast.

Stage rules (default probabilities, resets on a move, closing and reopening, staleness,
forecast) are the domain's (`rules.pipeline`) under the pipeline settings; this module
only stores their results. A probability typed by hand is kept across moves until it is
cleared (`update(id, {"probability": None})`) or the deal closes.

Lists of deals (the board, its forecast header, the palette) hold a `DealRow` per deal,
never the documents: the fields the pipeline rules read, the card's, and everything a
move writes, so a move from the board is checked against what the board showed without
keeping the whole deal (16,500 open deals at 100,000 customers).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any, NamedTuple, TypeVar

from crm_tui.domain.aggregates import customers as kept_customers
from crm_tui.domain.aggregates import pipeline as kept_figures
from crm_tui.domain.aggregates.derivation import Aggregates
from crm_tui.domain.entities.common import is_blank
from crm_tui.domain.entities.opportunity import validate_opportunity
from crm_tui.domain.rules.pipeline import (
    OPEN,
    DealFacts,
    PipelineSummary,
    deal_facts,
    is_stale,
    move_deal,
    open_stage_names,
    pipeline_summary,
    value_by_stage,
    weighted_forecast_by_month,
)
from crm_tui.domain.settings import PipelineSettings

from . import customer_records, tables
from .base import CustomerRecords
from .changes import Changes
from .context import ServiceContext
from .kept_rows import KeptRows, interned_row, known_live
from .records import Record, with_id

TABLE = tables.OPPORTUNITIES


class DealRow(NamedTuple):
    """One deal as lists sort, draw, filter, sum and move it. Read by field name like the
    document it comes from (`row["stage"]`, `row.get("owner")`), so the pipeline rules
    and the edit conflict check take it as they take a document: it holds every field
    a move writes (`StageMove`), which is all a move's check compares, and the import
    batch the check names. A tuple: the board's first read makes one for every deal."""

    id: int
    customer_id: int
    name: str
    value: int
    stage: str
    status: str
    owner: str | None
    probability: int | None
    probability_manual: bool
    expected_close_date: str | None
    stage_changed_at: str | None
    closed_date: str | None
    created_at: str | None
    import_batch: str | None

    @classmethod
    def of(cls, deal_id: int, doc: Mapping[str, Any]) -> DealRow:
        return interned_row(cls._make, deal_id, doc, DOC_FIELDS)

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default)

    def __getitem__(self, name: str) -> Any:  # type: ignore[override]  # by name, as a document
        return getattr(self, name)

    def fields(self) -> dict[str, Any]:
        """The row as a document's fields (a move's base)."""
        return self._asdict()


DEAL_FIELDS = DealRow._fields
DOC_FIELDS = DEAL_FIELDS[1:]  # those read from the document (its id is apart)


Deal = TypeVar("Deal", Record, DealRow)


class BoardCard(NamedTuple):  # one per open deal
    deal: DealRow
    days_in_stage: int
    stale: bool


@dataclass(frozen=True)
class BoardColumn:
    stage: str
    probability: int  # the stage's default
    cards: list[BoardCard]  # board order (`board_start`: the first ones only)
    count: int  # of the stage's deals
    total_cents: int


def _column(stage: str, probability: int, cards: list[BoardCard]) -> BoardColumn:
    """A column of all its cards: their count and value."""
    return BoardColumn(stage, probability, cards, len(cards),
                       sum(card.deal.value for card in cards))


@dataclass(frozen=True)
class BoardStart:
    """The whole board's open columns as its first frame shows them (`board_start`)."""

    columns: list[BoardColumn]
    summary: PipelineSummary


@dataclass(frozen=True)
class PipelineReport(PipelineSummary):
    """What `PipelineService.summary` returns: the domain's summary (totals, counts, win
    rate), extended rather than copied so the two cannot drift, plus the forecast by month
    and the value by stage."""

    forecast_by_month: dict[str, int]  # "YYYY-MM" (then "unscheduled") -> weighted cents
    value_by_stage: dict[str, int]


class PipelineService(CustomerRecords):
    table_name = TABLE
    entity = "opportunity"

    def __init__(self, ctx: ServiceContext, changes: Changes,
                 records: customer_records.CustomerRecords | None = None) -> None:
        """`records`: the session's customer records, read instead of the customers'
        documents for names and liveness once they are here (the customers screen, which
        a session opens on, builds them)."""
        super().__init__(ctx, changes)
        self._session_records = records
        # Per deal id, its row and that row's facts under `_facts_settings` (see `facts`).
        self._known_facts: dict[int, tuple[DealRow, DealFacts]] = {}
        self._facts_settings: PipelineSettings | None = None

    # ----- reading -----------------------------------------------------------------------
    def customer_names(self, ids: Iterable[int]) -> dict[int, str] | None:
        """Each of these customers' display names ("" for no such customer) from the
        session's customer records, no customer read; None when the records are not
        here yet."""
        known = self._known_customers()
        if known is None:
            return None
        return {i: r.name if (r := known.get(i)) else "" for i in ids}

    def _known_customers(self) -> Mapping[int, customer_records.CustomerRecord] | None:
        """The session's customer records as they are now, when they are here."""
        records = self._session_records
        if records is None or not records.ready:
            return None
        known = records.snapshot()
        return known if known or records.ready else None

    def for_customer(self, customer_id: int) -> list[Record]:
        """The customer's deals, newest first, whole (the 360 view shows every field)."""
        documents = [with_id(d) for d in self._customer_documents(customer_id)]
        return self._chosen(documents, owner=None, open_only=False)

    def deals(self, *, owner: str | None = None, customer_id: int | None = None,
              open_only: bool = True) -> list[DealRow]:
        """Deals (open ones by default), newest first, of live customers unless one is
        asked, a row each (no document is held)."""
        return self._chosen(self.rows(customer_id), owner=owner, open_only=open_only)

    def rows(self, customer_id: int | None = None) -> list[DealRow]:
        """Every deal of the customer, or (None) of every live customer, in no set order
        (`deals` sorts them)."""
        if customer_id is not None:
            return [DealRow.of(d.doc_id, d) for d in self._customer_documents(customer_id)]
        return self._rows.shown()

    def rows_mark(self) -> int:
        """Taken before `rows()` of every live customer: what `rows_since` takes."""
        return self._rows.mark()

    def rows_since(self, mark: int) -> tuple[dict[int, DealRow | None], int] | None:
        """The deals written since `mark` (None: deleted, or their customer's hidden; some
        maybe already read) and a new mark; None when more may have changed (read every
        deal again)."""
        return self._rows.since(mark)

    @cached_property
    def _rows(self) -> KeptRows[DealRow]:
        """Every deal's row, read once, then kept from the commits."""
        return KeptRows(self.ctx.db, TABLE, DealRow.of, attrgetter("customer_id"),
                        live=known_live(self._session_records))

    @staticmethod
    def _chosen(records: list[Deal], *, owner: str | None, open_only: bool) -> list[Deal]:
        chosen = [d for d in records if (not open_only or d.get("status") == OPEN)
                  and (owner is None or d.get("owner") == owner)]
        return sorted(chosen, key=lambda d: (d.get("created_at") or "", d["id"]), reverse=True)

    def facts(self, deals: Iterable[DealRow]) -> list[DealFacts]:
        """What the pipeline rules read of each deal (stage, status, value, probability,
        dates) under the current settings, worked out once per row: a commit that
        changes a deal brings a new row, a change of settings new facts for all."""
        settings = self.ctx.settings.pipeline
        if settings != self._facts_settings:  # read again after any other session's commit
            self._known_facts, self._facts_settings = {}, settings
        known, found = self._known_facts, []
        for deal in deals:
            kept = known.get(deal.id)
            if kept is None or kept[0] is not deal:
                kept = known[deal.id] = (deal, deal_facts(deal, settings))
            found.append(kept[1])
        return found

    def board(self, as_of: dt.date | None = None, *, owner: str | None = None,
              customer_id: int | None = None, closed: bool = False,
              deals: list[DealRow] | None = None) -> list[BoardColumn]:
        """Open deals by stage (board order, biggest first), with days in stage and stale
        flag; `closed`: the won and lost deals instead, latest closed first. `deals`: what
        `rows(customer_id)` just returned (not read again)."""
        day, settings = self.ctx.as_of(as_of), self.ctx.settings.pipeline
        names = (settings.won_stage, settings.lost_stage) if closed else open_stage_names(settings)
        columns: dict[str, list[BoardCard]] = {name: [] for name in names}
        every = deals if deals is not None else self.rows(customer_id)
        if owner is not None:
            every = [d for d in every if d.owner == owner]
        # Sorted here by the board's own order (ids break ties): the order given is not kept.
        if closed:
            chosen = [d for d in every if d.status != OPEN]
            chosen.sort(key=lambda d: (str(d.closed_date or ""), d.id), reverse=True)
        else:
            chosen = sorted((d for d in every if d.status == OPEN),
                            key=lambda d: (-d.value, d.id))
        for stage, card in self._cards(chosen, day, settings):
            # A stage since removed from the settings still gets a column, after the others.
            columns.setdefault(stage, []).append(card)
        defaults = dict(settings.stages)
        return [_column(stage, defaults.get(stage, 0), cards) for stage, cards in columns.items()]

    def board_moved(self, columns: list[BoardColumn], changed: Mapping[int, DealRow | None],
                    was: Mapping[int, DealRow], as_of: dt.date | None = None,
                    ) -> list[BoardColumn] | None:
        """The whole board of open deals (`board()`'s columns, those of day `as_of`) with
        these deals (`rows_since`; `was`: each as those columns hold it) put where `board`
        puts them now (one already there stays), the other deals not looked at; a column
        the change leaves alone is the same object. None when it cannot be told without
        `board` (a stage no column has)."""
        day, settings = self.ctx.as_of(as_of), self.ctx.settings.pipeline
        index = {column.stage: n for n, column in enumerate(columns)}
        cards = {column.stage: column.cards for column in columns}
        changed_stages: set[str] = set()

        def key(card: BoardCard) -> tuple[int, int]:
            return -card.deal.value, card.deal.id  # `board`'s order

        for deal_id in changed:
            old = was.get(deal_id)
            if old is None or old.status != OPEN:
                continue
            stage = self.facts([old])[0].stage
            held = cards.get(stage, [])
            at = bisect.bisect_left(held, (-old.value, old.id), key=key)
            if at < len(held) and held[at].deal.id == deal_id:
                cards[stage] = held = held if stage in changed_stages else list(held)
                del held[at]
                changed_stages.add(stage)
        now = [d for d in changed.values() if d is not None and d.status == OPEN]
        for stage, card in self._cards(now, day, settings):
            if stage not in index:
                return None
            held = cards[stage] if stage in changed_stages else list(cards[stage])
            bisect.insort(held, card, key=key)
            cards[stage] = held
            changed_stages.add(stage)
        return [column if column.stage not in changed_stages
                else _column(column.stage, column.probability, cards[column.stage])
                for column in columns]

    def board_start(self, as_of: dt.date | None = None, *, cards: int) -> BoardStart:
        """The whole board of open deals as `board` and the header's summary give it, from
        the figures the store keeps (the dashboard's: each deal's stage, value and days,
        and which customers are soft-deleted or gone) instead of every deal: each column's
        count and value, and only its first `cards` cards (the deals read), so a screenful
        is drawn before every deal is."""
        day, settings = self.ctx.as_of(as_of), self.ctx.settings.pipeline
        figures = self._figures(day, settings, cards)
        wanted = [i for stage in figures.open_by_stage.values() for i in stage.biggest]
        found = {d.doc_id: DealRow.of(d.doc_id, d) for d in self.table.get(doc_ids=wanted)}
        drawn = {stage: [card for _, card in self._cards(
            [found[i] for i in deals.biggest if i in found], day, settings)]  # none deleted since
            for stage, deals in figures.open_by_stage.items()}
        names = list(open_stage_names(settings))
        # A stage since removed from the settings: after the others, in the order `board`
        # meets them (by their biggest deal).
        names += sorted((stage for stage in drawn if stage not in names),
                        key=lambda stage: [(-c.deal.value, c.deal.id) for c in drawn[stage][:1]])
        defaults, empty = dict(settings.stages), kept_figures.StageDeals(0, 0, [])
        columns = [BoardColumn(name, defaults.get(name, 0), drawn.get(name, []),
                               (deals := figures.open_by_stage.get(name, empty)).count,
                               deals.total_cents) for name in names]
        return BoardStart(columns, figures.summary)

    def board_summary(self, as_of: dt.date | None = None) -> PipelineSummary:
        """The header's summary of every deal (`board_start`'s), from the figures kept."""
        return self._figures(self.ctx.as_of(as_of), self.ctx.settings.pipeline, 0).summary

    def _figures(self, day: dt.date, settings: PipelineSettings,
                 biggest: int) -> kept_figures.PipelineTotals:
        """The dashboard's pipeline figures over every day, with each stage's `biggest`
        open deals' ids."""
        def read(aggregates: Aggregates) -> kept_figures.PipelineTotals:
            state = aggregates.pipeline
            hidden = aggregates.columns.hidden(kept_figures.customers(state))
            return kept_figures.totals(state, hidden, day, settings, every_day=True,
                                       biggest=biggest)

        return self.ctx.db.derived((kept_figures.NAME, kept_customers.NAME),
                                   lambda states: read(Aggregates(states)))

    def _cards(self, deals: list[DealRow], day: dt.date,
               settings: PipelineSettings) -> Iterator[tuple[str, BoardCard]]:
        """Each deal's stage and card: its days in that stage and whether it is stale."""
        for deal, facts in zip(deals, self.facts(deals), strict=True):
            since = facts.stage_changed_at
            days = max((day - since).days, 0) if since else 0
            yield facts.stage, BoardCard(deal, days, is_stale(facts, day, settings))

    def summary(self, *, owner: str | None = None,
                customer_id: int | None = None) -> PipelineReport:
        """Open total, weighted forecast (also by expected close month), best case, counts,
        win rate and value by stage over every deal (closed ones count for the win rate)."""
        settings = self.ctx.settings.pipeline
        deals = self.facts(self.deals(owner=owner, customer_id=customer_id, open_only=False))
        base = pipeline_summary(deals, settings)
        return PipelineReport(**dataclasses.asdict(base),
                              forecast_by_month=weighted_forecast_by_month(deals, settings),
                              value_by_stage=value_by_stage(deals, settings))

    # ----- writing -----------------------------------------------------------------------
    def create(self, data: Mapping[str, Any]) -> int:
        """A new deal (stage Prospecting unless given); the probability is the stage default
        unless one is given, which makes it hand-set. Owner defaults to whoever is working."""
        with self.changes.change("New deal"):
            values = self._validated_new(validate_opportunity, data)
            values["owner"] = values.get("owner") or self.ctx.staff
            given = None if is_blank(data.get("probability")) else values["probability"]
            values = self._settled(values, manual=False, given=given)
            return self._insert_new(values)

    def update(self, opportunity_id: int, changes: Mapping[str, Any], *,
               base: Mapping[str, Any] | None = None) -> Record:
        """Edit a deal. A new stage is a move; a probability given is hand-set, a blank one
        goes back to the stage default. Status, dates and the manual flag follow the stage.
        `base` as for `TaskService.update`."""
        with self.changes.change("Edit deal"):
            current, edit = self._validated_edit(validate_opportunity, opportunity_id, changes)
            cleared = "probability" in changes and is_blank(changes["probability"])
            typed = "probability" in changes and not cleared
            deal = self._settled({**current, **edit},
                                 manual=bool(current.get("probability_manual")) and not cleared,
                                 given=edit["probability"] if typed else None)
            self._save(current, deal, base)
        return self.get(opportunity_id)

    def move(self, opportunity_id: int, stage: str, *, probability: int | None = None,
             base: Mapping[str, Any] | None = None) -> Record:
        """Move to a stage today: probability back to the stage default unless hand-set (or
        given now); closing sets status and closed date, reopening clears them. With `base`
        (the deal as the board showed it), a deal someone else moved or closed since is
        not moved: EditConflict says who, when and where it is now."""
        with self.changes.change("Move deal"):
            current = self._fetch(opportunity_id)
            moved = move_deal(current, stage, self.ctx.clock.today(), self.ctx.settings.pipeline,
                              probability)
            self._save(current, moved.to_dict(), base)
        return self.get(opportunity_id)

    def delete(self, opportunity_id: int) -> None:
        self._remove("Delete deal", opportunity_id)

    def _settled(self, deal: Record, *, manual: bool, given: int | None) -> Record:
        """The deal with its probability decided by the pipeline rules and settings:
        the hand-set one (`given` now, or kept when `manual`), else the stage default."""
        # Same-stage "move": keeps the deal's clocks, settles only the probability.
        moved = move_deal({**deal, "probability_manual": manual}, deal["stage"],
                          self.ctx.clock.today(), self.ctx.settings.pipeline, given)
        return {**deal, "probability": moved.probability,
                "probability_manual": moved.probability_manual}
