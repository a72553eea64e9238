"""Customer purchase totals (lifetime value, order count, first/last order, average order).

Only purchases with status "completed" count; a zero-amount purchase is a valid order and
several orders on one day are several orders. Totals are denormalised on the customer, so
besides `compute_totals` (from scratch) there are `add_purchase` and `remove_purchase`, which
update a totals record from the one purchase that changed (an edit is a removal of the old
purchase and an addition of the new one).

To keep first/last order dates exact when an order is removed, the record carries
`order_days`, a count of completed orders per day. Updates never read other purchases; their
cost depends only on this customer's number of distinct order days, never on the database size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules._records import as_date, cents_of, div_half_up, get, norm

COMPLETED = "completed"


@dataclass(frozen=True)
class PurchaseFacts:
    """The three facts of a purchase that totals, loyalty and analytics depend on."""

    date: dt.date
    total_cents: int
    status: str = COMPLETED

    @property
    def counts(self) -> bool:
        return self.status == COMPLETED


def purchase_facts(purchase: object) -> PurchaseFacts:
    """Read a purchase given as `PurchaseFacts`, an entity object or a stored dict.

    Fields: `date` (date or ISO string), `total_cents` (or `total`, in cents), `status`.
    """
    if isinstance(purchase, PurchaseFacts):
        return purchase
    day = as_date(get(purchase, "date"), "date")
    if day is None:
        raise ValidationError("date", "is required")
    total = cents_of(purchase, "total", default=None)
    if total < 0:
        raise ValidationError("total_cents", "cannot be negative")
    return PurchaseFacts(day, total, norm(get(purchase, "status", default="")))


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class CustomerTotals:
    order_count: int = 0
    total_spent_cents: int = 0
    first_order_date: dt.date | None = None
    last_order_date: dt.date | None = None
    order_days: Mapping[dt.date, int] = field(default_factory=dict)

    @property
    def average_order_cents(self) -> int | None:
        """Mean completed order value, rounded half-up to the cent; None without orders."""
        if self.order_count == 0:
            return None
        return div_half_up(self.total_spent_cents, self.order_count)

    @property
    def has_order_days(self) -> bool:
        """False for a record stored without its day histogram (imported, or older data)."""
        return self.order_count == 0 or bool(self.order_days)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe fields under the customer document's names (`total_spent` is cents)."""
        return {
            "order_count": self.order_count,
            "total_spent": self.total_spent_cents,
            "first_order_date": _iso(self.first_order_date),
            "last_order_date": _iso(self.last_order_date),
            "order_days": {d.isoformat(): n for d, n in sorted(self.order_days.items())},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> CustomerTotals:
        """Read totals from `to_dict` output or straight from a customer document.

        With `order_days`, the count and first/last dates are derived from it (and the stored
        count must agree); without it they are taken as stored.
        """
        if not data:
            return cls()
        spent = cents_of(data, "total_spent", default=0)
        count = data.get("order_count") or 0
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValidationError("order_count", "must be a whole number, 0 or more")
        raw = data.get("order_days")
        if raw is None:
            first = as_date(data.get("first_order_date"), "first_order_date")
            last = as_date(data.get("last_order_date"), "last_order_date")
            return cls(count, spent, first, last, {}) if count else cls(0, spent)
        if not isinstance(raw, Mapping):
            raise ValidationError("order_days", "must be an object of date -> count")
        days: dict[dt.date, int] = {}
        for key, n in raw.items():
            day = as_date(key, "order_days")
            if isinstance(n, bool) or not isinstance(n, int) or n < 1 or day is None:
                raise ValidationError("order_days", f"bad count for {key}")
            days[day] = days.get(day, 0) + n
        if "order_count" in data and count != sum(days.values()):
            raise ValidationError("order_count", "does not match order_days")
        if not days:
            return cls(0, spent)
        return cls(sum(days.values()), spent, min(days), max(days), days)


EMPTY_TOTALS = CustomerTotals()


def compute_totals(purchases: Iterable[object]) -> CustomerTotals:
    """Totals from scratch over all of one customer's purchases."""
    days: dict[dt.date, int] = {}
    spent = 0
    for raw in purchases:
        p = purchase_facts(raw)
        if p.counts:
            days[p.date] = days.get(p.date, 0) + 1
            spent += p.total_cents
    if not days:
        return EMPTY_TOTALS
    return CustomerTotals(sum(days.values()), spent, min(days), max(days), days)


def add_purchase(totals: CustomerTotals, purchase: object) -> CustomerTotals:
    """Totals after one purchase is recorded (no change unless it is completed)."""
    p = purchase_facts(purchase)
    if not p.counts:
        return totals
    days = dict(totals.order_days)
    if totals.has_order_days:
        days[p.date] = days.get(p.date, 0) + 1
    first, last = totals.first_order_date, totals.last_order_date
    return CustomerTotals(
        order_count=totals.order_count + 1,
        total_spent_cents=totals.total_spent_cents + p.total_cents,
        first_order_date=p.date if first is None or p.date < first else first,
        last_order_date=p.date if last is None or p.date > last else last,
        order_days=days,
    )


@dataclass(slots=True)
class NewOrders:
    """Purchases to add to a stored customer's totals, gathered one at a time and applied
    once: `stored_after` gives the fields `add_purchase` after `add_purchase` would leave
    on the customer document (which keeps no `order_days`), worked out on its stored
    values. An import settles a customer for about every purchase row; parsing dates and
    rebuilding `CustomerTotals` per purchase was most of that cost."""

    count: int = 0
    spent_cents: int = 0
    first: str | None = None  # ISO days ("YYYY-MM-DD") order as the dates do
    last: str | None = None

    def add(self, day: str, total_cents: int, status: str) -> None:
        """One purchase, as stored (checked: an ISO day, cents 0 or more)."""
        if norm(status) != COMPLETED:
            return
        self.count += 1
        self.spent_cents += total_cents
        if self.first is None or day < self.first:
            self.first = day
        if self.last is None or day > self.last:
            self.last = day

    def stored_after(self, customer: Mapping[str, Any]) -> dict[str, Any]:
        """The totals fields of a stored customer document with these purchases added."""
        if not self.count:
            return {}
        count = customer.get("order_count") or 0
        first, last = self.first, self.last
        if count:  # as from_dict reads them: dates count only with orders
            stored_first, stored_last = (customer.get("first_order_date"),
                                         customer.get("last_order_date"))
            first = stored_first if stored_first is not None and stored_first < first else first
            last = stored_last if stored_last is not None and stored_last > last else last
        return {"order_count": count + self.count,
                "total_spent": (customer.get("total_spent") or 0) + self.spent_cents,
                "first_order_date": first, "last_order_date": last}


def remove_purchase(totals: CustomerTotals, purchase: object) -> CustomerTotals:
    """Totals after one purchase (as it was stored) is deleted or stops counting.

    Raises `ValidationError` when the purchase cannot be part of these totals (the record is
    out of step with the purchases), or when a record without `order_days` loses its first or
    last order: rebuild it with `compute_totals` then.
    """
    p = purchase_facts(purchase)
    if not p.counts:
        return totals
    first, last = totals.first_order_date, totals.last_order_date
    if totals.order_count < 1 or (first and p.date < first) or (last and p.date > last):
        raise ValidationError("purchase", f"no completed order on {p.date} in these totals")
    if totals.order_count == 1:
        return EMPTY_TOTALS
    days = dict(totals.order_days)
    if not totals.has_order_days:
        # Without the histogram only a removal strictly inside the range is exact.
        if p.date in (first, last):
            raise ValidationError("purchase", "totals lack order_days: recompute them")
    elif days.get(p.date, 0) < 1:
        raise ValidationError("purchase", f"no completed order on {p.date} in these totals")
    else:
        days[p.date] -= 1
        if days[p.date] == 0:
            del days[p.date]
            # Only emptying the first (or last) day moves that boundary.
            first = min(days) if p.date == first else first
            last = max(days) if p.date == last else last
    return CustomerTotals(
        order_count=totals.order_count - 1,
        total_spent_cents=totals.total_spent_cents - p.total_cents,
        first_order_date=first,
        last_order_date=last,
        order_days=days,
    )
