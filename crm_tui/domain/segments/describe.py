"""Rendering conditions and segments back to the text the parser reads.

`parse_condition(describe(c)) == c` for every canonical condition `c`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from crm_tui.domain import money
from crm_tui.domain.segments import ops
from crm_tui.domain.segments.fields import FieldType, find_field
from crm_tui.domain.segments.syntax import quote


def describe(condition: Mapping[str, Any]) -> str:
    """The text form of a canonical condition: "total_spent >= 1000", "tags has vip"."""
    name, op, value = str(condition["field"]), str(condition["op"]), condition.get("value")
    field = find_field(name)
    kind = field.type if field else FieldType.TEXT
    if op in ops.NO_VALUE_OPS:
        return f"{name} {op}"
    if op == "within":
        return f"{name} within {value} days"
    if op in ops.LIST_VALUE_OPS and isinstance(value, (list, tuple)):
        return f"{name} {op} [{', '.join(_value_text(kind, item) for item in value)}]"
    return f"{name} {op} {_value_text(kind, value)}"


def describe_segment(segment: Mapping[str, Any]) -> str:
    """One line for a whole segment: "all of: total_spent >= 1000; tags has vip"."""
    conditions = "; ".join(describe(c) for c in segment.get("conditions") or [])
    return f"{segment.get('match', 'all')} of: {conditions or '(no conditions)'}"


def _value_text(kind: FieldType, value: Any) -> str:
    if kind is FieldType.MONEY and isinstance(value, int):
        return money.format_money_short(value)
    if kind is FieldType.BOOL and isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        # Plain notation: "1e-05" would not read back as a number.
        return format(Decimal(str(value)).normalize(), "f")
    return quote(str(value))
