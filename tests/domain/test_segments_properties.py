"""Property tests of the rule language: the parser only ever raises ValidationError naming
a part of the condition, describe() round-trips, and evaluation never raises."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.money import format_money
from crm_tui.domain.segments import (
    OPS,
    RULE_FIELDS,
    FieldType,
    RuleField,
    describe,
    evaluate,
    ops_for,
    parse_condition,
)
from crm_tui.domain.segments.syntax import quote

FIELD_NAMES = sorted(RULE_FIELDS)
WRITTEN_OPS = [*OPS, "==", "<>", "not in", "is empty", "is not empty", "~", "has not"]
_ERROR_FIELD = re.compile(r"^(condition|conditions\[3\])(\.(field|op|value(\[\d+\])?))?$")

VALUE_WORDS = st.sampled_from(
    [
        "1000",
        "$1,200.50",
        "0.7",
        "-3",
        "1.234",
        "abc",
        "vip",
        "Gold",
        "at_risk",
        "Loyal Customers",
        "yes",
        "no",
        "today",
        "-30d",
        "+1m",
        "2024-02-29",
        "2024-02-30",
        "30 days",
        "7d",
        "[a, b]",
        "[1, 2]",
        '"quoted, text"',
        '"unclosed',
        "[",
        "]",
        "",
        "active",
        "individual",
        "@acme",
        "[Casablanca, Rabat]",
        '["a\\"b", c]',
        "+9999y",
        "99999 days",
    ]
)
VALUES = st.one_of(VALUE_WORDS, st.text(max_size=15))
GRAMMARISH = st.builds(
    lambda f, o, v, sep: f"{f}{sep}{o}{sep}{v}",
    st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=6)),
    st.sampled_from(WRITTEN_OPS),
    VALUES,
    st.sampled_from([" ", "", "  "]),
)
JSONISH = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10), VALUE_WORDS
    ),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=5,
)
FACT_VALUES = st.one_of(
    JSONISH, st.dates(), st.dictionaries(st.text(max_size=5), JSONISH, max_size=3)
)
FACTS = st.dictionaries(
    st.sampled_from(
        [*FIELD_NAMES, "last_order_date", "first_order_date", "preferences", "created_at"]
    ),
    FACT_VALUES,
)


def check_parse(source: object, index: int | None) -> dict[str, Any] | None:
    try:
        condition = parse_condition(source, index)
    except ValidationError as err:
        for name, message in err.errors.items():
            assert _ERROR_FIELD.match(name), name
            assert message
        return None
    assert condition["field"] in RULE_FIELDS and condition["op"] in OPS
    return dict(condition)


@settings(max_examples=200)
@given(st.one_of(GRAMMARISH, st.text(max_size=40)), st.sampled_from([None, 3]))
def test_text_parses_or_raises_a_named_validation_error(text: str, index: int | None) -> None:
    condition = check_parse(text, index)
    if condition is not None:
        assert parse_condition(describe(condition)) == condition


@settings(max_examples=150)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "field": st.one_of(st.sampled_from(FIELD_NAMES), JSONISH),
            "op": st.one_of(st.sampled_from(WRITTEN_OPS), JSONISH),
            "value": JSONISH,
        },
    ),
    st.sampled_from([None, 3]),
)
def test_mappings_parse_or_raise_a_named_validation_error(
    data: dict[str, Any], index: int | None
) -> None:
    condition = check_parse(data, index)
    if condition is not None:
        assert parse_condition(condition) == condition
        assert parse_condition(describe(condition)) == condition


@settings(max_examples=150)
@given(GRAMMARISH, FACTS, st.dates(), st.sampled_from(["all", "any"]))
def test_evaluation_never_raises(text: str, facts: dict[str, Any], as_of: date, match: str) -> None:
    condition = check_parse(text, None)
    if condition is not None:
        assert evaluate({"match": match, "conditions": [condition]}, facts, as_of) in (True, False)


WORDS = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=20
).filter(str.strip)
RELATIVE = st.builds(
    lambda sign, n, unit: f"{sign}{n}{unit}",
    st.sampled_from(["+", "-", ""]),
    st.integers(0, 999),
    st.sampled_from("dwmy"),
)
ELEMENTS: dict[FieldType, st.SearchStrategy[str]] = {
    FieldType.MONEY: st.integers(-(10**13), 10**13).map(format_money),
    FieldType.NUMBER: st.decimals(-(10**6), 10**6, places=3, allow_nan=False).map(str),
    FieldType.DATE: st.one_of(
        st.dates(date(1900, 1, 1), date(2199, 1, 1)).map(date.isoformat),
        st.sampled_from(["today", "yesterday", "tomorrow"]),
        RELATIVE,
    ),
    FieldType.BOOL: st.sampled_from(["yes", "no", "TRUE", "false", "1", "0"]),
    FieldType.TEXT: WORDS.map(quote),
    FieldType.LIST: WORDS.filter(lambda w: "," not in w).map(quote),
}


def element(field: RuleField) -> st.SearchStrategy[str]:
    if field.type is FieldType.ENUM:
        return st.sampled_from(field.choices).flatmap(
            lambda c: st.sampled_from([c, c.upper(), c.lower()])
        )
    return ELEMENTS[field.type]


@st.composite
def valid_texts(draw: st.DrawFn) -> str:
    field = RULE_FIELDS[draw(st.sampled_from(FIELD_NAMES))]
    op = draw(st.sampled_from(ops_for(field)))
    if op in ("is_empty", "not_empty"):
        value = ""
    elif op == "within":
        value = f"{draw(st.integers(0, 36_500))} days"
    elif op in ("in", "not_in"):
        value = "[" + ", ".join(draw(st.lists(element(field), min_size=1, max_size=4))) + "]"
    else:
        value = draw(element(field))
    return f"{field.name} {op} {value}".strip()


@settings(max_examples=250, deadline=None)
@given(valid_texts(), FACTS, st.dates(), st.sampled_from(["all", "any"]))
def test_well_formed_conditions_round_trip_and_evaluate(
    text: str, facts: dict[str, Any], as_of: date, match: str
) -> None:
    condition = parse_condition(text)
    assert parse_condition(describe(condition)) == condition
    assert parse_condition(dict(condition)) == condition  # the stored JSON form reads back too
    assert evaluate({"match": match, "conditions": [condition]}, facts, as_of) in (True, False)
