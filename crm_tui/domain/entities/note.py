"""Notes written about a customer (internal, follow-up, reminder, complaint, compliment)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.schema import Field

NOTE_TYPES = ("internal", "follow_up", "reminder", "complaint", "compliment")
NOTE_PRIORITIES = ("low", "normal", "high")
MAX_NOTES = 500


def _midnight(today: date) -> str:
    # No clock here: services stamp the real time; this only keeps the field well-formed.
    return datetime.combine(today, time()).isoformat()


NOTE_FIELDS: dict[str, Field] = {
    "type": Field(
        schema.choice(NOTE_TYPES, aliases={"note": "internal", "followup": "follow_up"}),
        default="internal",
    ),
    "priority": Field(
        schema.choice(NOTE_PRIORITIES, aliases={"medium": "normal"}), default="normal"
    ),
    "pinned": Field(schema.FLAG, default=False),
    "text": Field(schema.text(common.LONG_TEXT, multiline=True), required=True),
    "author": Field(schema.text(common.SHORT_TEXT)),
    "created_at": Field(schema.MOMENT, default_factory=_midnight),
    # Set when notes are stored apart from the customer document; None when embedded.
    "customer_id": Field(schema.RECORD_ID),
}


def validate_note(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise a note; its text is required."""
    return schema.validate_record(data, NOTE_FIELDS, today=today, partial=partial, current=current)


NOTE_LIST = schema.list_of(validate_note, "a list of notes", max_items=MAX_NOTES)
