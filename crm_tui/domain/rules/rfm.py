"""RFM scores (recency, frequency, monetary; 1-5 each), the `R5F4M3` code and the RFM segment.

Fixed mode (default): R 5 <= 30 days, 4 <= 60, 3 <= 90, 2 <= 180, else 1; F 5 >= 10 orders,
4 >= 7, 3 >= 4, 2 >= 2, else 1; M 5 >= $5,000, 4 >= $2,500, 3 >= $1,000, 2 >= $500, else 1.

Quintile mode: break points are the 20th/40th/60th/80th percentiles of the population of
customers with orders (nearest-rank, so each break is a real population value and an int).
A value scores by the quintile bin (b[k-1], b[k]] it falls in: for recency the lowest bin
scores 5, for frequency and monetary the highest bin scores 5. Values equal to a break point
stay in the lower bin, so when most customers have one order they all score F=1 together.
Customers without orders have no score (None).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import overload

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.lifecycle import days_since_last_order
from crm_tui.domain.rules.totals import CustomerTotals
from crm_tui.domain.settings import RfmBreaks, RfmSettings

NEW_CUSTOMERS = "New Customers"
CHAMPIONS = "Champions"
LOST = "Lost"
AT_RISK = "At Risk"
VIP = "VIP"
LOYAL = "Loyal Customers"
POTENTIAL_LOYALISTS = "Potential Loyalists"
RFM_SEGMENTS = (NEW_CUSTOMERS, CHAMPIONS, LOST, AT_RISK, VIP, LOYAL, POTENTIAL_LOYALISTS)

_DEFAULT = RfmSettings()


@dataclass(frozen=True)
class RfmScore:
    r: int
    f: int
    m: int

    @property
    def code(self) -> str:
        return f"R{self.r}F{self.f}M{self.m}"

    @property
    def segment(self) -> str:
        return rfm_segment(self)


# Plain loops, not sum() over a generator: these run three times per customer scored, and
# the loops count the same edges in about a third of the time.
def _recency(days: int, edges: Sequence[int]) -> int:
    # edges ascending; each edge passed costs one point from 5.
    score = 5
    for edge in edges:
        if days > edge:
            score -= 1
    return score


def _at_least(value: int, edges: Sequence[int]) -> int:
    # fixed edges descending (10, 7, 4, 2): one point per edge reached.
    score = 1
    for edge in edges:
        if value >= edge:
            score += 1
    return score


def _above(value: int, edges: Sequence[int]) -> int:
    # quintile edges ascending: one point per break strictly exceeded.
    score = 1
    for edge in edges:
        if value > edge:
            score += 1
    return score


def _fixed(days: int, orders: int, spent_cents: int,
           settings: RfmSettings) -> tuple[int, int, int]:
    return (_recency(days, settings.recency_days), _at_least(orders, settings.frequency_orders),
            _at_least(spent_cents, settings.monetary_cents))


def _quintile(days: int, orders: int, spent_cents: int,
              breaks: RfmBreaks) -> tuple[int, int, int]:
    return (_recency(days, breaks.recency_days), _above(orders, breaks.frequency_orders),
            _above(spent_cents, breaks.monetary_cents))


def rfm_scores(
    days: int, orders: int, spent_cents: int, settings: RfmSettings = _DEFAULT
) -> tuple[int, int, int]:
    """(R, F, M) from raw measures in the configured mode, for a customer with orders.

    Quintile mode without stored break points falls back to the fixed thresholds, so a
    badge is never blank just because the break points have not been computed yet.
    """
    if settings.mode == "quintile" and settings.quintile_breaks is not None:
        return _quintile(days, orders, spent_cents, settings.quintile_breaks)
    return _fixed(days, orders, spent_cents, settings)


def rfm_score(
    totals: CustomerTotals, as_of: dt.date, settings: RfmSettings = _DEFAULT
) -> RfmScore | None:
    """The customer's score in the configured mode (see `rfm_scores`); None without orders."""
    days = days_since_last_order(totals, as_of)
    if days is None:
        return None
    return RfmScore(*rfm_scores(days, totals.order_count, totals.total_spent_cents, settings))


def _quintiles(values: Iterable[int], field: str) -> tuple[int, ...]:
    ordered = sorted(values)
    if not ordered:
        raise ValidationError(field, "needs at least one customer with orders")
    n = len(ordered)
    return tuple(ordered[max(0, math.ceil(p * n / 5) - 1)] for p in (1, 2, 3, 4))


def compute_quintile_breaks(
    recency_days: Iterable[int],
    order_counts: Iterable[int],
    spent_cents: Iterable[int],
    computed_at: dt.datetime,
) -> RfmBreaks:
    """Break points from population measures (one value per customer with orders)."""
    return RfmBreaks(
        _quintiles(recency_days, "rfm.quintile_breaks.recency_days"),
        _quintiles(order_counts, "rfm.quintile_breaks.frequency_orders"),
        _quintiles(spent_cents, "rfm.quintile_breaks.monetary_cents"),
        computed_at,
    )


def breaks_from_totals(
    population: Iterable[CustomerTotals], as_of: dt.date, computed_at: dt.datetime
) -> RfmBreaks:
    """Break points over every customer with orders (customers without orders are skipped)."""
    rows = [(days_since_last_order(t, as_of), t) for t in population]
    rows = [(d, t) for d, t in rows if d is not None]
    return compute_quintile_breaks(
        [d for d, _ in rows],  # type: ignore[misc]
        [t.order_count for _, t in rows],
        [t.total_spent_cents for _, t in rows],
        computed_at,
    )


@overload
def rfm_segment(score: RfmScore) -> str: ...
@overload
def rfm_segment(score: RfmScore | None) -> str | None: ...
def rfm_segment(score: RfmScore | None) -> str | None:
    """The RFM segment, first match wins in the spec's order; None without a score."""
    if score is None:
        return None
    r, f, m = score.r, score.f, score.m
    if f == 1 and r >= 4:
        return NEW_CUSTOMERS
    if r >= 4 and f >= 4 and m >= 4:
        return CHAMPIONS
    if r == 1 and f <= 2 and m <= 2:
        return LOST
    if r <= 2:
        return AT_RISK
    if m == 5:
        return VIP
    if f >= 4:
        return LOYAL
    return POTENTIAL_LOYALISTS
