"""The segment rule language: parsing text and stored JSON, errors, and describing back."""

from __future__ import annotations

from typing import Any

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.segments import (
    OPS,
    RULE_FIELDS,
    FieldType,
    describe,
    describe_segment,
    find_field,
    ops_for,
    parse_condition,
    parse_conditions,
)


def cond(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        # The spec's examples.
        ("total_spent >= 1000", cond("total_spent", ">=", 100000)),
        ("tags has vip", cond("tags", "has", "vip")),
        ("region in [Casablanca, Rabat]", cond("region", "in", ["Casablanca", "Rabat"])),
        ("last_order within 30 days", cond("last_order", "within", 30)),
        ("lifecycle_segment = at_risk", cond("lifecycle_segment", "=", "at_risk")),
        ("churn_risk > 0.7", cond("churn_risk", ">", 0.7)),
        ("email contains @acme", cond("email", "contains", "@acme")),
        ("status != inactive", cond("status", "!=", "inactive")),
        # Every operator, spacing and spelling variants.
        ("total_spent<1,000.50", cond("total_spent", "<", 100050)),
        ("total_spent <= $99.5", cond("total_spent", "<=", 9950)),
        ("order_count == 3", cond("order_count", "=", 3)),
        ("order_count <> 3", cond("order_count", "!=", 3)),
        ("rfm_r in [4, 5]", cond("rfm_r", "in", [4, 5])),
        ("status not in [inactive]", cond("status", "not_in", ["inactive"])),
        ("status not_in [Inactive]", cond("status", "not_in", ["inactive"])),
        ("tags in [vip, gold]", cond("tags", "in", ["vip", "gold"])),
        ("tags contains whole", cond("tags", "contains", "whole")),
        ("last_order within 7d", cond("last_order", "within", 7)),
        ("last_order within 1 day", cond("last_order", "within", 1)),
        ("last_order_date before -90d", cond("last_order_date", "before", "-90d")),
        ("first_order after 2024-01-01", cond("first_order", "after", "2024-01-01")),
        ("created >= today", cond("created", ">=", "today")),
        ("created < 30D", cond("created", "<", "+30d")),
        ("phone is empty", cond("phone", "is_empty", None)),
        ("phone is_empty", cond("phone", "is_empty", None)),
        ("tags is not empty", cond("tags", "not_empty", None)),
        ("tags not_empty", cond("tags", "not_empty", None)),
        ("Email_Opt_In = Yes", cond("email_opt_in", "=", True)),
        ("do_not_contact != no", cond("do_not_contact", "!=", False)),
        (
            'rfm_segment in [loyal customers, "at risk"]',
            cond("rfm_segment", "in", ["Loyal Customers", "At Risk"]),
        ),
        ("loyalty_tier >= gold", cond("loyalty_tier", ">=", "Gold")),
        ('name = "Smith, Jones"', cond("name", "=", "Smith, Jones")),
        ('name = "say \\"hi\\""', cond("name", "=", 'say "hi"')),
        ("name = Bob Smith", cond("name", "=", "Bob Smith")),
        ("customer_type = key account", cond("customer_type", "=", "key account")),
        ("churn_risk >= -0.5", cond("churn_risk", ">=", -0.5)),
    ],
)
def test_parse_condition(text: str, condition: dict[str, Any]) -> None:
    parsed = parse_condition(text)
    assert parsed == condition
    assert parse_condition(describe(parsed)) == parsed


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("total_spent >= 1000", "total_spent >= 1000"),
        ("total_spent>=1,000.5", "total_spent >= 1000.50"),
        ("region in [Casablanca,Rabat]", "region in [Casablanca, Rabat]"),
        ("tags is not empty", "tags not_empty"),
        ("last_order within 30d", "last_order within 30 days"),
        ("email_opt_in = TRUE", "email_opt_in = yes"),
        ("churn_risk = 0.00001", "churn_risk = 0.00001"),
        ('name in ["a,b", c]', 'name in ["a,b", c]'),
        ("name = a\\b", 'name = "a\\\\b"'),
    ],
)
def test_describe(text: str, described: str) -> None:
    assert describe(parse_condition(text)) == described


