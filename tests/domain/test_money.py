"""Money parsing and formatting: integer cents in, exact text out, errors naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.money import (
    MAX_CENTS,
    cents_to_decimal,
    display_money,
    format_money,
    format_money_short,
    parse_money,
)


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        (1200, 120000),
        ("1200", 120000),
        ("1,200.50", 120050),
        ("$1,200.5", 120050),
        ("  $ 12.34 ", 1234),
        ("1234567.89", 123456789),
        ("12,345,678", 1234567800),
        (".5", 50),
        ("5.", 500),
        ("+5", 500),
        ("0", 0),
        ("0.00", 0),
        (Decimal("19.99"), 1999),
        (Decimal("1.100"), 110),
        (Decimal("1E+2"), 10000),
        (0.1, 10),
        (1.15, 115),  # binary 1.149999... must not become 114
        (0.07, 7),  # 0.07 * 100 is 7.000000000000001 in binary
        (19.99, 1999),
    ],
)
def test_parse_money_accepts_common_spellings(value: object, cents: int) -> None:
    assert parse_money(value, "price") == cents


@pytest.mark.parametrize(
    ("value", "cents"), [("-3.00", -300), ("-$3", -300), ("$-3", -300), (-7, -700), (-0.5, -50)]
)
def test_negative_amounts_need_permission(value: object, cents: int) -> None:
    assert parse_money(value, "adjustment", allow_negative=True) == cents
    with pytest.raises(ValidationError) as err:
        parse_money(value, "price")
    assert err.value.field == "price"
    assert "negative" in err.value.message


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "required"),
        ("   ", "required"),
        (None, "required"),
        ("1.234", "more than 2 decimals"),
        (Decimal("0.001"), "more than 2 decimals"),
        (0.001, "more than 2 decimals"),
        ("abc", "not an amount"),
        ("1,20", "not an amount"),
        ("1,2345", "not an amount"),
        ("12$", "not an amount"),
        ("--3", "not an amount"),
        ("-$-3", "not an amount"),
        ("1e5", "not an amount"),
        ("nan", "not an amount"),
        ("$", "not an amount"),
        (".", "not an amount"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (Decimal("NaN"), "finite"),
        (Decimal("-Infinity"), "finite"),
        (True, "must be an amount"),
        ([1], "must be an amount"),
        (1e20, "too large"),
        (Decimal("1E+400"), "too large"),
    ],
)
def test_bad_amounts_name_the_field_and_the_problem(value: object, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_money(value, "unit_price", allow_negative=True)
    assert err.value.field == "unit_price"
    assert words in err.value.message
    assert "expected" in err.value.message or "limit" in err.value.message


def test_limit_is_just_below_max_cents() -> None:
    assert parse_money("999,999,999,999.99", "total") == MAX_CENTS - 1
    with pytest.raises(ValidationError):
        parse_money("1,000,000,000,000", "total")


def test_decimal_with_more_digits_than_the_context_is_not_rounded_into_validity() -> None:
    with pytest.raises(ValidationError):
        parse_money(Decimal("1." + "0" * 40 + "1"), "total")
    assert parse_money(Decimal("1." + "0" * 40), "total") == 100


@pytest.mark.parametrize(
    ("cents", "plain", "shown", "short"),
    [
        (120000, "1200.00", "$1,200.00", "1200"),
        (120050, "1200.50", "$1,200.50", "1200.50"),
        (5, "0.05", "$0.05", "0.05"),
        (0, "0.00", "$0.00", "0"),
        (-300, "-3.00", "-$3.00", "-3"),
        (-5, "-0.05", "-$0.05", "-0.05"),
        (123456789, "1234567.89", "$1,234,567.89", "1234567.89"),
    ],
)
def test_formatting(cents: int, plain: str, shown: str, short: str) -> None:
    assert format_money(cents) == plain
    assert display_money(cents) == shown
    assert format_money_short(cents) == short


def test_cents_to_decimal_is_exact() -> None:
    assert cents_to_decimal(120050) == Decimal("1200.50")
    assert cents_to_decimal(-1) == Decimal("-0.01")


@given(st.integers(min_value=-(MAX_CENTS - 1), max_value=MAX_CENTS - 1))
def test_formats_read_back_to_the_same_cents(cents: int) -> None:
    assert parse_money(format_money(cents), "x", allow_negative=True) == cents
    assert parse_money(display_money(cents), "x", allow_negative=True) == cents
    assert parse_money(format_money_short(cents), "x", allow_negative=True) == cents


@given(st.one_of(st.text(), st.floats(), st.decimals(), st.integers(), st.none(), st.booleans()))
def test_parse_money_only_ever_raises_validation_errors(value: object) -> None:
    try:
        cents = parse_money(value, "amount", allow_negative=True)
    except ValidationError as err:
        assert err.field == "amount"
    else:
        assert isinstance(cents, int)
        assert abs(cents) < MAX_CENTS
