"""The rules rewritten for speed give exactly what their former code gave.

Each reference below is the former implementation, kept here as the specification: the
Decimal rounding of churn risk and of averages, the generator sums of RFM scoring and the
joined display name. Hypothesis drives them over the edges (ties, huge values, blanks).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_tui.domain.entities.customer import display_name
from crm_tui.domain.rules._records import div_half_up
from crm_tui.domain.rules.churn import _half_up_hundredths, churn_probability
from crm_tui.domain.rules.rfm import rfm_scores
from crm_tui.domain.settings import RfmBreaks, RfmSettings

STAMP = "2026-06-15T12:00:00"


def reference_churn(days: int, tau: float) -> float:
    raw = 1.0 - math.exp(-max(days, 0) / tau)
    rounded = Decimal(repr(raw)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(min(max(rounded, Decimal(0)), Decimal(1)))


def reference_rounding(raw: float) -> float:
    rounded = Decimal(repr(raw)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(min(max(rounded, Decimal(0)), Decimal(1)))


@given(st.integers(-10, 100_000), st.floats(1, 100_000))
def test_churn_probability_matches_decimal_rounding(days: int, tau: float) -> None:
    assert churn_probability(days, tau) == reference_churn(days, tau)


@given(st.integers(0, 3000), st.integers(0, 3000), st.integers(2, 400))
def test_churn_probability_matches_for_mean_gap_taus(days: int, span: int, orders: int) -> None:
    tau = max(span / (orders - 1), 30.0)
    assert churn_probability(days, tau) == reference_churn(days, tau)


def ties() -> list[float]:
    """Floats at and one or two ulps around every x.xx5 tie in [0, 1]."""
    values = []
    for k in range(100):
        tie = float(f"0.{k:02d}5")
        below, above = math.nextafter(tie, 0), math.nextafter(tie, 1)
        values += [tie, below, above, math.nextafter(below, 0), math.nextafter(above, 1)]
    return values


@pytest.mark.parametrize("raw", [*ties(), 0.0, 1.0, 5e-324, 1e-5, 0.99999999, 0.995,
                                 -0.004, -0.005, -0.5, 1.004, 1.005, 1.5])
def test_rounding_at_ties_follows_the_shortest_decimal(raw: float) -> None:
    assert _half_up_hundredths(raw) == reference_rounding(raw)


@given(st.floats(-2, 2))
def test_rounding_anywhere_and_clamped(raw: float) -> None:
    assert _half_up_hundredths(raw) == reference_rounding(raw)


def reference_div_half_up(numerator: int, denominator: int) -> int:
    quotient = Decimal(numerator) / Decimal(denominator)
    return int(quotient.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@given(st.integers(-(10**27) + 1, 10**27 - 1), st.integers(1, 10**9))
def test_div_half_up_integer_path_matches_decimal(numerator: int, denominator: int) -> None:
    assert div_half_up(numerator, denominator) == reference_div_half_up(numerator, denominator)


@pytest.mark.parametrize(("numerator", "denominator", "expected"), [
    (5, 2, 3), (-5, 2, -3), (7, 2, 4), (1, 3, 0), (2, 3, 1), (-1, 3, 0), (0, 7, 0),
    (250, 100, 3), (249, 100, 2), (-250, 100, -3), (5, -2, -3),
])
def test_div_half_up_rounds_half_away_from_zero(numerator: int, denominator: int,
                                                expected: int) -> None:
    assert div_half_up(numerator, denominator) == expected


def test_div_half_up_by_zero_still_fails() -> None:
    with pytest.raises(ArithmeticError):
        div_half_up(1, 0)


def reference_recency(days: int, edges: Sequence[int]) -> int:
    return 5 - sum(1 for edge in edges if days > edge)


def reference_at_least(value: int, edges: Sequence[int]) -> int:
    return 1 + sum(1 for edge in edges if value >= edge)


def reference_above(value: int, edges: Sequence[int]) -> int:
    return 1 + sum(1 for edge in edges if value > edge)


MEASURES = (st.integers(0, 1000), st.integers(0, 40), st.integers(0, 1_000_000))


@given(*MEASURES)
def test_fixed_scores_match_the_counting_reference(days: int, orders: int, cents: int) -> None:
    settings = RfmSettings()
    expected = (reference_recency(days, settings.recency_days),
                reference_at_least(orders, settings.frequency_orders),
                reference_at_least(cents, settings.monetary_cents))
    assert rfm_scores(days, orders, cents, settings) == expected


@given(*MEASURES, st.lists(st.integers(0, 1000), min_size=4, max_size=4),
       st.lists(st.integers(1, 40), min_size=4, max_size=4),
       st.lists(st.integers(0, 1_000_000), min_size=4, max_size=4))
def test_quintile_scores_match_the_counting_reference(
        days: int, orders: int, cents: int, recency: list[int], frequency: list[int],
        monetary: list[int]) -> None:
    breaks = RfmBreaks(tuple(sorted(recency)), tuple(sorted(frequency)),
                       tuple(sorted(monetary)), STAMP)
    expected = (reference_recency(days, breaks.recency_days),
                reference_above(orders, breaks.frequency_orders),
                reference_above(cents, breaks.monetary_cents))
    settings = RfmSettings(mode="quintile", quintile_breaks=breaks)
    assert rfm_scores(days, orders, cents, settings) == expected
    # Quintile mode without break points scores with the fixed thresholds.
    assert rfm_scores(days, orders, cents, RfmSettings(mode="quintile")) == rfm_scores(
        days, orders, cents, RfmSettings())


def reference_display_name(customer: Mapping[str, Any]) -> str:
    person = " ".join(
        str(customer.get(k) or "").strip() for k in ("first_name", "last_name")
    ).strip()
    company = str(customer.get("company_name") or "").strip()
    candidates = (company, person) if customer.get("kind") == "corporate" else (person, company)
    for name in (*candidates, str(customer.get("email") or "")):
        if name:
            return name
    return f"Customer #{customer['id']}" if customer.get("id") is not None else "(unnamed)"


NAME_PART = st.one_of(st.none(), st.sampled_from(["", " ", "Ann", " Lee ", "Acme, Inc."]),
                      st.text(max_size=5), st.integers(-3, 3))
CUSTOMER_NAMES = st.fixed_dictionaries({}, optional={
    "first_name": NAME_PART, "last_name": NAME_PART, "company_name": NAME_PART,
    "email": NAME_PART, "kind": st.sampled_from(["individual", "corporate", None]),
    "id": st.one_of(st.none(), st.integers(0, 99)),
})


@given(CUSTOMER_NAMES, st.one_of(st.none(), st.integers(0, 99)))
def test_display_name_matches_the_joined_reference(customer: dict[str, Any],
                                                   customer_id: int | None) -> None:
    assert display_name(customer) == reference_display_name(customer)
    # An id given beside the document replaces the document's own, as a copy would.
    with_id = customer if customer_id is None else {**customer, "id": customer_id}
    assert display_name(customer, customer_id) == reference_display_name(with_id)
