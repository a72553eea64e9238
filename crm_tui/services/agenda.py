"""The due / overdue / upcoming agenda of dated records (interaction follow-ups, tasks),
read through a date index (written to disk by compaction) so only the records dated up
to the horizon are read; and how many are due and overdue, counted from the index alone
(`due_counts`, the dashboard's figure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from crm_tui.domain.rules.analytics import follow_ups, is_pending
from crm_tui.store import StoreTable
from crm_tui.store.text_key import text_key

from .records import Record, with_id

UPCOMING_DAYS = 7  # how far ahead "upcoming" looks unless asked otherwise
# The date indexes' keys (`open_day`): 2 since they leave out what `is_pending` refuses.
INDEX_VERSION = 2
ASSIGNEE = "assignee"  # the name of the index by whose a record to do is (`whose_key`)


@dataclass(frozen=True)
class Agenda:
    """What needs doing as of a date: due that day, overdue (oldest first), upcoming
    (within the horizon, soonest first)."""

    as_of: dt.date
    due: list[Record]
    overdue: list[Record]
    upcoming: list[Record]


def day_key(value: object) -> int | None:
    """A date index's key: the day of an ISO date as a whole number (its ordinal), so the
    index is written to disk and read by range; None (not indexed) for no valid date."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value).toordinal()
    except ValueError:
        return None


def open_day(doc: Mapping[str, Any], date_field: str) -> int | None:
    """A date index's key: the `day_key` of a record still to do (`is_pending`, the rule
    the agenda lists by), None for the others, so the index holds exactly what the agenda
    may list and `due_counts` counts from it alone."""
    return day_key(doc.get(date_field)) if is_pending(doc) else None


def whose_key(date_key: Callable[[Mapping[str, Any]], int | None], field: str
              ) -> Callable[[Mapping[str, Any]], int | None]:
    """An assignee index's key: the `text_key` of whose a record is (its `field`), for
    the records its date index holds (`date_key`: those still to do), None for the
    others; so a person's own agenda is found by key, no record read, and the index holds
    no name."""
    def key(doc: Mapping[str, Any]) -> int | None:
        who = doc.get(field)
        return text_key(who) if isinstance(who, str) and date_key(doc) is not None else None

    return key


@dataclass(frozen=True)
class DueCounts:
    due: int
    overdue: int

    def __add__(self, other: DueCounts) -> DueCounts:
        return DueCounts(self.due + other.due, self.overdue + other.overdue)


def due_counts(table: StoreTable, index: str, as_of: dt.date,
               hidden_customers: Collection[int]) -> DueCounts:
    """How many records `agenda_of` (everyone's, `days=0`) lists as due and overdue, from
    the index's keys without reading a record (`pending_keys`)."""
    today = as_of.toordinal()
    keys = [key for key, _ in pending_keys(table, index, as_of, 0, hidden_customers)]
    due = keys.count(today)
    return DueCounts(due, len(keys) - due)


def pending_keys(table: StoreTable, index: str, as_of: dt.date, days: int | None,
                 hidden_customers: Collection[int]) -> list[tuple[int, int]]:
    """(day key, id) of the records `agenda_of` lists up to `days` after `as_of` (None:
    all), from the index's keys without reading a record: the index holds the records
    still to do by day, and those of the hidden (soft-deleted) customers are found by the
    customer index and left out, as the agenda's lists leave them out."""
    horizon = None if days is None else as_of.toordinal() + days
    hidden = {i for c in hidden_customers for i in table.find_ids("customer", c)}
    return [(key, doc_id) for key, doc_id in table.keys_between(index, None, horizon)
            if doc_id not in hidden]


def agenda_of(table: StoreTable, index: str, date_field: str, as_of: dt.date,
              days: int | None, keep: Callable[[list[Record]], list[Record]]) -> Agenda:
    """The agenda from `index`, which maps each *open* record to its `day_key` (None once
    done), so only the records dated up to the horizon are read, never the whole table;
    `keep` filters them (all at once: it reads their customers together)."""
    today = as_of.toordinal()
    horizon = None if days is None else today + days
    dated = table.find_between(index, None, horizon)
    day_of = {doc.doc_id: key for key, doc in dated}
    kept = [(day_of[r["id"]], r) for r in keep([with_id(doc) for _, doc in dated])]
    # The domain rule decides due vs overdue (and skips anything marked done).
    split = follow_ups([r for key, r in kept if key <= today], as_of, date_field)
    upcoming = [r for key, r in kept if key > today]
    return Agenda(as_of, split.due, split.overdue, upcoming)
