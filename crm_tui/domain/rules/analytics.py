"""Dashboard and report aggregations over plain records (entity objects or stored dicts).

Money results are integer cents (averages rounded half-up to the cent); rates are floats in
[0, 1], None when their denominator is empty. Soft-deleted records (`deleted_at` set) are left
out, and only completed purchases count, as everywhere else. Record fields read:
customers `status`, `customer_type`, LTV (see `customer_ltv_cents`); purchases `customer_id`,
`product_id` / `item`, `date`, `total_cents`, `status`; interactions `channel`, `date`,
`follow_up_date`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from crm_tui.domain.dates import add_months
from crm_tui.domain.entities.order_lines import line_shares
from crm_tui.domain.rules._records import as_date, cents_of, div_half_up, get, is_deleted, norm
from crm_tui.domain.rules.totals import purchase_facts

DONE_STATUSES = frozenset({"done", "completed", "cancelled", "canceled"})


def customer_ltv_cents(customer: object) -> int:
    """Lifetime value: the denormalised `total_spent_cents`, flat or under `totals`."""
    totals = get(customer, "totals")
    if isinstance(totals, Mapping) and "total_spent_cents" in totals:
        return cents_of(totals, "total_spent")
    return cents_of(customer, "total_spent", default=0)


def _live(records: Iterable[Any]) -> list[Any]:
    return [r for r in records if not is_deleted(r)]


def _completed(purchases: Iterable[Any]) -> list[tuple[Any, Any]]:
    pairs = [(p, purchase_facts(p)) for p in _live(purchases)]
    return [(p, f) for p, f in pairs if f.counts]


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


def customer_summary(
    customers: Iterable[object], ltv: Callable[[Any], int] = customer_ltv_cents
) -> CustomerSummary:
    """Counts by type and status (most common first; blank shown as "") and LTV totals."""
    live = _live(customers)
    statuses = [norm(get(c, "status")) for c in live]
    total_ltv = sum(ltv(c) for c in live)
    return CustomerSummary(
        total=len(live),
        active=statuses.count("active"),
        by_type=_count(str(get(c, "customer_type", default="")).strip() for c in live),
        by_status=_count(statuses),
        total_ltv_cents=total_ltv,
        average_ltv_cents=div_half_up(total_ltv, len(live)) if live else None,
    )


@dataclass(frozen=True)
class SalesSummary:
    transactions: int
    revenue_cents: int
    average_cents: int | None
    largest_cents: int | None
    revenue_by_day: dict[str, int]
    revenue_by_month: dict[str, int]


def sales_summary(
    purchases: Iterable[object], start: dt.date | None = None, end: dt.date | None = None
) -> SalesSummary:
    """Completed purchases dated within [start, end] (either bound optional)."""
    facts = [f for _, f in _completed(purchases) if _in_range(f.date, start, end)]
    by_day: dict[str, int] = {}
    by_month: dict[str, int] = {}
    for f in sorted(facts, key=lambda f: f.date):
        by_day[f.date.isoformat()] = by_day.get(f.date.isoformat(), 0) + f.total_cents
        month = f.date.strftime("%Y-%m")
        by_month[month] = by_month.get(month, 0) + f.total_cents
    revenue = sum(f.total_cents for f in facts)
    return SalesSummary(
        transactions=len(facts),
        revenue_cents=revenue,
        average_cents=div_half_up(revenue, len(facts)) if facts else None,
        largest_cents=max((f.total_cents for f in facts), default=None),
        revenue_by_day=by_day,
        revenue_by_month=by_month,
    )


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


def top_customers(
    customers: Iterable[object], limit: int = 10, ltv: Callable[[Any], int] = customer_ltv_cents
) -> list[tuple[Any, int]]:
    """(customer, LTV cents) by LTV, highest first; ties keep the input order."""
    ranked = [(c, ltv(c)) for c in _live(customers)]
    ranked.sort(key=lambda pair: -pair[1])
    return ranked[: max(limit, 0)]


@dataclass(frozen=True)
class ProductRevenue:
    product_id: Any
    name: str
    transactions: int
    quantity: int
    revenue_cents: int


def revenue_by_product(
    purchases: Iterable[object], product_names: Mapping[Any, str] | None = None
) -> list[ProductRevenue]:
    """Revenue per catalogue product (by `product_id`) or per free-text item, highest first.
    An order of several lines counts for each of its products, with its share of the
    order's total (`line_shares`): the products' revenue adds up to the orders'."""
    names = product_names or {}
    groups: dict[tuple[Any, str], list[int]] = {}
    for p, f in _completed(purchases):
        lines = (line_shares(p) if isinstance(p, Mapping) and p.get("lines")
                 else [(p, f.total_cents)])
        for line, revenue in lines:
            pid = get(line, "product_id", "product")
            item = str(get(line, "item", default="")).strip()
            key = (pid, "") if pid is not None else (None, item)
            qty = get(line, "quantity", default=1)
            row = groups.setdefault(key, [0, 0, 0])
            row[0] += 1
            row[1] += qty if isinstance(qty, int) and not isinstance(qty, bool) else 1
            row[2] += revenue
    rows = []
    for (pid, item), (count, qty, revenue) in groups.items():
        name = names.get(pid) if pid is not None else item
        rows.append(ProductRevenue(pid, name or str(pid if pid is not None else ""), count, qty,
                                   revenue))
    rows.sort(key=lambda r: (-r.revenue_cents, r.name))
    return rows


