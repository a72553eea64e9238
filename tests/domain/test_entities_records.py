"""Points ledger entries and segment definitions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crm_tui.domain.entities.ledger import validate_ledger_entry
from crm_tui.domain.entities.segment import validate_segment
from crm_tui.domain.errors import ValidationError

TODAY = date(2024, 5, 1)


def errors(validate: Any, data: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as err:
        validate(data, today=TODAY, **kwargs)
    return err.value.errors


@pytest.mark.parametrize(
    ("kind", "points", "stored"),
    [
        ("earn", 120, 120),
        ("redeem", 50, -50),
        ("Redeem", "-50", -50),
        ("expire", 10, -10),
        ("adjust", -7, -7),
        ("adjustment", 7, 7),
    ],
)
def test_ledger_signs(kind: str, points: object, stored: int) -> None:
    entry = validate_ledger_entry({"customer_id": 1, "kind": kind, "points": points}, today=TODAY)
    assert entry["points"] == stored


def test_ledger_errors() -> None:
    assert errors(validate_ledger_entry, {"customer_id": 1, "kind": "earn", "points": 0}) == {
        "points": "must not be zero: an entry records a change to the balance"
    }
    assert (
        "positive"
        in errors(validate_ledger_entry, {"customer_id": 1, "kind": "earn", "points": -3})["points"]
    )
    assert set(errors(validate_ledger_entry, {"kind": "gift", "points": 1.5})) == {
        "customer_id",
        "kind",
        "points",
    }


def test_segment_conditions_are_parsed_and_canonical() -> None:
    segment = validate_segment(
        {
            "name": " VIP Rabat ",
            "match": "OR",
            "color": "#2E7D32",
            "conditions": ["total_spent >= 1000", {"field": "tags", "op": "has", "value": "vip"}],
        },
        today=TODAY,
    )
    assert segment == {
        "name": "VIP Rabat",
        "description": None,
        "match": "any",
        "color": "#2e7d32",
        "active": True,
        "conditions": [
            {"field": "total_spent", "op": ">=", "value": 100000},
            {"field": "tags", "op": "has", "value": "vip"},
        ],
    }
    from_lines = validate_segment(
        {"name": "x", "conditions": "status = active\n\nkind = corporate"}, today=TODAY
    )
    assert len(from_lines["conditions"]) == 2


def test_segment_errors_point_at_the_condition() -> None:
    bad = errors(
        validate_segment,
        {
            "name": "",
            "match": "most",
            "color": "not a color!",
            "conditions": ["total_spent >= 1000", "region within 3 days", "x = 1"],
        },
    )
    assert set(bad) == {"name", "match", "color", "conditions[1].op", "conditions[2].field"}
    assert errors(validate_segment, {"name": "x", "conditions": []}) == {
        "conditions": "needs at least one condition, e.g. a condition like "
        "'total_spent >= 1000' or {field, op, value}"
    }
