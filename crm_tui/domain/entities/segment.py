"""Custom segment definitions: a named rule set over customer facts (see domain.segments)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.schema import Field, Parser
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.segments.parse import CONDITION_HINT, parse_conditions

SEGMENT_MATCHES = ("all", "any")
# A CSS color name or hex code: the TUI hands it to Textual as is.
_COLOR_RE = re.compile(r"^(?:#[0-9a-f]{3}|#[0-9a-f]{6}|[a-z]{3,20})$", re.ASCII)
COLOR_HINT = "a color name like green or a hex code like #2e7d32"


def _color(value: object, field: str, today: date) -> str:
    text = common.clean_text(value, field, max_len=20).lower()
    if not _COLOR_RE.match(text):
        raise ValidationError(field, f"is not a color: {text!r}; expected {COLOR_HINT}")
    return text


SEGMENT_FIELDS: dict[str, Field] = {
    "name": Field(schema.text(80), required=True),
    "description": Field(schema.text(500, multiline=True)),
    "match": Field(
        schema.choice(SEGMENT_MATCHES, aliases={"and": "all", "or": "any"}), default="all"
    ),
    "conditions": Field(
        Parser(
            lambda v, f, t: parse_conditions(v, f), f"a list of conditions, each {CONDITION_HINT}"
        ),
        required=True,
    ),
    "color": Field(Parser(_color, COLOR_HINT), default="blue"),
    "active": Field(schema.FLAG, default=True),
}


def validate_segment(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise a segment definition; conditions may be text lines or stored mappings and
    come back canonical (errors name the condition: "conditions[2].value")."""
    return schema.validate_record(
        data, SEGMENT_FIELDS, today=today, partial=partial, current=current
    )
