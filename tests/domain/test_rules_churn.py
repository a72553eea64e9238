"""Churn risk: formula, tau from totals, bounds and monotonicity."""

import datetime as dt
import math

from hypothesis import given
from hypothesis import strategies as st

from crm_tui.domain.rules.churn import churn_risk, churn_tau_days
from crm_tui.domain.rules.totals import CustomerTotals, PurchaseFacts, compute_totals
from crm_tui.domain.settings import ChurnSettings

D = dt.date
AS_OF = D(2025, 6, 30)


def one_order(days_ago: int) -> CustomerTotals:
    return compute_totals([PurchaseFacts(AS_OF - dt.timedelta(days=days_ago), 100)])


def test_no_orders_no_risk() -> None:
    assert churn_risk(CustomerTotals(), AS_OF) is None


def test_single_order_uses_default_tau() -> None:
    assert churn_tau_days(one_order(0)) == 90
    assert churn_risk(one_order(0), AS_OF) == 0.0
    assert churn_risk(one_order(90), AS_OF) == round(1 - math.exp(-1), 2) == 0.63
    assert churn_risk(one_order(30), AS_OF) == 0.28  # 1 - e^(-1/3) = 0.2835
    assert churn_risk(one_order(10_000), AS_OF) == 1.0


def test_mean_gap_from_totals_alone() -> None:
    t = compute_totals([PurchaseFacts(D(2025, 1, 1), 1), PurchaseFacts(D(2025, 2, 1), 1),
                        PurchaseFacts(D(2025, 5, 1), 1)])
    assert churn_tau_days(t) == 60  # the mean gap: (Jan 1 -> May 1 = 120 days) / 2 gaps
    # d = 60 (May 1 -> Jun 30), tau = 60: 1 - e^-1
    assert churn_risk(t, AS_OF) == 0.63


def test_tau_never_below_minimum() -> None:
    same_day = compute_totals([PurchaseFacts(D(2025, 6, 1), 1)] * 3)
    assert churn_tau_days(same_day) == 30  # a mean gap of 0 days
    assert churn_risk(same_day, AS_OF) == round(1 - math.exp(-29 / 30), 2)
    assert churn_tau_days(same_day, ChurnSettings(min_tau_days=45)) == 45


def test_single_order_tau_setting() -> None:
    assert churn_risk(one_order(45), AS_OF, ChurnSettings(default_tau_days=45)) == 0.63


@given(
    st.integers(0, 5000), st.integers(0, 5000), st.integers(1, 50), st.integers(0, 2000)
)
def test_bounded_and_non_decreasing_in_days(d1: int, d2: int, orders: int, span: int) -> None:
    first = D(2020, 1, 1)
    last = first + dt.timedelta(days=span if orders > 1 else 0)
    t = CustomerTotals(orders, 0, first, last, {})
    low, high = sorted((d1, d2))
    r_low = churn_risk(t, last + dt.timedelta(days=low))
    r_high = churn_risk(t, last + dt.timedelta(days=high))
    assert r_low is not None and r_high is not None
    assert 0.0 <= r_low <= r_high <= 1.0
    assert r_low == round(r_low, 2)
