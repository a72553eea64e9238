"""Unresolved feedback: by customer and day -> count, of feedback not resolved; how many
are open up to a day, but those of hidden (soft-deleted) customers, as the feedback
inbox hides them. Anonymous feedback always counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Hashable

from .tally import Delta, Doc, Tally, Vector, changes, day

NAME, VERSION, TABLES = "unresolved", 1, ("feedback",)


def _contributions(feedback: Doc | None) -> list[tuple[Hashable, Vector]]:
    if feedback is None or feedback.get("deleted_at") or feedback.get("resolved"):
        return []
    return [((feedback.get("customer_id"), day(feedback, "date")), (1,))]


def reduce(table: str, doc_id: int, before: Doc | None, after: Doc | None) -> Delta:
    return changes(_contributions(before), _contributions(after))


def new_state() -> Tally:
    return {}


def count(state: Tally, hidden: Collection[object], end: dt.date) -> int:
    """Unresolved feedback dated up to `end`, but that of `hidden` customers."""
    high = end.isoformat()
    total = 0
    for key, (n,) in state.items():
        assert isinstance(key, tuple)
        customer, dated = key
        if dated <= high and customer not in hidden:
            total += n
    return total
