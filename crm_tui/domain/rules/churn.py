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
_HALF_LOW, _HALF_HIGH = 0.5 - 1e-9, 0.5 + 1e-9  # a tie, up to float error


def _mean_gap(order_count: int, first: dt.date | None, last: dt.date | None) -> float | None:
    if order_count < 2 or first is None or last is None:
        return None
    return (last - first).days / (order_count - 1)


def tau_days(order_count: int, first: dt.date | None, last: dt.date | None,
             settings: ChurnSettings = _DEFAULT) -> float:
    """The time constant tau for a customer's order count and first and last order dates."""
    gap = _mean_gap(order_count, first, last)
    if gap is None:
        return float(settings.default_tau_days)
    return max(gap, float(settings.min_tau_days))


def churn_tau_days(totals: CustomerTotals, settings: ChurnSettings = _DEFAULT) -> float:
    """The time constant tau used for this customer."""
    return tau_days(totals.order_count, totals.first_order_date, totals.last_order_date,
                    settings)


def churn_probability(days: int, tau: float) -> float:
    """1 - exp(-days / tau), clamped to [0, 1] and rounded half-up to two decimals."""
    return _half_up_hundredths(1.0 - math.exp(-(days if days > 0 else 0) / tau))


def _half_up_hundredths(raw: float) -> float:
    """`raw` rounded half-up to two decimals as written by repr() (its shortest exact
    decimal form, which is what makes ties reproducible), clamped to [0, 1]."""
    if 0.0 <= raw <= 1.0:
        scaled = raw * 100
        whole = int(scaled)  # the floor, as scaled >= 0
        fraction = scaled - whole
        if not _HALF_LOW < fraction < _HALF_HIGH:
            # Off a tie, the float error (< 1e-13 here) cannot move the result across one,
            # so this gives the decimal's answer without making one (once per customer
            # exported); k / 100 is the float nearest to 0.kk, as float(Decimal("0.kk")) is.
            return (whole + (fraction > 0.5)) / 100
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
