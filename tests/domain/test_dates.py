"""Date parsing with relative shortcuts, timestamps, and small date helpers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_tui.domain.dates import (
    add_months,
    iso,
    month_key,
    parse_date,
    parse_datetime,
    relative_token,
    to_date,
)
from crm_tui.domain.errors import ValidationError

TODAY = date(2024, 1, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05", date(2024, 3, 5)),
        (" 2024-03-05 ", date(2024, 3, 5)),
        ("today", TODAY),
        ("Today", TODAY),
        ("yesterday", date(2024, 1, 30)),
        ("tomorrow", date(2024, 2, 1)),
        ("+7d", date(2024, 2, 7)),
        ("7d", date(2024, 2, 7)),
        ("-3d", date(2024, 1, 28)),
        ("+ 3 d", date(2024, 2, 3)),
        ("+2w", date(2024, 2, 14)),
        ("+1m", date(2024, 2, 29)),  # clamped to the end of a leap February
        ("+13m", date(2025, 2, 28)),
        ("-2m", date(2023, 11, 30)),
        ("+1y", date(2025, 1, 31)),
        ("+0d", TODAY),
        ("2024-02-29T10:15:00", date(2024, 2, 29)),
        ("2024-02-29 10:15", date(2024, 2, 29)),
        ("2024-02-29T10:15:00+02:00", date(2024, 2, 29)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, "due_date", TODAY) == expected


def test_leap_day_plus_a_year_is_clamped() -> None:
    assert parse_date("+1y", "d", date(2024, 2, 29)) == date(2025, 2, 28)


def test_date_objects_pass_through() -> None:
    assert parse_date(date(2020, 1, 2), "d", TODAY) == date(2020, 1, 2)
    assert parse_date(datetime(2020, 1, 2, 13, 0), "d", TODAY) == date(2020, 1, 2)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "required"),
        ("2024-02-30", "not a real date"),
        ("2024-13-01", "not a real date"),
        ("2024-02-29T25:00", "not a valid timestamp"),
        ("31/01/2024", "not a date"),
        ("next week", "not a date"),
        ("+7x", "not a date"),
        ("+99999d", "not a date"),
        ("+9999y", "outside the calendar"),
        (20240101, "must be a date"),
        (None, "must be a date"),
    ],
)
def test_bad_dates_name_the_field_and_show_the_format(value: object, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_date(value, "follow_up_date", TODAY)
    assert err.value.field == "follow_up_date"
    assert words in err.value.message
    assert "YYYY-MM-DD" in err.value.message or "calendar" in err.value.message


def test_relative_dates_at_the_calendar_edges_are_errors() -> None:
    with pytest.raises(ValidationError):
        parse_date("-1d", "d", date.min)
    with pytest.raises(ValidationError):
        parse_date("+1m", "d", date.max)


def test_parse_datetime() -> None:
    assert parse_datetime("2024-05-01T14:30:00", "when") == datetime(2024, 5, 1, 14, 30)
    assert parse_datetime("2024-05-01", "when") == datetime(2024, 5, 1)
    aware = parse_datetime("2024-05-01T14:30:00Z", "when")
    assert aware.utcoffset() == timedelta(0)
    assert parse_datetime(date(2024, 5, 1), "when") == datetime(2024, 5, 1)
    stamp = datetime(2024, 5, 1, 1, 2, 3, tzinfo=UTC)
    assert parse_datetime(stamp, "when") is stamp
    for bad in ("", "yesterday", "2024-05-01T99:00", "2024-02-30", 5):
        with pytest.raises(ValidationError) as err:
            parse_datetime(bad, "when")
        assert err.value.field == "when"


def test_helpers() -> None:
    assert iso(date(2024, 5, 1)) == "2024-05-01"
    assert iso(datetime(2024, 5, 1, 9, 5)) == "2024-05-01T09:05:00"
    assert month_key(date(2024, 5, 1)) == "2024-05"
    assert month_key(date(987, 12, 31)) == "0987-12"
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    with pytest.raises(ValueError):
        add_months(date(9999, 12, 1), 1)


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("today", "today"),
        (" Tomorrow ", "tomorrow"),
        ("7D", "+7d"),
        ("-03d", "-3d"),
        ("+1m", "+1m"),
    ],
)
def test_relative_token(text: str, token: str) -> None:
    assert relative_token(text) == token


@pytest.mark.parametrize("text", ["2024-01-01", "7", "d", "+7q", ""])
def test_relative_token_rejects_others(text: str) -> None:
    assert relative_token(text) is None


def test_to_date_is_lenient() -> None:
    assert to_date("2024-05-01") == date(2024, 5, 1)
    assert to_date("2024-05-01T10:00:00") == date(2024, 5, 1)
    assert to_date(datetime(2024, 5, 1, 10)) == date(2024, 5, 1)
    assert to_date("2024-02-30") is None
    assert to_date("garbage") is None
    assert to_date(None) is None
    assert to_date(20240501) is None


@given(st.dates())
def test_iso_round_trips(day: date) -> None:
    assert parse_date(iso(day), "d", TODAY) == day


@given(st.text(max_size=30), st.dates())
def test_parse_date_only_ever_raises_validation_errors(text: str, today: date) -> None:
    try:
        result = parse_date(text, "due_date", today)
    except ValidationError as err:
        assert err.field == "due_date"
    else:
        assert isinstance(result, date)


@given(st.text(max_size=40))
def test_parse_datetime_only_ever_raises_validation_errors(text: str) -> None:
    try:
        parse_datetime(text, "when")
    except ValidationError as err:
        assert err.field == "when"
