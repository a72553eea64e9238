"""Dashboard and report figures' shapes and the rules over plain records (entity objects
or stored dicts) that are not kept as aggregates (crm_tui/domain/aggregates keeps the
customer, sales, product and retention figures).

Money results are integer cents; rates are floats in [0, 1], None when their denominator
is empty. Soft-deleted records (`deleted_at` set) are left out. Record fields read:
interactions `channel`, `date`, `follow_up_date`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from crm_tui.domain.dates import add_months
from crm_tui.domain.rules._records import as_date, get, is_deleted, norm

DONE_STATUSES = frozenset({"done", "completed", "cancelled", "canceled"})


def _live(records: Iterable[Any]) -> list[Any]:
    return [r for r in records if not is_deleted(r)]


def _in_range(day: dt.date | None, start: dt.date | None, end: dt.date | None) -> bool:
    if day is None:
        return start is None and end is None
    return (start is None or day >= start) and (end is None or day <= end)


@dataclass(frozen=True)
class CustomerSummary:
    total: int
    active: int
    by_type: dict[str, int]
    by_status: dict[str, int]
    total_ltv_cents: int
    average_ltv_cents: int | None


def _count(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True)
class SalesSummary:
    transactions: int
    revenue_cents: int
    average_cents: int | None
    largest_cents: int | None
    revenue_by_day: dict[str, int]
    revenue_by_month: dict[str, int]


@dataclass(frozen=True)
class MonthToDate:
    """This month's revenue so far beside that of the same days of last month: the 1st to
    the same day of the month, clamped to last month's length (Mar 1-31 against Feb 1-28).
    Comparing with last month's whole would call every month's first days a fall."""

    start: dt.date
    end: dt.date
    previous_start: dt.date
    previous_end: dt.date
    revenue_cents: int
    previous_cents: int


def month_to_date_days(as_of: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(start, end, previous start, previous end) of the month-to-date comparison."""
    previous_end = add_months(as_of, -1)
    return as_of.replace(day=1), as_of, previous_end.replace(day=1), previous_end


def month_to_date(revenue_by_day: Mapping[str, int], as_of: dt.date) -> MonthToDate:
    """The comparison from revenue per ISO day (as `sales_summary` gives it; days missing
    count as nothing), so a caller holding a year of days scans no purchase again."""
    start, end, previous_start, previous_end = month_to_date_days(as_of)

    def total(first: dt.date, last: dt.date) -> int:
        low, high = first.isoformat(), last.isoformat()
        return sum(cents for day, cents in revenue_by_day.items() if low <= day <= high)

    return MonthToDate(start, end, previous_start, previous_end, total(start, end),
                       total(previous_start, previous_end))


@dataclass(frozen=True)
class ProductRevenue:
    product_id: Any
    name: str
    transactions: int
    quantity: int
    revenue_cents: int


def interactions_by_channel(
    interactions: Iterable[object], start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, int]:
    """Interaction count per channel (most first) dated within [start, end], bounds optional."""
    chosen = [
        i for i in _live(interactions)
        if _in_range(as_date(get(i, "date", "occurred_at", "created_at"), "date"), start, end)
    ]
    return _count(norm(get(i, "channel")) for i in chosen)


@dataclass(frozen=True)
class FollowUps:
    due: list[Any]
    overdue: list[Any]


def is_pending(record: object) -> bool:
    """Whether a follow-up or task is still to do: not soft-deleted, and not marked done
    (`follow_up_done` true, or a done/completed/cancelled status, as on tasks)."""
    done = get(record, "follow_up_done") is True or norm(get(record, "status")) in DONE_STATUSES
    return not done and not is_deleted(record)


def follow_ups(
    records: Iterable[object], as_of: dt.date, date_field: str = "follow_up_date"
) -> FollowUps:
    """Follow-ups due on `as_of` and overdue (earlier), oldest first, of the records still
    to do (`is_pending`); pass `date_field="due_date"` for tasks.
    """
    due: list[tuple[dt.date, Any]] = []
    overdue: list[tuple[dt.date, Any]] = []
    for r in filter(is_pending, records):
        day = as_date(get(r, date_field), date_field)
        if day is None:
            continue
        if day == as_of:
            due.append((day, r))
        elif day < as_of:
            overdue.append((day, r))
    overdue.sort(key=lambda pair: pair[0])
    return FollowUps([r for _, r in due], [r for _, r in overdue])
