"""The due / overdue / upcoming agenda of dated records (interaction follow-ups, tasks),
read through a date index so only the days up to the horizon are looked at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from crm_tui.domain.rules.analytics import follow_ups
from crm_tui.store import StoreTable

from .records import Record, with_id

UPCOMING_DAYS = 7  # how far ahead "upcoming" looks unless asked otherwise


@dataclass(frozen=True)
class Agenda:
    """What needs doing as of a date: due that day, overdue (oldest first), upcoming
    (within the horizon, soonest first)."""

    as_of: dt.date
    due: list[Record]
    overdue: list[Record]
    upcoming: list[Record]


def agenda_of(table: StoreTable, index: str, date_field: str, as_of: dt.date,
              days: int | None, keep: Callable[[Record], bool]) -> Agenda:
    """The agenda from `index`, which maps each *open* record to its ISO date (None once
    done), so only the dates up to the horizon are read, never the whole table."""
    today = as_of.isoformat()
    horizon = None if days is None else (as_of + dt.timedelta(days=days)).isoformat()
    keys = sorted(k for k in table.index_keys(index) if isinstance(k, str))

    def records(days_wanted: Iterable[str]) -> list[Record]:
        return [r for key in days_wanted for r in map(with_id, table.find(index, key))
                if keep(r)]

    # The domain rule decides due vs overdue (and skips anything marked done).
    split = follow_ups(records(k for k in keys if k <= today), as_of, date_field)
    upcoming = records(k for k in keys if k > today and (horizon is None or k <= horizon))
    return Agenda(as_of, split.due, split.overdue, upcoming)
