"""Orders: each completed purchase's customer and total, by day, for the figures a sum
cannot keep: the largest order, who bought in a period (retention), and each customer's
totals up to a past day. Kept beside the revenue (`revenue.Sales`), which reads each
purchase once for both.

Per day, two parallel arrays (customer id, cents): 16 bytes an order, so 400,000
purchases take about 6 MB, saved packed (a day unpacked when first read). Which purchases
count is `completed` (revenue's rule too); an anonymous purchase's customer is ANONYMOUS
(together, one buyer, as the retention rule has it).
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterator
from typing import Any

from crm_tui.domain.rules._records import is_deleted
from crm_tui.domain.rules.totals import PurchaseFacts, purchase_facts

from .packed import TYPECODE, pack, packed_length, unpack
from .tally import Doc

ANONYMOUS = -1


def completed(purchase: Doc | None) -> PurchaseFacts | None:
    """The facts of a purchase that counts (as revenue, an order, a buyer), else None:
    completed and not soft-deleted."""
    if purchase is None or is_deleted(purchase):
        return None
    facts = purchase_facts(purchase)
    return facts if facts.counts else None


Order = tuple[str, int, int]  # (ISO day, customer id, cents)
OrderDelta = list[tuple[Order, int]]  # (order, +1 or -1)


class DayOrders:
    """One day's orders: customer ids and cents, in parallel arrays. A saved day is kept
    packed until first read (most reads look at a few recent days), and saved again as it
    was when it was never unpacked (its text is sorted already)."""

    __slots__ = ("_cents", "_customers", "_packed")

    def __init__(self, customers: array[int] | None = None, cents: array[int] | None = None,
                 packed: tuple[str, str] | None = None) -> None:
        self._customers = array(TYPECODE) if customers is None else customers
        self._cents = array(TYPECODE) if cents is None else cents
        self._packed = packed

    @property
    def customers(self) -> array[int]:
        self._unpack()
        return self._customers

    @property
    def cents(self) -> array[int]:
        self._unpack()
        return self._cents

    def _unpack(self) -> None:
        if self._packed is not None:
            self._customers, self._cents = map(unpack, self._packed)
            self._packed = None

    def dumped(self) -> list[str]:
        if self._packed is not None:
            return list(self._packed)
        pairs = sorted(zip(self._customers, self._cents, strict=True))
        return [pack(array(TYPECODE, (c for c, _ in pairs))),
                pack(array(TYPECODE, (v for _, v in pairs)))]


Orders = dict[str, DayOrders]


def order_of(purchase: Doc, facts: PurchaseFacts) -> Order:
    """The order of a purchase that counts (`completed` gave its facts)."""
    who = purchase.get("customer_id")
    customer = who if isinstance(who, int) and not isinstance(who, bool) else ANONYMOUS
    return facts.date.isoformat(), customer, facts.total_cents


def moved(old: Order | None, new: Order | None) -> OrderDelta:
    """The delta of a purchase whose order went from `old` to `new` (None: none)."""
    if old == new:
        return []
    return [(o, sign) for o, sign in ((old, -1), (new, 1)) if o is not None]


def fold(state: Orders, delta: OrderDelta) -> Orders:
    for (iso, customer, cents), sign in delta:
        orders = state.get(iso)
        if sign > 0:
            if orders is None:
                orders = state[iso] = DayOrders()
            orders.customers.append(customer)
            orders.cents.append(cents)
            continue
        if orders is None:
            continue
        for i, (c, v) in enumerate(zip(orders.customers, orders.cents, strict=True)):
            if c == customer and v == cents:
                del orders.customers[i], orders.cents[i]
                break
        if not orders.customers:
            del state[iso]
    return state


def dump(state: Orders) -> dict[str, list[str]]:
    """Per day (in order) its customers and cents, packed (packed.py), the orders sorted:
    equal states, equal dumps, whatever the order of folding."""
    return {iso: state[iso].dumped() for iso in sorted(state)}


def load(data: Any) -> Orders:
    """The orders `dump` gave; ValueError (or TypeError) when `data` is not that."""
    state: Orders = {}
    for iso, (customers, cents) in data.items():
        if packed_length(customers) != packed_length(cents) or not isinstance(iso, str):
            raise ValueError("orders: a day's two arrays differ in length")
        state[iso] = DayOrders(packed=(customers, cents))
    return state


# ----- reading ----------------------------------------------------------------------------
def _days(state: Orders, start: dt.date | None, end: dt.date) -> Iterator[DayOrders]:
    low, high = start.isoformat() if start else "", end.isoformat()
    return (orders for iso, orders in state.items() if low <= iso <= high)


def largest(state: Orders, start: dt.date | None, end: dt.date) -> int | None:
    """The largest completed order in [start, end]; None without any."""
    return max((max(o.cents) for o in _days(state, start, end)), default=None)


def buyers(state: Orders, start: dt.date, end: dt.date) -> set[int]:
    """Who bought in [start, end] (ANONYMOUS for purchases without a customer)."""
    found: set[int] = set()
    for orders in _days(state, start, end):
        found.update(orders.customers)
    return found


def retention_rate(state: Orders, start: dt.date, end: dt.date) -> float | None:
    """Of the customers who bought in the period as long just before [start, end], the
    share who bought in it; None when nobody bought before."""
    length = (end - start).days + 1
    before = buyers(state, start - dt.timedelta(days=length), start - dt.timedelta(days=1))
    return len(before & buyers(state, start, end)) / len(before) if before else None


def totals_until(state: Orders, end: dt.date) -> dict[int, tuple[int, int]]:
    """(completed orders, cents) per customer, of orders dated up to `end`."""
    totals: dict[int, tuple[int, int]] = {}
    for orders in _days(state, None, end):
        for customer, cents in zip(orders.customers, orders.cents, strict=True):
            count, spent = totals.get(customer, (0, 0))
            totals[customer] = (count + 1, spent + cents)
    return totals
