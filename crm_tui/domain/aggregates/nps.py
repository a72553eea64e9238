"""NPS: feedback with a recommend score by customer, score, day and first day -> count;
promoters, passives and detractors over any days as of a day.

Like the pipeline, keys hold the customer so the feedback of soft-deleted customers is
left out when reading (as the feedback screen hides it); anonymous feedback always counts.
The bands (who is a promoter) are settings, applied when reading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Hashable

from crm_tui.domain.rules.feedback import NpsBreakdown, nps_breakdown, validate_recommend_score
from crm_tui.domain.settings import FeedbackSettings

from .tally import Delta, Doc, Tally, Vector, changes, day, since

NAME, VERSION, TABLES = "nps", 1, ("feedback",)


def _contributions(feedback: Doc | None) -> list[tuple[Hashable, Vector]]:
    if feedback is None or feedback.get("deleted_at"):
        return []
    score = validate_recommend_score(feedback.get("recommend_score"))
    dated = day(feedback, "date")
    if score is None or not dated:
        return []  # no answer, or in no period
    return [((feedback.get("customer_id"), score, dated, since(feedback)), (1,))]


def reduce(table: str, doc_id: int, before: Doc | None, after: Doc | None) -> Delta:
    return changes(_contributions(before), _contributions(after))


def new_state() -> Tally:
    return {}


def breakdown(state: Tally, hidden: Collection[object], start: dt.date | None, end: dt.date,
              settings: FeedbackSettings) -> NpsBreakdown:
    """The NPS of feedback dated in [start, end] and entered by `end`, but that of
    `hidden` customers."""
    low, high = start.isoformat() if start else "", end.isoformat()
    scores: list[int] = []
    for key, (count,) in state.items():
        assert isinstance(key, tuple)
        customer, score, dated, first = key
        if low <= dated <= high and first <= high and customer not in hidden:
            scores += [score] * count
    return nps_breakdown(scores, settings)
