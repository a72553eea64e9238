"""Shared field validators: text, enums, email, phone, booleans, numbers, ids and tags."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crm_tui.domain.entities.common import (
    check_email,
    check_phone,
    clean_text,
    coerce_enum,
    enum_key,
    is_blank,
    parse_bool,
    parse_id,
    parse_int,
    parse_number,
    parse_tags,
)
from crm_tui.domain.errors import ValidationError


def error_of(call, *args, **kwargs) -> ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as err:
        call(*args, **kwargs)
    return err.value


def test_is_blank() -> None:
    assert is_blank(None) and is_blank("") and is_blank("  \t\n")
    assert not is_blank(0) and not is_blank(False) and not is_blank([]) and not is_blank("x")


def test_clean_text_single_line_collapses_whitespace() -> None:
    assert clean_text("  John \n  Doe\t", "name") == "John Doe"
    assert clean_text(42, "external_id") == "42"


def test_clean_text_multiline_keeps_line_breaks() -> None:
    assert clean_text(" a\r\nb\rc \n", "summary", multiline=True) == "a\nb\nc"
    assert clean_text("a\tb", "summary", multiline=True) == "a\tb"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("a\x00b", "control characters"),
        ("\ud800", "control characters"),
        (1.5, "must be text"),
        (True, "must be text"),
        (["a"], "must be text"),
        ("x" * 11, "too long (11 characters); at most 10"),
    ],
)
def test_clean_text_errors(value: object, words: str) -> None:
    err = error_of(clean_text, value, "subject", max_len=10)
    assert err.field == "subject"
    assert words in err.message


@pytest.mark.parametrize(
    ("text", "key"),
    [("Closed Won", "closed_won"), (" closed-won ", "closed_won"), ("IN_PERSON", "in_person")],
)
def test_enum_key(text: str, key: str) -> None:
    assert enum_key(text) == key


def test_coerce_enum() -> None:
    stages = ("Prospecting", "Closed Won")
    assert coerce_enum("closed won", "stage", stages) == "Closed Won"
    assert coerce_enum("CLOSED_WON", "stage", stages) == "Closed Won"
    assert coerce_enum("won", "stage", stages, aliases={"won": "Closed Won"}) == "Closed Won"
    err = error_of(coerce_enum, "maybe", "stage", stages)
    assert err.field == "stage"
    assert err.message == "must be one of Prospecting, Closed Won; got 'maybe'"


def test_free_form_enum_keeps_other_values_as_keys() -> None:
    assert (
        coerce_enum("Wholesale", "customer_type", ("retail", "wholesale"), free_form=True)
        == "wholesale"
    )
    assert coerce_enum("Key Account", "customer_type", ("retail",), free_form=True) == "key_account"
    err = error_of(coerce_enum, "x" * 50, "customer_type", ("retail",), free_form=True)
    assert "short word" in err.message


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("John.Doe@Email.COM", "john.doe@email.com"),
        (" a+tag@sub.example.co.uk ", "a+tag@sub.example.co.uk"),
        ("o'brien@xn--bcher-kva.example", "o'brien@xn--bcher-kva.example"),
    ],
)
def test_valid_emails_are_lowercased(value: str, stored: str) -> None:
    assert check_email(value, "email") == stored


@pytest.mark.parametrize(
    "value",
    [
        "plainaddress",
        "a@b",
        "a@b.c",
        "a@@b.co",
        "a b@c.co",
        ".a@b.co",
        "a.@b.co",
        "a..b@c.co",
        "a@-b.co",
        "a@b-.co",
        "a@b..co",
        "a@b.c0",
        "é@b.co",
        "x" * 65 + "@b.co",
        "a@" + "b" * 250 + ".co",
    ],
)
def test_invalid_emails_say_what_is_expected(value: str) -> None:
    err = error_of(check_email, value, "email")
    assert err.field == "email"
    assert "name@example.com" in err.message or "too long" in err.message


@pytest.mark.parametrize(
    "value",
    [
        "555-1234",
        "+1 (555) 123-4567",
        "+44 20 7946 0958",
        "0612.34.56.78",
        "555 123 4567 ext. 89",
        "555-123-4567 x12",
        "555-123-4567 #4",
        "123456789012345",
        5551234567,
    ],
)
def test_valid_phones_are_kept_as_typed(value: object) -> None:
    assert check_phone(value, "phone") == " ".join(str(value).split())


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("12345", "has 5 digits"),
        ("1234567890123456", "has 16 digits"),
        ("555-CALL-NOW", "not a phone"),
        ("555+1234567", "not a phone"),
        ("555-1234 ext", "not a phone"),
        ("phone", "not a phone"),
    ],
)
def test_invalid_phones(value: str, words: str) -> None:
    err = error_of(check_phone, value, "phone")
    assert err.field == "phone"
    assert words in err.message
    assert "7 to 15 digits" in err.message


@pytest.mark.parametrize(
    ("value", "result"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("yes", True),
        ("No", False),
        (" TRUE ", True),
        ("1", True),
        ("0", False),
        ("y", True),
        ("off", False),
        ("on", True),
    ],
)
def test_parse_bool(value: object, result: bool) -> None:
    assert parse_bool(value, "pinned") is result


@pytest.mark.parametrize("value", ["maybe", 2, -1, 1.0, None, "", []])
def test_parse_bool_errors(value: object) -> None:
    err = error_of(parse_bool, value, "pinned")
    assert err.field == "pinned"
    assert "yes or no" in err.message


def test_parse_number_and_int() -> None:
    assert parse_number("1,000.5", "n") == Decimal("1000.5")
    assert parse_number(0.1, "n") == Decimal("0.1")
    assert parse_int("12", "quantity") == 12
    assert parse_int(12.0, "quantity") == 12
    assert parse_int(" +3 ", "quantity") == 3
    assert parse_int("1,000", "quantity") == 1000
    assert error_of(parse_int, "1.5", "quantity").message == "must be a whole number; got '1.5'"
    err = error_of(parse_int, 0, "quantity", minimum=1, maximum=10)
    assert err.message == "must be a whole number from 1 to 10; got 0"
    assert "at least 1" in error_of(parse_int, 0, "q", minimum=1).message
    assert "at most 1" in error_of(parse_int, 2, "q", maximum=1).message
    for bad in ("abc", "", "1e3", True, None, float("nan"), Decimal("Infinity"), [1]):
        assert error_of(parse_number, bad, "n").field == "n"
    assert "at most 2 decimals" in error_of(parse_number, "1.234", "n", places=2).message


def test_parse_id() -> None:
    assert parse_id("7", "customer_id") == 7
    for bad in (0, -1, "x", 1.5, True):
        err = error_of(parse_id, bad, "customer_id")
        assert err.field == "customer_id"
        assert "record id" in err.message


def test_parse_tags_normalises_and_deduplicates() -> None:
    assert parse_tags("VIP, vip ,  high   volume,,", "tags") == ["VIP", "high volume"]
    assert parse_tags(["Gold", "gold", "a,b"], "tags") == ["Gold", "a", "b"]
    assert parse_tags((), "tags") == []
    assert parse_tags({"b", "a"}, "tags") == ["a", "b"]


def test_parse_tags_errors_name_the_element() -> None:
    assert error_of(parse_tags, 5, "tags").field == "tags"
    assert error_of(parse_tags, ["ok", 1.5], "tags").field == "tags[1]"
    assert "too long" in error_of(parse_tags, ["x" * 41], "tags").message
    assert "at most 50" in error_of(parse_tags, [f"t{i}" for i in range(51)], "tags").message
