"""Customers: counts by first day, status, type and deleted flag, with their lifetime
value, buyers and repeat buyers (`counts`); and each customer's few numbers the ranking
and past days need (`columns`, arrays by id, saved packed: a session loads a few arrays,
not an object per customer): one state, `People`, so each customer is read once for both.
The customer figures as of a day are read from both; the top customers by LTV are the
highest spenders of the arrays, no heap over every customer's totals.

Lifetime value and order counts are the totals denormalised on each customer. As of a
day before some live customer's last order they are recomputed from the orders up to
that day instead (`orders.totals_until`): `counts` tells which case applies from two
histograms, live customers by first day and by the day they were "settled" (counted and
done buying as of it: the later of their first day and last order).
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
from array import array
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from crm_tui.domain.rules._records import div_half_up, get, is_deleted, norm
from crm_tui.domain.rules.analytics import CustomerSummary

from .orders import Orders, totals_until
from .packed import TYPECODE, pack, unpack
from .tally import Delta, Doc, Tally, Vector, changes, day, dumped, loaded, since
from .tally import fold as fold_tally

NAME, VERSION, TABLES = "people", 2, ("customers",)
GROUP, SETTLED = "group", "settled"  # the two kinds of key of `counts`


class Columns(NamedTuple):
    """What ranking customers and figures of past days need of one customer."""

    since: str  # first day it counts (tally.since)
    deleted: bool
    order_count: int
    total_spent: int  # cents


def columns_of(customer: Doc) -> Columns:
    return Columns(since(customer), is_deleted(customer), customer.get("order_count") or 0,
                   customer.get("total_spent") or 0)


# ----- counts ----------------------------------------------------------------------------
def _contributions(customer: Doc | None, c: Columns | None) -> list[tuple[Hashable, Vector]]:
    if customer is None or c is None:
        return []
    group = (GROUP, c.since, norm(get(customer, "status")),
             str(get(customer, "customer_type", default="")).strip(), c.deleted)
    buyer, repeat = int(c.order_count > 0), int(c.order_count >= 2)
    row: list[tuple[Hashable, Vector]] = [(group, (1, c.total_spent, buyer, repeat))]
    if not c.deleted:
        row.append(((SETTLED, max(c.since, day(customer, "last_order_date"))), (1,)))
    return row


# ----- columns ---------------------------------------------------------------------------
@dataclass
class ColumnState:
    """Each customer's columns in parallel arrays sorted by id (a change finds its
    customer by bisection; ranking keeps the lower id first), saved packed (packed.py) so
    that a session loads a few arrays, not an object per customer. `since` holds a code
    into `days`."""

    ids: array[int] = field(default_factory=lambda: array(TYPECODE))
    since: array[int] = field(default_factory=lambda: array(TYPECODE))
    orders: array[int] = field(default_factory=lambda: array(TYPECODE))
    spent: array[int] = field(default_factory=lambda: array(TYPECODE))
    days: list[str] = field(default_factory=list)
    deleted: set[int] = field(default_factory=set)  # soft-deleted customers' ids
    _codes: dict[str, int] = field(default_factory=dict)

    def hidden(self, customers: Iterable[int]) -> set[int]:
        """Those of `customers` soft-deleted or gone: whose records lists leave out."""
        ids, deleted = self.ids, self.deleted
        return {c for c in customers if c in deleted
                or (at := bisect.bisect_left(ids, c)) == len(ids) or ids[at] != c}

    def code(self, day: str) -> int:
        found = self._codes.get(day)
        if found is None:
            found = self._codes[day] = len(self.days)
            self.days.append(day)
        return found


ColumnDelta = list[tuple[int, Columns | None]]


def _fold_columns(state: ColumnState, delta: ColumnDelta) -> None:
    ids = state.ids
    for doc_id, row in delta:
        at = bisect.bisect_left(ids, doc_id)
        there = at < len(ids) and ids[at] == doc_id
        if row is None:
            if there:
                del ids[at], state.since[at], state.orders[at], state.spent[at]
            state.deleted.discard(doc_id)
            continue
        values = (state.code(row.since), row.order_count, row.total_spent)
        if there:
            state.since[at], state.orders[at], state.spent[at] = values
        else:
            ids.insert(at, doc_id)
            for column, value in zip((state.since, state.orders, state.spent), values,
                                     strict=True):
                column.insert(at, value)
        if row.deleted:
            state.deleted.add(doc_id)
        else:
            state.deleted.discard(doc_id)


def _dump_columns(state: ColumnState) -> dict[str, Any]:
    """The columns with the days used, sorted and coded in that order: equal states,
    equal dumps, whatever the order of folding."""
    days = sorted({state.days[c] for c in set(state.since)})
    recode = {state.code(day): new for new, day in enumerate(days)}
    since = array(TYPECODE, map(recode.__getitem__, state.since))
    return {"days": days, "ids": pack(state.ids), "since": pack(since),
            "orders": pack(state.orders), "spent": pack(state.spent),
            "deleted": sorted(state.deleted)}


def _load_columns(data: Any) -> ColumnState:
    days = [str(day) for day in data["days"]]
    ids, since, orders, spent = (unpack(data[name]) for name in ("ids", "since", "orders",
                                                                  "spent"))
    if not len(ids) == len(since) == len(orders) == len(spent):
        raise ValueError("people: columns of different lengths")
    if since and not 0 <= min(since) <= max(since) < len(days):
        raise ValueError("people: a day code out of range")
    deleted = {int(i) for i in data["deleted"]}
    return ColumnState(ids, since, orders, spent, days, deleted,
                       {day: code for code, day in enumerate(days)})


# ----- the derivation: both, each customer read once ---------------------------------------
@dataclass
class People:
    counts: Tally = field(default_factory=dict)
    columns: ColumnState = field(default_factory=ColumnState)


PeopleDelta = tuple[Delta, ColumnDelta]


def reduce(table: str, doc_id: int, before: Doc | None, after: Doc | None) -> PeopleDelta:
    old = None if before is None else columns_of(before)
    new = None if after is None else columns_of(after)
    counts = changes(_contributions(before, old), _contributions(after, new))
    return counts, [] if before is not None and old == new else [(doc_id, new)]


def fold(state: People, delta: PeopleDelta) -> People:
    counts, columns = delta
    fold_tally(state.counts, counts)
    _fold_columns(state.columns, columns)
    return state


def dump(state: People) -> dict[str, Any]:
    return {"counts": dumped(state.counts), "columns": _dump_columns(state.columns)}


def load(data: Any) -> People:
    """The state `dump` gave (its file's checksums vouch for the values)."""
    return People(loaded(data["counts"]), _load_columns(data["columns"]))


# ----- reading ----------------------------------------------------------------------------
def _ranked(pairs: dict[str, int]) -> dict[str, int]:
    return dict(sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True)
class CustomerFigures:
    """The customer figures as of a day."""

    summary: CustomerSummary
    buyers: int  # live customers with an order
    repeat_rate: float | None  # customers with 2+ orders over those with 1+
    top: list[tuple[int, int, int]]  # (customer id, LTV cents, orders), best first


def _settled(state: Tally, iso: str) -> bool:
    """Whether every live customer counted as of `iso` had bought last by then."""
    counted = settled = 0
    for key, row in state.items():
        assert isinstance(key, tuple)
        if key[0] == GROUP and not key[4] and key[1] <= iso:
            counted += row[0]
        elif key[0] == SETTLED and key[1] <= iso:
            settled += row[0]
    return counted == settled


def _best(columns: ColumnState, top: int,
          keep: Callable[[int], bool]) -> list[tuple[int, int, int]]:
    """(id, LTV, orders) of the `top` customers `keep` takes (by position), highest LTV
    first, ties lowest id first: from the highest spenders of all, more of them when too
    few of those are kept."""
    columns_count, wanted = len(columns.ids), top
    while True:
        # nlargest keeps the earlier of equal values first (sorted(reverse=True) does), and
        # positions follow ids
        ranked = heapq.nlargest(wanted, range(columns_count), key=columns.spent.__getitem__)
        kept = [j for j in ranked if keep(j)][:top]
        if len(kept) == top or wanted >= columns_count:
            return [(columns.ids[j], columns.spent[j], columns.orders[j]) for j in kept]
        wanted *= 4


def figures(state: Tally, columns: ColumnState, orders: Orders, as_of: dt.date,
            top: int) -> CustomerFigures:
    """Counts by status and type, LTV, buyers and repeat rate of the customers live as
    of `as_of`, and the `top` of them with orders by LTV (ties: lowest id first)."""
    iso = as_of.isoformat()
    total = active = ltv = buyers = repeat = 0
    by_type: dict[str, int] = {}
    by_status: dict[str, int] = {}
    for key, row in state.items():
        assert isinstance(key, tuple)
        if key[0] != GROUP or key[4] or key[1] > iso:
            continue
        n, spent, bought, again = row
        _, _, status, kind, _ = key
        total, ltv, buyers, repeat = total + n, ltv + spent, buyers + bought, repeat + again
        active += n if status == "active" else 0
        by_status[status] = by_status.get(status, 0) + n
        by_type[kind] = by_type.get(kind, 0) + n
    counts_then = [day <= iso for day in columns.days]  # by since code

    def live(j: int) -> bool:
        return counts_then[columns.since[j]] and columns.ids[j] not in columns.deleted

    if _settled(state, iso):
        best = _best(columns, top, lambda j: columns.orders[j] > 0 and live(j))
    else:  # some live customer bought after as_of: their totals then, from the orders
        orders_then = totals_until(orders, as_of)
        totals = {i: orders_then[i] for j, i in enumerate(columns.ids)
                  if i in orders_then and live(j)}
        ltv = sum(spent for _, spent in totals.values())
        buyers = len(totals)
        repeat = sum(1 for count, _ in totals.values() if count >= 2)
        ranked = heapq.nsmallest(top, totals.items(), key=lambda kv: (-kv[1][1], kv[0]))
        best = [(i, spent, count) for i, (count, spent) in ranked]
    summary = CustomerSummary(
        total=total, active=active, by_type=_ranked(by_type), by_status=_ranked(by_status),
        total_ltv_cents=ltv, average_ltv_cents=div_half_up(ltv, total) if total else None)
    return CustomerFigures(summary, buyers, repeat / buyers if buyers else None, best)
