"""Sales pipeline: stages, moving deals, forecast, best case, win rate, stale deals.

Deals are read from entity objects or stored dicts with the fields `stage`, `status`
(open|won|lost; inferred from the stage when absent), `value_cents` (or `value`, in cents),
`probability` (whole percent 0-100; the stage default when absent), `probability_manual`,
`expected_close_date`, `stage_changed_at` (falls back to `created_at`) and `closed_date`.
Money is integer cents; weighted sums are exact (sum of value x percent, divided by 100 and
rounded half-up to the cent only at the end). Win rate is a float in [0, 1].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules._records import as_date, cents_of, div_half_up, get, norm, reader
from crm_tui.domain.settings import PipelineSettings

OPEN, WON, LOST = "open", "won", "lost"
UNSCHEDULED = "unscheduled"  # forecast-by-month key for deals without an expected close date

_DEFAULT = PipelineSettings()


def stage_names(settings: PipelineSettings = _DEFAULT) -> tuple[str, ...]:
    return tuple(name for name, _ in settings.stages)


def open_stage_names(settings: PipelineSettings = _DEFAULT) -> tuple[str, ...]:
    closed = (settings.won_stage, settings.lost_stage)
    return tuple(name for name in stage_names(settings) if name not in closed)


@dataclass(frozen=True, slots=True)
class _Stage:
    name: str  # as the settings spell it
    status: str  # of a deal in it
    probability: int  # its default


@lru_cache(maxsize=8)
def _stages(settings: PipelineSettings) -> Mapping[str, _Stage]:
    """Each stage by its name in lower case: what a deal's stage is looked up in (every
    deal on the board is, several times)."""
    closed = {settings.won_stage: WON, settings.lost_stage: LOST}
    found: dict[str, _Stage] = {}
    for name, prob in settings.stages:  # the first of names equal but for case, as before
        found.setdefault(name.lower(), _Stage(name, closed.get(name, OPEN), prob))
    return found


def _stage(stage: object, settings: PipelineSettings) -> _Stage:
    """The stage named (case-insensitively); unknown stages are rejected."""
    found = _stages(settings).get(norm(stage))
    if found is None:
        raise ValidationError("stage", "must be one of " + ", ".join(stage_names(settings)))
    return found


def check_stage(stage: object, settings: PipelineSettings = _DEFAULT) -> str:
    """The canonical stage name (matched case-insensitively); unknown stages are rejected."""
    return _stage(stage, settings).name


def default_probability(stage: str, settings: PipelineSettings = _DEFAULT) -> int:
    return _stage(stage, settings).probability


def status_for_stage(stage: str, settings: PipelineSettings = _DEFAULT) -> str:
    return _stage(stage, settings).status


def next_stage(stage: str, settings: PipelineSettings = _DEFAULT) -> str | None:
    """The following open stage; after the last open stage comes the won stage; closed: None."""
    name = check_stage(stage, settings)
    opens = open_stage_names(settings)
    if name not in opens:
        return None
    i = opens.index(name)
    return opens[i + 1] if i + 1 < len(opens) else settings.won_stage


def previous_stage(stage: str, settings: PipelineSettings = _DEFAULT) -> str | None:
    """The preceding open stage; from a closed stage, the last open stage (reopening)."""
    name = check_stage(stage, settings)
    opens = open_stage_names(settings)
    if name not in opens:
        return opens[-1] if opens else None
    i = opens.index(name)
    return opens[i - 1] if i > 0 else None


def validate_probability(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValidationError("probability", "must be a whole number from 0 to 100")
    return value


@dataclass(frozen=True)
class StageMove:
    """The fields of a deal after a move, ready to merge into the stored document."""

    stage: str
    probability: int
    probability_manual: bool
    status: str
    stage_changed_at: dt.date
    closed_date: dt.date | None

    def to_dict(self) -> dict[str, Any]:
        closed = self.closed_date.isoformat() if self.closed_date else None
        return {
            "stage": self.stage, "probability": self.probability,
            "probability_manual": self.probability_manual, "status": self.status,
            "stage_changed_at": self.stage_changed_at.isoformat(), "closed_date": closed,
        }


def move_deal(
    deal: object,
    to_stage: str,
    as_of: dt.date,
    settings: PipelineSettings = _DEFAULT,
    probability: int | None = None,
) -> StageMove:
    """Move a deal to `to_stage` on `as_of`.

    The probability resets to the new stage's default unless it was set by hand
    (`probability_manual`) or `probability` is given now (which marks it manual).
    Closing (won/lost stage) sets status and closed date and pins the probability to the
    closed stage's value (100 / 0), clearing the manual flag: the outcome is known. Moving out
    of a closed stage reopens the deal (status open, no closed date, stage default).
    """
    stage = check_stage(to_stage, settings)
    status = status_for_stage(stage, settings)
    current = get(deal, "stage")
    old_prob = get(deal, "probability")
    manual = bool(get(deal, "probability_manual", default=False))
    if probability is not None:
        prob, manual = validate_probability(probability), True
    elif manual and isinstance(old_prob, int) and not isinstance(old_prob, bool):
        prob = old_prob
    else:
        prob, manual = default_probability(stage, settings), False
    if status != OPEN:
        prob, manual = default_probability(stage, settings), False
    same = current is not None and norm(current) == stage.lower()
    changed_at = as_of
    closed_date = None if status == OPEN else as_of
    if same:
        # Re-selecting the current stage is not a move: keep its clocks running.
        since = get(deal, "stage_changed_at", "created_at")
        changed_at = as_date(since, "stage_changed_at") or as_of
        if status != OPEN:
            closed_date = as_date(get(deal, "closed_date"), "closed_date") or as_of
    return StageMove(stage, prob, manual, status, changed_at, closed_date)


@dataclass(frozen=True, slots=True)
class DealFacts:
    stage: str
    status: str
    value_cents: int
    probability: int
    expected_close_date: dt.date | None
    stage_changed_at: dt.date | None


def deal_facts(deal: object, settings: PipelineSettings = _DEFAULT) -> DealFacts:
    if isinstance(deal, DealFacts):
        return deal
    # Each field read once, through one reader: the board works out every deal's facts.
    read = reader(deal)
    raw_stage = read("stage")
    raw_stage = "" if raw_stage is None else raw_stage
    known = _stages(settings).get(norm(raw_stage))
    if known is None:  # a stage since removed from settings: keep it visible
        stage, stage_status, stage_prob = str(raw_stage), OPEN, 0
    else:
        stage, stage_status, stage_prob = known.name, known.status, known.probability
    status = norm(read("status"))
    if status not in (OPEN, WON, LOST):
        status = stage_status
    prob = read("probability")
    prob = stage_prob if prob is None else validate_probability(prob)
    value = cents_of(deal, "value")
    if value < 0:
        raise ValidationError("value_cents", "cannot be negative")
    changed = read("stage_changed_at")
    return DealFacts(
        stage, status, value, prob,
        as_date(read("expected_close_date"), "expected_close_date"),
        as_date(read("created_at") if changed is None else changed, "stage_changed_at"),
    )


def _facts(deals: Iterable[object], settings: PipelineSettings) -> list[DealFacts]:
    return [deal_facts(d, settings) for d in deals]


def weighted_forecast_cents(deals: Iterable[object], settings: PipelineSettings = _DEFAULT) -> int:
    """sum(value x probability / 100) over open deals, exact, rounded half-up once."""
    facts = _facts(deals, settings)
    return div_half_up(sum(d.value_cents * d.probability for d in facts if d.status == OPEN), 100)


def weighted_forecast_by_month(
    deals: Iterable[object], settings: PipelineSettings = _DEFAULT
) -> dict[str, int]:
    """Weighted forecast per expected close month ("YYYY-MM"), chronological, then
    UNSCHEDULED. Each month is rounded on its own, so months may sum a cent off the total."""
    sums: dict[str, int] = {}
    for d in _facts(deals, settings):
        if d.status == OPEN:
            key = d.expected_close_date.strftime("%Y-%m") if d.expected_close_date else UNSCHEDULED
            sums[key] = sums.get(key, 0) + d.value_cents * d.probability
    keys = sorted(k for k in sums if k != UNSCHEDULED) + [k for k in sums if k == UNSCHEDULED]
    return {k: div_half_up(sums[k], 100) for k in keys}


def best_case_cents(deals: Iterable[object], settings: PipelineSettings = _DEFAULT) -> int:
    """Sum of open deal values whose probability is at least the best-case minimum (50)."""
    floor = settings.best_case_min_probability
    return sum(d.value_cents for d in _facts(deals, settings)
               if d.status == OPEN and d.probability >= floor)


def win_rate(deals: Iterable[object], settings: PipelineSettings = _DEFAULT) -> float | None:
    """won / (won + lost) as a float; None when no deal is closed."""
    statuses = [d.status for d in _facts(deals, settings)]
    won, lost = statuses.count(WON), statuses.count(LOST)
    return won / (won + lost) if won + lost else None


def is_stale(deal: object, as_of: dt.date, settings: PipelineSettings = _DEFAULT) -> bool:
    """An open deal idle more than `stale_days` in its stage as of a date."""
    d = deal_facts(deal, settings)
    if d.status != OPEN or d.stage_changed_at is None:
        return False
    return (as_of - d.stage_changed_at).days > settings.stale_days


def close_text(deal: object, settings: PipelineSettings = _DEFAULT) -> str:
    """When a deal closes, as lists show it: an open deal's expected close date
    ("close 2026-07-01", or "no close date"), a closed one the day it closed ("closed
    2026-06-15", or "closed" when that day was never recorded).
    A closed deal's expected close date was a forecast: it is kept as
    it was (reopening brings it back, exports show both) but no longer shown as its close."""
    facts = deal_facts(deal, settings)
    if facts.status == OPEN:
        expected = facts.expected_close_date
        return f"close {expected.isoformat()}" if expected else "no close date"
    closed = as_date(get(deal, "closed_date"), "closed_date")
    return f"closed {closed.isoformat()}" if closed else "closed"


def value_by_stage(
    deals: Iterable[object], settings: PipelineSettings = _DEFAULT
) -> dict[str, int]:
    """Total deal value per stage, every configured stage listed (in board order), then any
    stage no longer configured."""
    sums = dict.fromkeys(stage_names(settings), 0)
    for d in _facts(deals, settings):
        sums[d.stage] = sums.get(d.stage, 0) + d.value_cents
    return sums


@dataclass(frozen=True)
class PipelineSummary:
    total_cents: int
    weighted_cents: int
    best_case_cents: int
    open_count: int
    won_count: int
    lost_count: int
    win_rate: float | None


def pipeline_summary(
    deals: Iterable[object], settings: PipelineSettings = _DEFAULT
) -> PipelineSummary:
    """Open total, weighted forecast, best case, counts and win rate in one pass."""
    facts = _facts(deals, settings)
    opened = [d for d in facts if d.status == OPEN]
    won = sum(1 for d in facts if d.status == WON)
    lost = sum(1 for d in facts if d.status == LOST)
    return PipelineSummary(
        total_cents=sum(d.value_cents for d in opened),
        weighted_cents=weighted_forecast_cents(opened, settings),
        best_case_cents=best_case_cents(opened, settings),
        open_count=len(opened),
        won_count=won,
        lost_count=lost,
        win_rate=won / (won + lost) if won + lost else None,
    )
