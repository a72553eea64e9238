"""Evaluating segments over customer facts as of a date; what a segment depends on."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crm_tui.domain.segments import (
    customer_facts,
    evaluate,
    fields_used,
    is_time_dependent,
    matches,
    parse_condition,
    parse_conditions,
)

AS_OF = date(2024, 5, 1)
CUSTOMER: dict[str, Any] = {
    "id": 7,
    "kind": "individual",
    "first_name": "Amina",
    "last_name": "Alaoui",
    "email": "amina@acme.ma",
    "phone": None,
    "status": "active",
    "customer_type": "wholesale",
    "tags": ["VIP", "Gold Club"],
    "addresses": [
        {"kind": "billing", "city": "Fes", "region": None, "is_default": False},
        {
            "kind": "office",
            "city": "Casablanca",
            "region": None,
            "country": "Morocco",
            "is_default": True,
        },
    ],
    "preferences": {"email_opt_in": True, "sms_opt_in": False, "gdpr_consent": True},
    "segment_override": None,
    "created_at": "2023-06-15T09:30:00",
}
COMPUTED: dict[str, Any] = {
    "total_spent": 150000,
    "order_count": 4,
    "last_order_date": "2024-04-20",
    "first_order_date": "2023-07-01",
    "lifecycle_segment": "vip",
    "rfm_segment": "Loyal Customers",
    "rfm_r": 5,
    "churn_risk": 0.12,
    "loyalty_tier": "Silver",
    "loyalty_points": 180,
}
FACTS = customer_facts(CUSTOMER, COMPUTED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("total_spent >= 1000", True),
        ("total_spent >= 1500.01", False),
        ("total_spent = 1500", True),
        ("total_spent != 1500", False),
        ("total_spent < 1500", False),
        ("total_spent <= 1500", True),
        ("total_spent > 1499.99", True),
        ("total_spent in [1500, 10]", True),
        ("total_spent not_in [1500]", False),
        ("order_count > 3", True),
        ("churn_risk > 0.7", False),
        ("churn_risk < 0.2", True),
        ("rfm_r in [4, 5]", True),
        ("tags has vip", True),
        ("tags has VIP", True),
        ("tags has gold", False),
        ("tags contains gold", True),
        ("tags in [bronze, gold club]", True),
        ("tags not_in [bronze, gold club]", False),
        ("tags not_in [bronze]", True),
        ("tags not_empty", True),
        ("tags is_empty", False),
        ("region in [Casablanca, Rabat]", True),
        ("region = casablanca", True),
        ("city = Casablanca", True),
        ("country = morocco", True),
        ("name = Amina Alaoui", True),
        ("email contains @ACME", True),
        ("email contains @other", False),
        ("phone is_empty", True),
        ("phone not_empty", False),
        ("status != inactive", True),
        ("status = active", True),
        ("kind in [corporate]", False),
        ("lifecycle_segment = vip", True),
        ("lifecycle_segment = at_risk", False),
        ("rfm_segment = loyal customers", True),
        ("loyalty_tier >= Silver", True),
        ("loyalty_tier > Silver", False),
        ("loyalty_tier < gold", True),
        ("last_order within 30 days", True),
        ("last_order within 10 days", False),
        ("last_order within 11 days", True),
        ("last_order_date before -30d", False),
        ("last_order_date after -30d", True),
        ("last_order = 2024-04-20", True),
        ("last_order >= 2024-04-21", False),
        ("first_order before 2024-01-01", True),
        ("created after 2023-06-14", True),
        ("created = 2023-06-15", True),
        ("email_opt_in = yes", True),
        ("sms_opt_in = no", True),
        ("push_opt_in = no", True),  # never set: not opted in
        ("gdpr_consent != no", True),
        ("do_not_contact = yes", False),
        ("external_id is_empty", True),
        ("average_order_value > 10", False),  # not computed: does not match
        ("average_order_value != 10", True),
    ],
)
def test_each_operator(text: str, expected: bool) -> None:
    assert matches(parse_condition(text), FACTS, AS_OF) is expected


def test_match_all_and_any() -> None:
    conditions = parse_conditions(["total_spent >= 1000", "tags has bronze"])
    assert evaluate({"match": "all", "conditions": conditions}, FACTS, AS_OF) is False
    assert evaluate({"match": "any", "conditions": conditions}, FACTS, AS_OF) is True
    assert evaluate({"conditions": conditions[:1]}, FACTS, AS_OF) is True  # "all" by default


def test_membership_moves_with_as_of() -> None:
    segment = {"match": "all", "conditions": parse_conditions(["last_order within 30 days"])}
    assert evaluate(segment, FACTS, date(2024, 5, 20)) is True
    assert evaluate(segment, FACTS, date(2024, 5, 21)) is False
    assert evaluate(segment, FACTS, date(2024, 4, 19)) is False  # ordered "in the future"


def test_missing_facts_do_not_match_except_negations() -> None:
    empty: dict[str, Any] = {}
    for text, expected in [
        ("total_spent > 0", False),
        ("total_spent != 0", True),
        ("region in [a]", False),
        ("region not_in [a]", True),
        ("tags has vip", False),
        ("tags not_in [vip]", True),
        ("last_order within 30 days", False),
        ("email_opt_in = no", True),
        ("loyalty_tier >= New", False),
        ("phone is_empty", True),
    ]:
        assert matches(parse_condition(text), empty, AS_OF) is expected, text


def test_bad_facts_never_raise() -> None:
    odd = {
        "total_spent": "lots",
        "tags": "vip",
        "last_order_date": "yesterday-ish",
        "loyalty_tier": "Diamond",
        "preferences": "none",
        "churn_risk": True,
        "email": 5,
    }
    for text in [
        "total_spent > 0",
        "tags has vip",
        "last_order within 3 days",
        "loyalty_tier > New",
        "email_opt_in = yes",
        "churn_risk > 0.5",
        "email contains 5",
        "region = x",
    ]:
        assert matches(parse_condition(text), odd, AS_OF) in (True, False)


def test_relative_dates_beyond_the_calendar_do_not_match() -> None:
    condition = parse_condition("created after +1m")
    assert matches(condition, {"created_at": "2024-01-01"}, date.max) is False


def test_unknown_field_in_a_stored_segment_does_not_match() -> None:
    assert matches({"field": "gone", "op": "=", "value": 1}, FACTS, AS_OF) is False


def test_customer_facts() -> None:
    assert FACTS["region"] == "Casablanca"  # the default address's region, else its city
    assert FACTS["name"] == "Amina Alaoui"
    assert FACTS["total_spent"] == 150000
    with_region = customer_facts(
        {**CUSTOMER, "addresses": [{"city": "Sale", "region": "Rabat-Sale"}]}
    )
    assert with_region["region"] == "Rabat-Sale"
    overridden = customer_facts({**CUSTOMER, "segment_override": "at_risk"}, COMPUTED)
    assert overridden["lifecycle_segment"] == "at_risk"
    bare = customer_facts({"first_name": "X"})
    assert bare["region"] is None and bare["city"] is None


def test_fields_used() -> None:
    segment = {
        "conditions": parse_conditions(
            [
                "total_spent >= 1000",
                "tags has vip",
                "region = x",
                "email_opt_in = yes",
                "last_order within 3 days",
                "lifecycle_segment = vip",
            ]
        )
    }
    assert fields_used(segment) == {
        "total_spent",
        "tags",
        "region",
        "addresses",
        "preferences",
        "last_order_date",
        "lifecycle_segment",
        "segment_override",
    }
    assert fields_used({"conditions": []}) == set()


def test_is_time_dependent() -> None:
    def segment(*lines: str) -> dict[str, Any]:
        return {"conditions": parse_conditions(list(lines))}

    assert is_time_dependent(segment("last_order within 30 days"))
    assert is_time_dependent(segment("tags has vip", "created after -1y"))
    assert is_time_dependent(segment("first_order >= today"))
    assert not is_time_dependent(segment("created after 2024-01-01", "total_spent > 5"))
    assert not is_time_dependent(segment("name = today"))
