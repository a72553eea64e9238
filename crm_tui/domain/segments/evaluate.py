"""Deciding whether a customer's facts satisfy a segment, as of a given date.

Evaluation never raises on a canonical segment: a missing or unreadable fact simply does
not match (except for !=, not_in and is_empty, which it satisfies).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from crm_tui.domain import dates
from crm_tui.domain.entities.common import enum_key, parse_bool
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.segments.facts import DERIVED_FROM
from crm_tui.domain.segments.fields import FieldType, RuleField, find_field

_NEGATIVE_OPS = ("!=", "not_in")


def evaluate(segment: Mapping[str, Any], facts: Mapping[str, Any], as_of: date) -> bool:
    """Whether `facts` match the segment: all conditions ("all") or at least one ("any")."""
    conditions = segment.get("conditions") or []
    results = (matches(condition, facts, as_of) for condition in conditions)
    return any(results) if segment.get("match") == "any" else all(results)


def matches(condition: Mapping[str, Any], facts: Mapping[str, Any], as_of: date) -> bool:
    """Whether one canonical condition holds for `facts` on `as_of`."""
    field = find_field(str(condition.get("field", "")))
    if field is None:
        return False
    op: object = condition.get("op")
    value = condition.get("value")
    actual = lookup(facts, field)
    if op in ("is_empty", "not_empty"):
        return _is_empty(actual) == (op == "is_empty")
    if field.type is FieldType.LIST:
        return _list_matches(op, value, actual)
    try:
        fact = _comparable(field, actual, as_of)
        wanted = _wanted(field, op, value, as_of)
    except ValidationError:  # a relative date beyond the calendar from this as_of
        return False
    if fact is None or wanted is None:
        return op in _NEGATIVE_OPS
    return _compare(op, fact, wanted, as_of)


def lookup(facts: Mapping[str, Any], field: RuleField) -> Any:
    """The value at the field's path in the facts, or None."""
    value: Any = facts
    for key in field.path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _is_empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, (list, tuple, dict)) and not value)


def _wanted(field: RuleField, op: object, value: Any, as_of: date) -> Any:
    if op == "within":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, list):
        return [_comparable(field, item, as_of) for item in value]
    return _comparable(field, value, as_of)


def _list_matches(op: object, value: Any, actual: Any) -> bool:
    items = [str(item).casefold() for item in actual] if isinstance(actual, (list, tuple)) else []
    if op in ("in", "not_in"):
        choices = [str(v).casefold() for v in value] if isinstance(value, list) else []
        return any(item in choices for item in items) == (op == "in")
    # has and contains take one value: the parser refuses a list for them
    wanted = str(value).casefold()
    if op == "has":
        return wanted in items
    if op == "contains":
        return any(wanted in item for item in items)
    return False


def _comparable(field: RuleField, value: Any, as_of: date) -> Any:
    """Fact or rule value reduced to something ordered and comparable, or None."""
    kind = field.type
    if value is None:
        # An unset preference is a no: nobody opted in by saying nothing.
        return False if kind is FieldType.BOOL else None
    if kind in (FieldType.NUMBER, FieldType.MONEY):
        return (
            value
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
            else None
        )
    if kind is FieldType.DATE:
        if isinstance(value, str) and dates.relative_token(value) is not None:
            return dates.parse_date(value, field.name, as_of)
        return dates.to_date(value)
    if kind is FieldType.BOOL:
        try:
            return parse_bool(value, field.name)
        except ValidationError:
            return None
    if kind is FieldType.ENUM:
        key = enum_key(str(value))
        if field.ordered:
            ranks = [enum_key(choice) for choice in field.choices]
            return ranks.index(key) if key in ranks else None
        return key
    return str(value).casefold() if isinstance(value, (str, int)) else None


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "after": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "before": operator.lt,
    "<=": operator.le,
}


def _compare(op: object, fact: Any, wanted: Any, as_of: date) -> bool:
    if op == "within":
        try:
            earliest = as_of - timedelta(days=wanted)
        except OverflowError:
            earliest = date.min
        return isinstance(fact, date) and earliest <= fact <= as_of
    if op in ("in", "not_in"):
        return (fact in wanted) == (op == "in")
    if op == "contains":
        return isinstance(fact, str) and isinstance(wanted, str) and wanted in fact
    compare = _COMPARISONS.get(op) if isinstance(op, str) else None
    try:
        return bool(compare(fact, wanted)) if compare else False
    except TypeError:  # a fact of the wrong type for the field
        return False


def fields_used(segment: Mapping[str, Any]) -> set[str]:
    """The top-level fact keys the segment reads, with the customer fields derived facts
    come from ("region" brings "addresses", opt-ins read "preferences"): a change that
    touches none of them cannot change membership."""
    used: set[str] = set()
    for condition in segment.get("conditions") or []:
        field = find_field(str(condition.get("field", "")))
        if field is not None:
            used.add(field.path[0])
            used.update(DERIVED_FROM.get(field.path[0], ()))
    return used


def is_time_dependent(segment: Mapping[str, Any]) -> bool:
    """Whether membership can change with as_of alone (a `within` or a relative date), so a
    cached member list must be recomputed when the date moves on."""
    for condition in segment.get("conditions") or []:
        if condition.get("op") == "within":
            return True
        values = condition.get("value")
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and dates.relative_token(value) is not None:
                field = find_field(str(condition.get("field", "")))
                if field is not None and field.type is FieldType.DATE:
                    return True
    return False
