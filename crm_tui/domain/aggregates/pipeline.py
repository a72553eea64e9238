"""Pipeline: deals by customer, first day, stage, status and probability, and for the
deals not closed for good the day their stage last changed, their expected close month and
their id (open deals are listed when stale, and the biggest of each stage head the
board) -> (count, value cents); the pipeline's figures as of a day, or over every deal
(the board's).

Keys hold the stored stage, status and probability, not what they mean: the stages'
default probabilities and which stages close a deal are settings, applied when reading
(`deal_facts`), so a change of settings needs no rebuild. Keys hold the customer too:
the deals of soft-deleted customers are left out when reading (as the pipeline screen
hides them), and a customer's delete or restore then moves no key.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Collection, Hashable
from dataclasses import dataclass, field

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules._records import as_date, cents_of, div_half_up, get, norm
from crm_tui.domain.rules.pipeline import (
    LOST,
    OPEN,
    UNSCHEDULED,
    WON,
    DealFacts,
    PipelineSummary,
    deal_facts,
    stage_names,
)
from crm_tui.domain.settings import PipelineSettings

from .tally import Delta, Doc, Tally, Vector, changes, since

NAME, VERSION, TABLES = "pipeline", 1, ("opportunities",)


@dataclass(frozen=True)
class PipelineTotals:
    summary: PipelineSummary
    value_by_stage: dict[str, int]  # every configured stage, in board order, then others
    forecast_by_month: dict[str, int]  # "YYYY-MM" (then UNSCHEDULED) -> weighted cents
    stale_ids: list[int]  # open deals idle in their stage more than the settings' days
    # Per stage holding open deals: what the board heads its column with, and the ids of
    # its `biggest` deals when asked for.
    open_by_stage: dict[str, StageDeals] = field(default_factory=dict)


@dataclass(frozen=True)
class StageDeals:
    count: int
    total_cents: int
    biggest: list[int]  # board order: value down, then id

def _contributions(deal_id: int, deal: Doc | None) -> list[tuple[Hashable, Vector]]:
    if deal is None or deal.get("deleted_at"):
        return []
    status = norm(get(deal, "status"))
    changed = closes = who = None
    if status not in (WON, LOST):  # may be open: it can go stale and is forecast
        when = as_date(get(deal, "stage_changed_at", "created_at"), "stage_changed_at")
        changed = when.isoformat() if when else None
        close = as_date(get(deal, "expected_close_date"), "expected_close_date")
        closes = close.strftime("%Y-%m") if close else UNSCHEDULED
        who = deal_id  # stale deals are listed by id
    value = cents_of(deal, "value")
    if value < 0:
        raise ValidationError("value_cents", "cannot be negative")
    key = (deal.get("customer_id"), since(deal), get(deal, "stage", default=""), status,
           get(deal, "probability"), changed, closes, who)
    return [(key, (1, value))]


def reduce(table: str, doc_id: int, before: Doc | None, after: Doc | None) -> Delta:
    return changes(_contributions(doc_id, before), _contributions(doc_id, after))


def new_state() -> Tally:
    return {}


def customers(state: Tally) -> set[int]:
    """Whose deals these are (a deal of no customer is nobody's)."""
    return {key[0] for key in state if isinstance(key, tuple) and key[0] is not None}


def totals(state: Tally, hidden: Collection[object], as_of: dt.date,
           settings: PipelineSettings, *, every_day: bool = False,
           biggest: int = 0) -> PipelineTotals:
    """The figures of the deals that existed on `as_of` (`every_day`: of every deal, as
    the board shows them), but those of `hidden` customers; `biggest`: the ids of that
    many of each stage's biggest open deals too."""
    day = as_of.isoformat()
    stale_iso = (as_of - dt.timedelta(days=settings.stale_days)).isoformat()
    facts: dict[tuple[object, str, object], DealFacts] = {}
    opened = weighted = best = open_count = won = lost = 0
    by_stage = dict.fromkeys(stage_names(settings), 0)
    by_month: dict[str, int] = {}
    stale: list[int] = []
    open_stages: dict[str, list[tuple[int, int]]] = {}  # stage -> (value, id) of its deals
    for key, (count, value) in state.items():
        assert isinstance(key, tuple)
        customer, first, stage, status, probability, changed, closes, deal_id = key
        if (first > day and not every_day) or customer in hidden:
            continue
        what = facts.get((stage, status, probability))
        if what is None:
            what = facts[(stage, status, probability)] = deal_facts(
                {"stage": stage, "status": status, "probability": probability}, settings)
        by_stage[what.stage] = by_stage.get(what.stage, 0) + value
        if what.status == OPEN:
            opened += value
            weighted += value * what.probability
            by_month[closes] = by_month.get(closes, 0) + value * what.probability
            best += value if what.probability >= settings.best_case_min_probability else 0
            open_count += count
            if changed is not None and changed < stale_iso:
                stale.append(deal_id)
            open_stages.setdefault(what.stage, []).append((value, deal_id))
        elif what.status == WON:
            won += count
        elif what.status == LOST:
            lost += count
    summary = PipelineSummary(
        total_cents=opened, weighted_cents=div_half_up(weighted, 100), best_case_cents=best,
        open_count=open_count, won_count=won, lost_count=lost,
        win_rate=won / (won + lost) if won + lost else None)
    months = sorted(m for m in by_month if m != UNSCHEDULED)
    months += [m for m in by_month if m == UNSCHEDULED]
    forecast = {m: div_half_up(by_month[m], 100) for m in months}
    return PipelineTotals(summary, by_stage, forecast, sorted(stale),
                          _open_by_stage(open_stages, biggest))


def _open_by_stage(open_stages: dict[str, list[tuple[int, int]]],
                   biggest: int) -> dict[str, StageDeals]:
    return {stage: StageDeals(len(deals), sum(value for value, _ in deals), [
        deal_id for _, deal_id in heapq.nsmallest(biggest, deals, key=lambda d: (-d[0], d[1]))])
        for stage, deals in open_stages.items()}
