"""Reading conditions and segments from text (`total_spent >= 1000`) or stored JSON.

Errors are named after the condition's place in the segment, e.g. "conditions[2].value",
so a form can point at the exact line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.segments import ops, syntax
from crm_tui.domain.segments.fields import RULE_FIELDS, RuleField, find_field

MAX_CONDITIONS = 50
CONDITION_HINT = "a condition like 'total_spent >= 1000' or {field, op, value}"


class Condition(TypedDict):
    field: str
    op: str
    value: Any


def parse_condition(source: object, index: int | None = None) -> Condition:
    """A canonical condition from text ("tags has vip") or a stored {field, op, value} mapping.

    Errors are named "conditions[index].field/op/value" ("condition..." without an index).
    Values in text are written as people do (money in dollars); values in a mapping are the
    stored form (money in cents).
    """
    prefix = "condition" if index is None else f"conditions[{index}]"
    if isinstance(source, str):
        return _from_text(source, prefix)
    if isinstance(source, Mapping):
        return _from_mapping(source, prefix)
    raise ValidationError(prefix, f"must be {CONDITION_HINT}; got {type(source).__name__}")


def parse_conditions(source: object, field: str = "conditions") -> list[Condition]:
    """Every condition of a list (text lines or mappings), reporting all bad ones at once."""
    if isinstance(source, str):
        source = [line for line in source.splitlines() if line.strip()]
    if not isinstance(source, Sequence) or isinstance(source, (bytes, bytearray)):
        raise ValidationError(field, f"must be a list of conditions; each {CONDITION_HINT}")
    if not source:
        raise ValidationError(field, f"needs at least one condition, e.g. {CONDITION_HINT}")
    if len(source) > MAX_CONDITIONS:
        raise ValidationError(field, f"has {len(source)} conditions; at most {MAX_CONDITIONS}")
    conditions: list[Condition] = []
    errors: dict[str, str] = {}
    for index, item in enumerate(source):
        try:
            conditions.append(parse_condition(item, index))
        except ValidationError as exc:
            errors.update(
                {field + name.removeprefix("conditions"): text for name, text in exc.errors.items()}
            )
    if errors:
        raise ValidationError.many(errors)
    return conditions


def _lookup(name: object, prefix: str) -> RuleField:
    found = find_field(name) if isinstance(name, str) else None
    if found is None:
        known = ", ".join(RULE_FIELDS)
        raise ValidationError(f"{prefix}.field", f"unknown field {name!r}; known fields: {known}")
    return found


def _check_op(field: RuleField, written: object, prefix: str) -> str:
    op = ops.canonical_op(written) if isinstance(written, str) else None
    allowed = ops.ops_for(field)
    if op is None:
        raise ValidationError(
            f"{prefix}.op",
            f"unknown operator {written!r}; for {field.name} use one of {', '.join(allowed)}",
        )
    if op not in allowed:
        raise ValidationError(
            f"{prefix}.op",
            f"{op} does not apply to {field.name} ({field.type}); use one of {', '.join(allowed)}",
        )
    return op


def _from_text(text: str, prefix: str) -> Condition:
    name, written_op, raw = syntax.split_condition(text, prefix)
    field = _lookup(name, prefix)
    op = _check_op(field, written_op, prefix)
    where = f"{prefix}.value"
    value: Any
    if op in ops.LIST_VALUE_OPS:
        value = syntax.split_list(raw, where)
    elif raw.startswith("[") and op not in ops.NO_VALUE_OPS:
        raise ValidationError(where, f"a list of values needs the in or not_in operator, not {op}")
    else:
        value = syntax.unquote(raw, where)
    return Condition(
        field=field.name, op=op, value=ops.check_value(field, op, value, where, from_json=False)
    )


def _from_mapping(data: Mapping[str, Any], prefix: str) -> Condition:
    field = _lookup(data.get("field"), prefix)
    op = _check_op(field, data.get("op"), prefix)
    value = ops.check_value(field, op, data.get("value"), f"{prefix}.value", from_json=True)
    return Condition(field=field.name, op=op, value=value)