def interactions_by_channel(
    interactions: Iterable[object], start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, int]:
    """Interaction count per channel (most first) dated within [start, end], bounds optional."""
    chosen = [
        i for i in _live(interactions)
        if _in_range(as_date(get(i, "date", "occurred_at", "created_at"), "date"), start, end)
    ]
    return _count(norm(get(i, "channel")) for i in chosen)


def order_counts_by_customer(purchases: Iterable[object]) -> dict[Any, int]:
    """Completed orders per customer id (`customer_id`)."""
    counts: dict[Any, int] = {}
    for p, _ in _completed(purchases):
        key = get(p, "customer_id", "customer")
        counts[key] = counts.get(key, 0) + 1
    return counts


def repeat_purchase_rate(order_counts: Iterable[int]) -> float | None:
    """Customers with 2+ orders / customers with 1+ (pass the denormalised order counts)."""
    counts = [c for c in order_counts if c >= 1]
    return sum(1 for c in counts if c >= 2) / len(counts) if counts else None


def retention_rate(
    purchases: Iterable[object],
    start: dt.date,
    end: dt.date,
    previous_start: dt.date | None = None,
    previous_end: dt.date | None = None,
) -> float | None:
    """Of the customers who bought in the previous period, the share who bought in [start, end].

    The previous period defaults to the same number of days just before `start`; pass it
    explicitly for calendar months of different lengths. None when nobody bought before.
    """
    length = (end - start).days + 1
    prev_end = previous_end or start - dt.timedelta(days=1)
    prev_start = previous_start or start - dt.timedelta(days=length)
    before: set[Any] = set()
    during: set[Any] = set()
    for p, f in _completed(purchases):
        who = get(p, "customer_id", "customer")
        if prev_start <= f.date <= prev_end:
            before.add(who)
        if start <= f.date <= end:
            during.add(who)
    return len(before & during) / len(before) if before else None


@dataclass(frozen=True)
class FollowUps:
    due: list[Any]
    overdue: list[Any]


def follow_ups(
    records: Iterable[object], as_of: dt.date, date_field: str = "follow_up_date"
) -> FollowUps:
    """Follow-ups due on `as_of` and overdue (earlier), oldest first.

    Records marked done (`follow_up_done` true, or a done/completed/cancelled status, as on
    tasks) are left out; pass `date_field="due_date"` for tasks.
    """
    due: list[tuple[dt.date, Any]] = []
    overdue: list[tuple[dt.date, Any]] = []
    for r in _live(records):
        day = as_date(get(r, date_field), date_field)
        done = get(r, "follow_up_done") is True or norm(get(r, "status")) in DONE_STATUSES
        if day is None or done:
            continue
        if day == as_of:
            due.append((day, r))
        elif day < as_of:
            overdue.append((day, r))
    overdue.sort(key=lambda pair: pair[0])
    return FollowUps([r for _, r in due], [r for _, r in overdue])
