"""Loyalty programs, points ledger entries, segment definitions and audit entries."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crm_tui.domain.entities.audit import validate_audit_entry
from crm_tui.domain.entities.ledger import validate_ledger_entry
from crm_tui.domain.entities.loyalty_program import validate_loyalty_program
from crm_tui.domain.entities.segment import validate_segment
from crm_tui.domain.errors import ValidationError

TODAY = date(2024, 5, 1)


def errors(validate: Any, data: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as err:
        validate(data, today=TODAY, **kwargs)
    return err.value.errors


def test_loyalty_program() -> None:
    program = validate_loyalty_program(
        {"name": "Gold", "multiplier": "1.5", "min_purchase_cents": "$10", "expiry_days": "365"},
        today=TODAY,
    )
    assert program == {
        "name": "Gold",
        "description": None,
        "multiplier": 1.5,
        "min_purchase_cents": 1000,
        "expiry_days": 365,
        "active": True,
    }
    assert validate_loyalty_program({"name": "Basic"}, today=TODAY)["multiplier"] == 1.0


def test_loyalty_program_errors() -> None:
    bad = errors(
        validate_loyalty_program, {"multiplier": "0", "min_purchase_cents": "-1", "expiry_days": 0}
    )
    assert set(bad) == {"name", "multiplier", "min_purchase_cents", "expiry_days"}
    assert "above 0" in bad["multiplier"]
    assert (
        "at most 2 decimals"
        in errors(validate_loyalty_program, {"name": "x", "multiplier": "1.234"})["multiplier"]
    )
    assert (
        "at most 100"
        in errors(validate_loyalty_program, {"name": "x", "multiplier": 1000})["multiplier"]
    )


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


def test_audit_entry() -> None:
    entry = validate_audit_entry(
        {
            "who": "ana",
            "when": "2024-05-01T10:00:00",
            "entity": "Customers",
            "entity_id": 3,
            "action": "Update",
            "changes": {"email": ("a@b.co", "c@d.co"), "tags": [[], ["vip"]]},
        },
        today=TODAY,
    )
    assert entry == {
        "who": "ana",
        "when": "2024-05-01T10:00:00",
        "entity": "customers",
        "entity_id": 3,
        "action": "update",
        "changes": {"email": ["a@b.co", "c@d.co"], "tags": [[], ["vip"]]},
    }
    assert (
        validate_audit_entry({**entry, "entity_id": "batch-7"}, today=TODAY)["entity_id"]
        == "batch-7"
    )


def test_audit_errors() -> None:
    assert set(errors(validate_audit_entry, {})) == {"who", "when", "entity", "entity_id", "action"}
    base = {
        "who": "a",
        "when": "2024-05-01T10:00:00",
        "entity": "customers",
        "entity_id": 1,
        "action": "update",
    }
    assert errors(validate_audit_entry, {**base, "changes": {"email": "new"}}) == {
        "changes.email": "must be [old value, new value] of plain JSON values"
    }
    assert "changes.x" in errors(validate_audit_entry, {**base, "changes": {"x": [object(), 1]}})
    assert "changes.x" in errors(
        validate_audit_entry, {**base, "changes": {"x": [float("nan"), 1]}}
    )
    assert errors(validate_audit_entry, {**base, "changes": ["email"]}) == {
        "changes": "must be a mapping of field name to [old value, new value]"
    }
