"""Loyalty: points per purchase, tiers, ledger balance, FIFO expiry, redemption checks."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.loyalty import (
    LedgerEntry,
    due_expirations,
    ledger_entry,
    next_tier,
    points_for_purchase,
    summarize_ledger,
    tier_for_points,
    validate_redemption,
)
from crm_tui.domain.settings import LoyaltySettings, TierSettings

D = dt.date
YEAR = LoyaltySettings(expiry_days=365)


@pytest.mark.parametrize(
    ("cents", "points"),
    [(0, 0), (999, 0), (1000, 1), (1999, 1), (2000, 2), (120000, 120), (123456, 123)],
)
def test_one_point_per_whole_ten_dollars(cents: int, points: int) -> None:
    assert points_for_purchase(cents) == points


def test_multiplier_and_minimum() -> None:
    double = LoyaltySettings(multiplier=Decimal(2))
    assert points_for_purchase(120000, double) == 240
    # 3 units x 1.5 = 4.5 -> 4 whole points; no binary-float drift with 1.1 either.
    assert points_for_purchase(3000, LoyaltySettings(multiplier=Decimal("1.5"))) == 4
    assert points_for_purchase(100000, LoyaltySettings(multiplier=Decimal("1.1"))) == 110
    minimum = LoyaltySettings(min_purchase_cents=5000)
    assert points_for_purchase(4999, minimum) == 0
    assert points_for_purchase(5000, minimum) == 5
    assert points_for_purchase(5000, LoyaltySettings(points_per_unit=3, unit_cents=500)) == 30


@pytest.mark.parametrize("bad", [-1, 10.0, True, "1000"])
def test_bad_purchase_totals(bad: object) -> None:
    with pytest.raises(ValidationError) as err:
        points_for_purchase(bad)  # type: ignore[arg-type]
    assert err.value.field == "total_cents"


@pytest.mark.parametrize(
    ("points", "tier"),
    [(0, "New"), (99, "New"), (100, "Bronze"), (499, "Bronze"), (500, "Silver"),
     (999, "Silver"), (1000, "Gold"), (2499, "Gold"), (2500, "Platinum"), (4999, "Platinum"),
     (5000, "VIP"), (10**6, "VIP"), (-5, "New")],
)
def test_tiers_by_lifetime_points(points: int, tier: str) -> None:
    assert tier_for_points(points) == tier


def test_next_tier() -> None:
    assert next_tier(0) == ("Bronze", 100)
    assert next_tier(480) == ("Silver", 20)
    assert next_tier(5000) is None
    custom = TierSettings(thresholds=(("Basic", 0), ("Star", 10)))
    assert tier_for_points(10, custom) == "Star"


def test_ledger_summary() -> None:
    entries = [
        {"kind": "earn", "points": 120, "date": "2025-01-01"},
        {"kind": "redeem", "points": -50, "date": "2025-02-01"},
        {"kind": "adjust", "points": 5, "date": "2025-02-02"},
        {"kind": "expire", "points": -10, "date": "2025-03-01"},
    ]
    s = summarize_ledger(entries)
    assert (s.balance, s.lifetime_earned, s.redeemed, s.expired, s.adjusted) == (65, 120, 50, 10, 5)
    assert s.tier == "Bronze"


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"kind": "gift", "points": 5, "date": "2025-01-01"}, "kind"),
        ({"kind": "earn", "points": 0, "date": "2025-01-01"}, "points"),
        ({"kind": "earn", "points": -5, "date": "2025-01-01"}, "points"),
        ({"kind": "redeem", "points": 5, "date": "2025-01-01"}, "points"),
        ({"kind": "expire", "points": 5, "date": "2025-01-01"}, "points"),
        ({"kind": "earn", "points": 5}, "date"),
    ],
)
def test_bad_ledger_entries(record: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        ledger_entry(record)
    assert err.value.field == field


def test_redemption_validation() -> None:
    assert validate_redemption(40, 40) == 40
    with pytest.raises(ValidationError) as err:
        validate_redemption(41, 40)
    assert (err.value.field, err.value.message) == ("points", "cannot exceed the balance of 40")
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValidationError) as err:
            validate_redemption(bad, 100)
        assert err.value.field == "points"


def test_no_expiry_when_not_configured() -> None:
    entries = [LedgerEntry("earn", 100, D(2000, 1, 1))]
    assert due_expirations(entries, D(2025, 1, 1)) == []


def test_points_expire_after_n_days() -> None:
    entries = [LedgerEntry("earn", 100, D(2024, 1, 1))]
    assert due_expirations(entries, D(2024, 12, 30), YEAR) == []  # day 364
    assert due_expirations(entries, D(2024, 12, 31), YEAR) == [  # day 365 (leap year)
        LedgerEntry("expire", -100, D(2024, 12, 31))
    ]


def test_redemptions_consume_the_oldest_points_first() -> None:
    entries = [
        LedgerEntry("earn", 100, D(2024, 1, 1)),
        LedgerEntry("earn", 50, D(2024, 2, 1)),
        LedgerEntry("redeem", -120, D(2024, 3, 1)),  # all of January's lot, 20 of February's
    ]
    assert due_expirations(entries, D(2025, 1, 15), YEAR) == []
    due = due_expirations(entries, D(2025, 3, 1), YEAR)
    assert due == [LedgerEntry("expire", -30, D(2025, 1, 31))]
    # Once recorded, nothing more is due and nothing is left to spend.
    recorded = entries + due
    assert due_expirations(recorded, D(2025, 3, 1), YEAR) == []
    assert summarize_ledger(recorded).balance == 0


def test_expired_points_cannot_be_redeemed_later() -> None:
    entries = [
        LedgerEntry("earn", 100, D(2024, 1, 1)),
        LedgerEntry("earn", 10, D(2024, 12, 1)),
        LedgerEntry("redeem", -10, D(2025, 1, 5)),  # January's lot already expired: uses December's
    ]
    due = due_expirations(entries, D(2025, 1, 10), YEAR)
    assert due == [LedgerEntry("expire", -100, D(2024, 12, 31))]
    assert summarize_ledger(entries + due).balance == 0


def test_entries_after_as_of_are_ignored() -> None:
    entries = [LedgerEntry("earn", 100, D(2024, 1, 1)), LedgerEntry("earn", 7, D(2026, 1, 1))]
    assert due_expirations(entries, D(2025, 6, 1), YEAR) == [
        LedgerEntry("expire", -100, D(2024, 12, 31))]  # the 2026 lot is not counted yet


@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.booleans(), st.integers(1, 300)), max_size=40
    ),
    st.integers(1, 90),
)
def test_fifo_ledger_invariants(steps: list[tuple[int, bool, int]], expiry: int) -> None:
    """Validated redemptions never overdraw; recorded expirations settle the ledger."""
    settings = LoyaltySettings(expiry_days=expiry)
    day = D(2024, 1, 1)
    ledger: list[LedgerEntry] = []
    for gap, redeem, points in steps:
        day += dt.timedelta(days=gap)
        ledger += due_expirations(ledger, day, settings)
        assert due_expirations(ledger, day, settings) == []
        balance = summarize_ledger(ledger).balance
        assert balance >= 0
        if redeem:
            if points <= balance:
                ledger.append(LedgerEntry("redeem", -validate_redemption(points, balance), day))
        else:
            ledger.append(LedgerEntry("earn", points, day))
    s = summarize_ledger(ledger)
    assert s.lifetime_earned == s.balance + s.redeemed + s.expired
