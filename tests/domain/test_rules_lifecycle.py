"""Lifecycle segment: every boundary, first match wins, manual override."""

import datetime as dt

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.lifecycle import (
    days_since_last_order,
    effective_segment,
    lifecycle_segment,
)
from crm_tui.domain.rules.totals import CustomerTotals, PurchaseFacts, compute_totals
from crm_tui.domain.settings import LifecycleSettings

AS_OF = dt.date(2025, 6, 30)


def totals(orders: int, spent_cents: int = 0, days_ago: int = 0) -> CustomerTotals:
    last = AS_OF - dt.timedelta(days=days_ago)
    per_order = [spent_cents] + [0] * (orders - 1)
    return compute_totals(PurchaseFacts(last, cents) for cents in per_order[:orders])


def test_no_orders_is_prospect() -> None:
    assert lifecycle_segment(CustomerTotals(), AS_OF) == "prospect"
    assert days_since_last_order(CustomerTotals(), AS_OF) is None


@pytest.mark.parametrize(
    ("days", "segment"),
    [(0, "new"), (59, "new"), (60, "at_risk"), (89, "at_risk"), (90, "inactive"),
     (400, "inactive")],
)
def test_recency_boundaries(days: int, segment: str) -> None:
    assert lifecycle_segment(totals(1, 100, days), AS_OF) == segment


def test_recency_wins_over_value() -> None:
    # A big spender who stopped buying is inactive / at risk first (first match wins).
    assert lifecycle_segment(totals(10, 10**7, 90), AS_OF) == "inactive"
    assert lifecycle_segment(totals(10, 10**7, 60), AS_OF) == "at_risk"
    assert lifecycle_segment(totals(10, 10**7, 59), AS_OF) == "vip"


@pytest.mark.parametrize(
    ("orders", "spent", "segment"),
    [
        (1, 49999, "new"),
        (1, 50000, "vip"),  # >= $500 spent
        (2, 49999, "returning"),
        (2, 50000, "vip"),
        (3, 0, "vip"),  # >= 3 orders, even free ones
    ],
)
def test_order_and_spend_boundaries(orders: int, spent: int, segment: str) -> None:
    assert lifecycle_segment(totals(orders, spent), AS_OF) == segment


def test_thresholds_come_from_settings() -> None:
    strict = LifecycleSettings(inactive_days=30, at_risk_days=10, vip_orders=5)
    assert lifecycle_segment(totals(1, 0, 10), AS_OF, strict) == "at_risk"
    assert lifecycle_segment(totals(3, 0, 0), AS_OF, strict) == "returning"


def test_order_after_as_of_counts_as_recent() -> None:
    assert days_since_last_order(totals(1, 0, -5), AS_OF) == 0


def test_override() -> None:
    t = totals(1, 100, 0)
    plain = effective_segment(t, AS_OF)
    assert (plain.segment, plain.overridden, plain.computed) == ("new", False, "new")
    forced = effective_segment(t, AS_OF, "VIP")
    assert (forced.segment, forced.overridden, forced.computed) == ("vip", True, "new")
    assert effective_segment(t, AS_OF, "new").overridden is True
    assert effective_segment(t, AS_OF, "").overridden is False
    with pytest.raises(ValidationError) as err:
        effective_segment(t, AS_OF, "gold")
    assert err.value.field == "segment_override"
