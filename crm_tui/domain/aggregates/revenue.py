"""Revenue: completed purchases by day (cents, count) and by product or item and day
(orders, quantity, cents), and their orders (`orders`): one state, `Sales`, so each
purchase is read once for both; the sales figures and revenue by product over any days.

Only completed purchases that are not soft-deleted count (`orders.completed`), by their
`date`; a deleted customer's purchases still count (the money was taken). An order of
several lines counts for each of its products with its share of the order's total
(`line_shares`), so the products' revenue adds up to the orders'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crm_tui.domain.entities.order_lines import line_shares
from crm_tui.domain.rules._records import div_half_up, get
from crm_tui.domain.rules.analytics import ProductRevenue, SalesSummary
from crm_tui.domain.rules.totals import PurchaseFacts

from . import orders as kept_orders
from .orders import OrderDelta, Orders, completed, largest, order_of
from .tally import Delta, Doc, Tally, Vector, changes, dumped, loaded
from .tally import fold as fold_tally

NAME, VERSION, TABLES = "sales", 2, ("purchases",)
DAY, PRODUCT = "day", "product"  # the two kinds of key: (DAY, day), (PRODUCT, id, item, day)


def product_lines(purchase: Doc, facts: PurchaseFacts) -> list[tuple[Hashable, str, int, int]]:
    """(product id or None, item when no id, quantity, share of the total) per line."""
    lines: list[tuple[Mapping[str, Any], int]] = [(purchase, facts.total_cents)]
    if purchase.get("lines"):
        lines = [(line, share) for line, share in line_shares(purchase)]
    found = []
    for line, revenue in lines:
        pid = get(line, "product_id", "product")
        item = "" if pid is not None else str(get(line, "item", default="")).strip()
        qty = get(line, "quantity", default=1)
        quantity = qty if isinstance(qty, int) and not isinstance(qty, bool) else 1
        found.append((pid, item, quantity, revenue))
    return found


@dataclass
class Sales:
    revenue: Tally = field(default_factory=dict)
    orders: Orders = field(default_factory=dict)


SalesDelta = tuple[Delta, OrderDelta]


def _read(purchase: Doc | None) -> tuple[list[tuple[Hashable, Vector]], kept_orders.Order | None]:
    """A purchase's revenue contributions and its order (none when it does not count)."""
    facts = completed(purchase)
    if purchase is None or facts is None:
        return [], None
    iso = facts.date.isoformat()
    rows: list[tuple[Hashable, Vector]] = [((DAY, iso), (facts.total_cents, 1))]
    rows += [((PRODUCT, pid, item, iso), (1, quantity, revenue))
             for pid, item, quantity, revenue in product_lines(purchase, facts)]
    return rows, order_of(purchase, facts)


def reduce(table: str, doc_id: int, before: Doc | None, after: Doc | None) -> SalesDelta:
    (old_rows, old_order), (new_rows, new_order) = _read(before), _read(after)
    return changes(old_rows, new_rows), kept_orders.moved(old_order, new_order)


def fold(state: Sales, delta: SalesDelta) -> Sales:
    rows, orders = delta
    fold_tally(state.revenue, rows)
    kept_orders.fold(state.orders, orders)
    return state


def dump(state: Sales) -> dict[str, Any]:
    return {"revenue": dumped(state.revenue), "orders": kept_orders.dump(state.orders)}


def load(data: Any) -> Sales:
    return Sales(loaded(data["revenue"]), kept_orders.load(data["orders"]))


# ----- reading ----------------------------------------------------------------------------
def _within(iso: str, start: dt.date | None, end: dt.date) -> bool:
    return (start is None or iso >= start.isoformat()) and iso <= end.isoformat()


def by_day(state: Tally, start: dt.date | None, end: dt.date) -> dict[str, tuple[int, int]]:
    """(cents, orders) per ISO day with completed orders in [start, end], oldest first."""
    found = {key[1]: (row[0], row[1]) for key, row in state.items()
             if isinstance(key, tuple) and key[0] == DAY and _within(key[1], start, end)}
    return dict(sorted(found.items()))


def sales_summary(state: Tally, orders: Orders, start: dt.date | None,
                  end: dt.date) -> SalesSummary:
    """Transactions, revenue, average and largest, per day and month, in [start, end]."""
    days = by_day(state, start, end)
    revenue = sum(cents for cents, _ in days.values())
    count = sum(n for _, n in days.values())
    months: dict[str, int] = {}
    for iso, (cents, _) in days.items():
        months[iso[:7]] = months.get(iso[:7], 0) + cents
    return SalesSummary(
        transactions=count,
        revenue_cents=revenue,
        average_cents=div_half_up(revenue, count) if count else None,
        largest_cents=largest(orders, start, end),
        revenue_by_day={iso: cents for iso, (cents, _) in days.items()},
        revenue_by_month=months,
    )


def by_product(state: Tally, names: Mapping[Any, str], start: dt.date | None,
               end: dt.date) -> list[ProductRevenue]:
    """Revenue per catalogue product (named from `names`) or free-text item, highest first."""
    groups: dict[tuple[Any, str], list[int]] = {}
    for key, row in state.items():
        if isinstance(key, tuple) and key[0] == PRODUCT and _within(key[3], start, end):
            group = groups.setdefault((key[1], key[2]), [0, 0, 0])
            for i, value in enumerate(row):
                group[i] += value
    rows = []
    for (pid, item), (count, qty, revenue) in groups.items():
        name = names.get(pid) if pid is not None else item
        rows.append(ProductRevenue(pid, name or str(pid if pid is not None else ""), count,
                                   qty, revenue))
    rows.sort(key=lambda r: (-r.revenue_cents, r.name))
    return rows
