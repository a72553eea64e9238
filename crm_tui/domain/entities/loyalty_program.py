"""Loyalty programs: how purchases earn points (multiplier, minimum purchase, expiry)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.schema import Field, Parser
from crm_tui.domain.errors import ValidationError

MAX_MULTIPLIER = 100
MULTIPLIER_HINT = (
    f"a number above 0 and at most {MAX_MULTIPLIER}, with at most 2 decimals (e.g. 1.5)"
)


def _multiplier(value: object, field: str, today: date) -> float:
    number = common.parse_number(value, field, maximum=MAX_MULTIPLIER, places=2)
    if number <= 0:
        raise ValidationError(field, f"must be above 0; expected {MULTIPLIER_HINT}")
    return float(number)


LOYALTY_PROGRAM_FIELDS: dict[str, Field] = {
    "name": Field(schema.text(common.SHORT_TEXT), required=True),
    "description": Field(schema.text(common.LONG_TEXT, multiline=True)),
    "multiplier": Field(Parser(_multiplier, MULTIPLIER_HINT), default=1.0),
    "min_purchase_cents": Field(schema.amount(), default=0),
    "expiry_days": Field(schema.whole(1, 36_500)),  # None: points never expire
    "active": Field(schema.FLAG, default=True),
}


def validate_loyalty_program(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise a program. min_purchase_cents is typed in dollars like any amount."""
    return schema.validate_record(
        data, LOYALTY_PROGRAM_FIELDS, today=today, partial=partial, current=current
    )
