"""RFM: every fixed threshold on both sides, quintile mode, the code, every segment."""

import dataclasses
import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.rfm import (
    RFM_SEGMENTS,
    RfmScore,
    breaks_from_totals,
    compute_quintile_breaks,
    rfm_score,
    rfm_scores,
    rfm_segment,
)
from crm_tui.domain.rules.totals import CustomerTotals, PurchaseFacts, compute_totals
from crm_tui.domain.settings import RfmBreaks, RfmSettings

AS_OF = dt.date(2025, 6, 30)
STAMP = dt.datetime(2025, 6, 30, 12, 0)


def fixed(days: int, orders: int, cents: int) -> RfmScore:
    return RfmScore(*rfm_scores(days, orders, cents))


def quintile(days: int, orders: int, cents: int, breaks: RfmBreaks) -> RfmScore:
    return RfmScore(*rfm_scores(days, orders, cents,
                                RfmSettings(mode="quintile", quintile_breaks=breaks)))


def customer(days_ago: int, orders: int, spent_cents: int) -> CustomerTotals:
    day = AS_OF - dt.timedelta(days=days_ago)
    return compute_totals(
        [PurchaseFacts(day, spent_cents)] + [PurchaseFacts(day, 0)] * (orders - 1)
    )


@pytest.mark.parametrize(
    ("days", "r"),
    [(0, 5), (30, 5), (31, 4), (60, 4), (61, 3), (90, 3), (91, 2), (180, 2), (181, 1)],
)
def test_recency_edges(days: int, r: int) -> None:
    assert fixed(days, 1, 0).r == r


@pytest.mark.parametrize(
    ("orders", "f"),
    [(1, 1), (2, 2), (3, 2), (4, 3), (6, 3), (7, 4), (9, 4), (10, 5), (500, 5)],
)
def test_frequency_edges(orders: int, f: int) -> None:
    assert fixed(0, orders, 0).f == f


@pytest.mark.parametrize(
    ("cents", "m"),
    [(0, 1), (49999, 1), (50000, 2), (99999, 2), (100000, 3), (249999, 3), (250000, 4),
     (499999, 4), (500000, 5)],
)
def test_monetary_edges(cents: int, m: int) -> None:
    assert fixed(0, 1, cents).m == m


def test_no_orders_no_score() -> None:
    assert rfm_score(CustomerTotals(), AS_OF) is None
    assert rfm_segment(None) is None


def test_code() -> None:
    score = rfm_score(customer(20, 7, 100000), AS_OF)
    assert score == RfmScore(5, 4, 3)
    assert score is not None and score.code == "R5F4M3"


@pytest.mark.parametrize(
    ("days", "orders", "cents", "segment"),
    [
        (10, 1, 10000, "New Customers"),
        (10, 7, 250000, "Champions"),
        (200, 1, 10000, "Lost"),
        (100, 1, 10000, "At Risk"),
        (200, 5, 10000, "At Risk"),  # R=1 but F=3: not Lost
        (70, 2, 500000, "VIP"),
        (70, 7, 10000, "Loyal Customers"),
        (10, 2, 10000, "Potential Loyalists"),
    ],
)
def test_every_segment_is_reachable(days: int, orders: int, cents: int, segment: str) -> None:
    score = rfm_score(customer(days, orders, cents), AS_OF)
    assert score is not None and score.segment == segment


@pytest.mark.parametrize(
    ("code", "segment"),
    [
        ("R5F1M5", "New Customers"),  # first match wins over VIP
        ("R4F4M4", "Champions"),
        ("R1F2M2", "Lost"),
        ("R1F5M5", "At Risk"),
        ("R2F1M1", "At Risk"),
        ("R3F1M5", "VIP"),
        ("R5F5M5", "Champions"),
        ("R3F5M4", "Loyal Customers"),
        ("R4F4M3", "Loyal Customers"),
        ("R3F3M3", "Potential Loyalists"),
    ],
)
def test_segment_order(code: str, segment: str) -> None:
    r, f, m = (int(code[i]) for i in (1, 3, 5))
    assert rfm_segment(RfmScore(r, f, m)) == segment


def test_every_score_has_a_segment() -> None:
    seen = {rfm_segment(RfmScore(*s)) for s in itertools.product(range(1, 6), repeat=3)}
    assert seen == set(RFM_SEGMENTS)


def test_quintile_break_points_nearest_rank() -> None:
    breaks = compute_quintile_breaks(range(1, 11), range(1, 11), range(1, 11), STAMP)
    assert breaks.recency_days == (2, 4, 6, 8)
    assert breaks.computed_at == STAMP
    assert [quintile(v, v, v, breaks).f for v in (1, 2, 3, 4, 5, 8, 9, 10)] == [
        1, 1, 2, 2, 3, 4, 5, 5]
    assert [quintile(v, 1, 1, breaks).r for v in (1, 2, 3, 8, 9)] == [5, 5, 4, 2, 1]
    with pytest.raises(ValidationError):
        compute_quintile_breaks([], [], [], STAMP)


def test_quintile_mode_uses_stored_breaks() -> None:
    population = [customer(d, o, c) for d, o, c in
                  [(5, 1, 1000), (40, 2, 5000), (80, 3, 20000), (120, 5, 90000), (300, 9, 1)]]
    breaks = breaks_from_totals([*population, CustomerTotals()], AS_OF, STAMP)
    assert breaks.recency_days == (5, 40, 80, 120)
    assert breaks.frequency_orders == (1, 2, 3, 5)
    settings = RfmSettings(mode="quintile", quintile_breaks=breaks)
    assert rfm_score(population[0], AS_OF, settings) == RfmScore(5, 1, 2)
    assert rfm_score(population[4], AS_OF, settings) == RfmScore(1, 5, 1)
    # Without break points quintile mode falls back to the fixed thresholds.
    fallback = dataclasses.replace(settings, quintile_breaks=None)
    assert rfm_score(population[0], AS_OF, fallback) == rfm_score(population[0], AS_OF)


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=200), st.integers(0, 10**7))
def test_quintile_scores_in_range_and_monotone(values: list[int], v: int) -> None:
    breaks = compute_quintile_breaks(values, values, values, STAMP)
    low = quintile(v, v, v, breaks)
    high = quintile(v + 1, v + 1, v + 1, breaks)
    assert all(1 <= s <= 5 for s in (low.r, low.f, low.m))
    assert high.f >= low.f and high.m >= low.m and high.r <= low.r
