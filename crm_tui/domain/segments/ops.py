"""Operators of the rule language: which apply to which field type, and how values are read.

A condition's stored value is canonical: money in cents, enum values in their canonical
spelling, dates as ISO text or a relative shortcut ("-30d", resolved against as_of when
evaluated), `within` as a number of days, list operators as a list, and None for
is_empty / not_empty.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from crm_tui.domain import dates, money
from crm_tui.domain.entities import common
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.segments.fields import FieldType, RuleField

OPS = (
    "=",
    "!=",
    ">",
    ">=",
    "<",
    "<=",
    "in",
    "not_in",
    "has",
    "contains",
    "within",
    "before",
    "after",
    "is_empty",
    "not_empty",
)
OP_ALIASES = {
    "==": "=",
    "<>": "!=",
    "not in": "not_in",
    "is empty": "is_empty",
    "is not empty": "not_empty",
    "is_not_empty": "not_empty",
}
NO_VALUE_OPS = ("is_empty", "not_empty")
LIST_VALUE_OPS = ("in", "not_in")
_ORDER_OPS = (">", ">=", "<", "<=")
_EQUALITY = ("=", "!=", "in", "not_in")
_EMPTINESS = NO_VALUE_OPS
TYPE_OPS: dict[FieldType, tuple[str, ...]] = {
    FieldType.TEXT: (*_EQUALITY, "contains", *_EMPTINESS),
    FieldType.NUMBER: (*_EQUALITY, *_ORDER_OPS, *_EMPTINESS),
    FieldType.MONEY: (*_EQUALITY, *_ORDER_OPS, *_EMPTINESS),
    FieldType.DATE: ("=", "!=", *_ORDER_OPS, "before", "after", "within", *_EMPTINESS),
    FieldType.LIST: ("has", "in", "not_in", "contains", *_EMPTINESS),
    FieldType.ENUM: (*_EQUALITY, *_EMPTINESS),
    FieldType.BOOL: ("=", "!="),
}
MAX_LIST_VALUES = 100
MAX_WITHIN_DAYS = 36_500
MAX_NUMBER = 10**15  # either side of zero: well within what a float holds exactly
_WITHIN_RE = re.compile(r"^(\d{1,5})\s*(?:d|days?)?$", re.ASCII | re.IGNORECASE)
# Relative dates are checked against both ends of any plausible as_of, so that a rule that
# parses can always be evaluated.
_REFERENCE_DAYS = (date(1900, 1, 1), date(2199, 12, 31))


def canonical_op(text: str) -> str | None:
    """The canonical name of an operator ("==" -> "=", "not in" -> "not_in"), or None."""
    word = " ".join(text.strip().lower().split())
    word = OP_ALIASES.get(word, word)
    return word if word in OPS else None


def ops_for(field: RuleField) -> tuple[str, ...]:
    """The operators that apply to a field (ordered enums also compare by rank)."""
    if field.type is FieldType.ENUM and field.ordered:
        return (*TYPE_OPS[FieldType.ENUM], *_ORDER_OPS)
    return TYPE_OPS[field.type]


def check_value(field: RuleField, op: str, raw: Any, where: str, *, from_json: bool) -> Any:
    """The canonical stored value for `field op raw`; ValidationError(where, ...) if unfit.

    Text values arrive as strings (lists already split); JSON values are the stored form,
    where money is an integer number of cents.
    """
    if op in NO_VALUE_OPS:
        if not (common.is_blank(raw) or (isinstance(raw, (list, tuple)) and not raw)):
            raise ValidationError(where, f"{op} takes no value; write '{field.name} {op}'")
        return None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError(where, f"is required: expected {value_hint(field, op)}")
    if op == "within":
        return _within_days(raw, where)
    if op in LIST_VALUE_OPS:
        if not isinstance(raw, (list, tuple)) or not raw:
            raise ValidationError(
                where, f"must be a list like [a, b]; expected {value_hint(field, op)}"
            )
        if len(raw) > MAX_LIST_VALUES:
            raise ValidationError(where, f"has {len(raw)} values; at most {MAX_LIST_VALUES}")
        return [
            check_item(field, item, f"{where}[{i}]", from_json=from_json)
            for i, item in enumerate(raw)
        ]
    if isinstance(raw, (list, tuple)):
        raise ValidationError(where, f"a list of values needs the in or not_in operator, not {op}")
    return check_item(field, raw, where, from_json=from_json)


def check_item(field: RuleField, raw: Any, where: str, *, from_json: bool) -> Any:
    """One value of the field's type, in canonical form."""
    kind = field.type
    if kind is FieldType.MONEY:
        if from_json:
            if isinstance(raw, bool) or not isinstance(raw, int) or abs(raw) >= money.MAX_CENTS:
                raise ValidationError(
                    where, f"must be a whole number of cents in stored rules; got {raw!r}"
                )
            return raw
        return money.parse_money(raw, where, allow_negative=True)
    if kind is FieldType.NUMBER:
        number = common.parse_number(raw, where)
        if abs(number) > MAX_NUMBER:
            size = "large" if number > 0 else "small"
            raise ValidationError(where, f"is too {size}: {raw!r}; a rule compares numbers "
                                         "within a thousand trillion of zero")
        return int(number) if number == number.to_integral_value() else float(number)
    if kind is FieldType.DATE:
        return _date_value(raw, where)
    if kind is FieldType.ENUM:
        return common.coerce_enum(raw, where, field.choices)
    if kind is FieldType.BOOL:
        return common.parse_bool(raw, where)
    text = common.clean_text(raw, where, max_len=common.MEDIUM_TEXT)
    if not text:
        raise ValidationError(where, f"is required: expected {value_hint(field, '=')}")
    return text


def _date_value(raw: Any, where: str) -> str:
    if isinstance(raw, str) and (token := dates.relative_token(raw)) is not None:
        for reference in _REFERENCE_DAYS:
            dates.parse_date(token, where, reference)
        return token
    return dates.parse_date(raw, where, _REFERENCE_DAYS[0]).isoformat()


def _within_days(raw: Any, where: str) -> int:
    hint = f"a number of days like 30 days (0 to {MAX_WITHIN_DAYS})"
    if isinstance(raw, str):
        match = _WITHIN_RE.match(raw.strip())
        if match is None:
            raise ValidationError(where, f"is not a number of days: {raw!r}; expected {hint}")
        raw = match.group(1)
    try:
        return common.parse_int(raw, where, minimum=0, maximum=MAX_WITHIN_DAYS)
    except ValidationError:
        raise ValidationError(where, f"is not a number of days: {raw!r}; expected {hint}") from None


def value_hint(field: RuleField, op: str) -> str:
    """What a value for `field op` looks like, for error messages and help."""
    if op == "within":
        return "a number of days like 30 days"
    if op in NO_VALUE_OPS:
        return "no value"
    single = {
        FieldType.TEXT: "text",
        FieldType.LIST: "a tag",
        FieldType.NUMBER: "a number",
        FieldType.MONEY: "an amount in dollars like 1000 or 99.50",
        FieldType.DATE: f"a date ({dates.DATE_HINT})",
        FieldType.BOOL: "yes or no",
        FieldType.ENUM: f"one of {', '.join(field.choices)}",
    }[field.type]
    return f"a list like [a, b] of {single}" if op in LIST_VALUE_OPS else single
