"""Audit log entries: who changed which record, when, and each field's old and new value."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.schema import Field, Parser
from crm_tui.domain.errors import ValidationError

AUDIT_ACTIONS = ("create", "update", "delete", "restore", "erase", "import", "revert", "undo")
CHANGES_HINT = "a mapping of field name to [old value, new value]"
_JSON_SCALARS = (str, int, float, bool, type(None))


def _entity_id(value: object, field: str, today: date) -> int | str:
    if isinstance(value, int) and not isinstance(value, bool):
        return common.parse_id(value, field)
    return common.clean_text(value, field, max_len=common.SHORT_TEXT)


def _entity(value: object, field: str, today: date) -> str:
    return common.coerce_enum(value, field, (), free_form=True)


def _is_json(value: object, depth: int = 0) -> bool:
    if depth > 20:
        return False
    if isinstance(value, _JSON_SCALARS):
        return not isinstance(value, float) or math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(_is_json(item, depth + 1) for item in value)
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _is_json(v, depth + 1) for k, v in value.items())
    return False


def _changes(value: object, field: str, today: date) -> dict[str, list[Any]]:
    if not isinstance(value, Mapping):
        raise ValidationError(field, f"must be {CHANGES_HINT}")
    changes: dict[str, list[Any]] = {}
    for name, pair in value.items():
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(field, f"has a field name that is not text: {name!r}")
        if not isinstance(pair, (list, tuple)) or len(pair) != 2 or not _is_json(pair):
            raise ValidationError(
                f"{field}.{name}", "must be [old value, new value] of plain JSON values"
            )
        changes[name] = list(pair)
    return changes


AUDIT_FIELDS: dict[str, Field] = {
    "who": Field(schema.text(common.SHORT_TEXT), required=True),
    "when": Field(schema.MOMENT, required=True),
    "entity": Field(Parser(_entity, "a table name like customers"), required=True),
    "entity_id": Field(Parser(_entity_id, "the record's id"), required=True),
    "action": Field(schema.choice(AUDIT_ACTIONS, free_form=True), required=True),
    "changes": Field(Parser(_changes, CHANGES_HINT), default_factory=lambda today: {}),
}


def validate_audit_entry(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise an audit entry (entity is the table name, e.g. "customers")."""
    return schema.validate_record(data, AUDIT_FIELDS, today=today, partial=partial, current=current)