def test_stored_json_conditions() -> None:
    assert parse_condition({"field": "total_spent", "op": ">=", "value": 100000}) == cond(
        "total_spent", ">=", 100000
    )
    assert parse_condition({"field": "Tags", "op": "IS EMPTY"}) == cond("tags", "is_empty", None)
    assert parse_condition({"field": "region", "op": "in", "value": ["Rabat"]}) == cond(
        "region", "in", ["Rabat"]
    )
    with pytest.raises(ValidationError) as err:
        parse_condition({"field": "total_spent", "op": ">=", "value": "1000"}, 0)
    assert err.value.errors == {
        "conditions[0].value": "must be a whole number of cents in stored rules; got '1000'"
    }
    with pytest.raises(ValidationError) as err:
        parse_condition({"field": "region", "op": "in", "value": "Rabat"}, 1)
    assert err.value.field == "conditions[1].value"


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("foo = 1", "conditions[2].field", "unknown field 'foo'"),
        ("= 1", "conditions[2].field", "must start with a field name"),
        ("", "conditions[2].field", "must start with a field name"),
        ("total_spent", "conditions[2].op", "expected an operator"),
        ("total_spent ~ 5", "conditions[2].op", "expected an operator"),
        ("total_spent has 5", "conditions[2].op", "has does not apply to total_spent (money)"),
        ("email within 3 days", "conditions[2].op", "use one of =, !=, in, not_in, contains"),
        ("status > active", "conditions[2].op", "does not apply"),
        ("email_opt_in in [yes]", "conditions[2].op", "does not apply"),
        ("total_spent >= abc", "conditions[2].value", "not an amount"),
        ("total_spent >= 1.234", "conditions[2].value", "more than 2 decimals"),
        ("total_spent >=", "conditions[2].value", "is required"),
        ("order_count > many", "conditions[2].value", "must be a number; got 'many'"),
        ("order_count > 99999999999999999", "conditions[2].value",
         "is too large: '99999999999999999'; a rule compares numbers within a thousand "
         "trillion of zero"),
        ("order_count > -2000000000000000", "conditions[2].value", "is too small"),
        ("last_order within soon", "conditions[2].value", "not a number of days"),
        ("last_order within 99999 days", "conditions[2].value", "not a number of days"),
        ("last_order before someday", "conditions[2].value", "YYYY-MM-DD"),
        ("last_order before +9999y", "conditions[2].value", "outside the calendar"),
        ("lifecycle_segment = gold", "conditions[2].value", "must be one of prospect, inactive"),
        ("email_opt_in = maybe", "conditions[2].value", "yes or no"),
        ("phone is_empty 5", "conditions[2].value", "takes no value"),
        ("region in []", "conditions[2].value", "must be a list"),
        ("region in [a, b", "conditions[2].value", "unclosed list"),
        ('region in [a, "b]', "conditions[2].value", "unclosed"),
        ('name = "abc', "conditions[2].value", "unclosed quote"),
        ('name = "a" b', "conditions[2].value", "text after a closing quote"),
        ("name = [a, b]", "conditions[2].value", "needs the in or not_in operator"),
        ("region in a]", "conditions[2].value", "without '['"),
        ("rfm_r in [1, x]", "conditions[2].value[1]", "must be a number"),
    ],
)
def test_errors_name_the_part_of_the_condition(text: str, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_condition(text, 2)
    assert err.value.field == field
    assert words in err.value.message


def test_errors_without_an_index_say_condition() -> None:
    with pytest.raises(ValidationError) as err:
        parse_condition("foo = 1")
    assert err.value.field == "condition.field"
    with pytest.raises(ValidationError) as err:
        parse_condition(42)
    assert err.value.field == "condition"


def test_parse_conditions_reports_every_bad_line() -> None:
    with pytest.raises(ValidationError) as err:
        parse_conditions(["total_spent >= 1000", "foo = 1", "tags has vip", "status = gone"])
    assert set(err.value.errors) == {"conditions[1].field", "conditions[3].value"}
    with pytest.raises(ValidationError) as err:
        parse_conditions(["x = 1"] * 51)
    assert err.value.errors == {"conditions": "has 51 conditions; at most 50"}
    with pytest.raises(ValidationError):
        parse_conditions(5)
    assert parse_conditions("tags has vip\n  \nstatus = active") == [
        cond("tags", "has", "vip"),
        cond("status", "=", "active"),
    ]


def test_registry() -> None:
    assert find_field("TOTAL_SPENT") is RULE_FIELDS["total_spent"]
    assert find_field("nope") is None
    assert RULE_FIELDS["total_spent"].type is FieldType.MONEY
    assert RULE_FIELDS["last_order"].path == ("last_order_date",)
    assert RULE_FIELDS["email_opt_in"].path == ("preferences", "email_opt_in")
    for field in RULE_FIELDS.values():
        assert set(ops_for(field)) <= set(OPS)
    assert ">=" in ops_for(RULE_FIELDS["loyalty_tier"])
    assert ">=" not in ops_for(RULE_FIELDS["lifecycle_segment"])


def test_describe_segment() -> None:
    segment = {
        "match": "any",
        "conditions": parse_conditions(["tags has vip", "total_spent > 500"]),
    }
    assert describe_segment(segment) == "any of: tags has vip; total_spent > 500"
    assert describe_segment({"conditions": []}) == "all of: (no conditions)"
