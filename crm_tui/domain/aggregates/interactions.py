"""Interactions by channel and day: every interaction not soft-deleted, dated by its
`date` (else `occurred_at`, else `created_at`); a deleted customer's count too (they
happened). Channels are compared case- and space-insensitively."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable

from crm_tui.domain.rules._records import is_deleted, norm

from .tally import Delta, Doc, Tally, Vector, changes, day

NAME, VERSION, TABLES = "interactions", 1, ("interactions",)
WHEN = ("date", "occurred_at", "created_at")  # the first of these stored dates it has


def _contributions(interaction: Doc | None) -> list[tuple[Hashable, Vector]]:
    if interaction is None or is_deleted(interaction):
        return []
    when = next(filter(None, (day(interaction, f) for f in WHEN)), None)
    if when is None:
        return []  # undated: in no period
    return [((norm(interaction.get("channel")), when), (1,))]


def reduce(table: str, doc_id: int, before: Doc | None, after: Doc | None) -> Delta:
    return changes(_contributions(before), _contributions(after))


def new_state() -> Tally:
    return {}


def by_channel(state: Tally, start: dt.date | None, end: dt.date) -> dict[str, int]:
    """Interactions per channel dated in [start, end], most first (ties by name)."""
    low, high = start.isoformat() if start else "", end.isoformat()
    counts: dict[str, int] = {}
    for key, (count,) in state.items():
        assert isinstance(key, tuple)
        channel, iso = key
        if low <= iso <= high:
            counts[channel] = counts.get(channel, 0) + count
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
