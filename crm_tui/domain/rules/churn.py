"""Churn risk: 1 - exp(-d / tau), a float in [0, 1] rounded half-up to two decimals.

d is the number of days since the last order; tau is the customer's mean gap between orders
(never below `min_tau_days`) when it has 2+ orders, else `default_tau_days`. The mean gap
comes from the totals alone: (last - first) / (count - 1), so no purchase has to be read.
Customers without orders have no churn risk (None). The risk is a ratio, so float is fine.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

from crm_tui.domain.rules.lifecycle import days_since_last_order
from crm_tui.domain.rules.totals import CustomerTotals
from crm_tui.domain.settings import ChurnSettings

_DEFAULT = ChurnSettings()


def mean_gap_days(totals: CustomerTotals) -> float | None:
    """Mean days between consecutive orders; None with fewer than two orders."""
    if totals.order_count < 2 or totals.first_order_date is None or totals.last_order_date is None:
        return None
    span = (totals.last_order_date - totals.first_order_date).days
    return span / (totals.order_count - 1)


def churn_tau_days(totals: CustomerTotals, settings: ChurnSettings = _DEFAULT) -> float:
    """The time constant tau used for this customer."""
    gap = mean_gap_days(totals)
    if gap is None:
        return float(settings.default_tau_days)
    return max(gap, float(settings.min_tau_days))


def churn_probability(days: int, tau: float) -> float:
    """1 - exp(-days / tau), clamped to [0, 1] and rounded half-up to two decimals."""
    raw = 1.0 - math.exp(-max(days, 0) / tau)
    # repr() gives the shortest exact decimal form, so half-up rounding is reproducible.
    rounded = Decimal(repr(raw)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(min(max(rounded, Decimal(0)), Decimal(1)))


def churn_risk(
    totals: CustomerTotals, as_of: dt.date, settings: ChurnSettings = _DEFAULT
) -> float | None:
    """Churn risk as of a date; None for a customer without orders."""
    days = days_since_last_order(totals, as_of)
    if days is None:
        return None
    return churn_probability(days, churn_tau_days(totals, settings))
