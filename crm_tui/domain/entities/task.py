"""Tasks and follow-ups, optionally about a customer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.schema import Field

TASK_PRIORITIES = ("low", "normal", "high", "urgent")
TASK_STATUSES = ("open", "in_progress", "done", "cancelled")
OPEN_TASK_STATUSES = ("open", "in_progress")


TASK_FIELDS: dict[str, Field] = {
    "title": Field(schema.text(common.MEDIUM_TEXT), required=True),
    "description": Field(schema.text(common.LONG_TEXT, multiline=True)),
    "customer_id": Field(schema.RECORD_ID),
    "assigned_to": Field(schema.text(common.SHORT_TEXT)),
    "priority": Field(
        schema.choice(TASK_PRIORITIES, aliases={"medium": "normal"}), default="normal"
    ),
    "due_date": Field(schema.DAY),
    "status": Field(
        schema.choice(
            TASK_STATUSES,
            aliases={
                "todo": "open",
                "to_do": "open",
                "pending": "open",
                "completed": "done",
                "canceled": "cancelled",
            },
        ),
        default="open",
    ),
    "completed_date": Field(schema.DAY),
}


def validate_task(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise a task: a title is required. A done task gets a completed date (today
    unless given); any other status clears it."""
    return schema.validate_record(
        data, TASK_FIELDS, _date_completion, today=today, partial=partial, current=current
    )


def _date_completion(
    values: dict[str, Any], errors: dict[str, str], today: date, changed: frozenset[str]
) -> None:
    if schema.present(values, "status", "completed_date"):
        schema.settle_date(values, "completed_date", values["status"] == "done", today)
