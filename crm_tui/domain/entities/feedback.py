"""Customer feedback: a 1-5 rating, an optional 0-10 recommend score, and its resolution.

Sentiment is derived from the rating by the rules (domain.rules), not stored from input.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.schema import Field

SERVICE_TYPES = (
    "general",
    "product",
    "support",
    "delivery",
    "billing",
    "booking",
    "tour",
    "transport",
)
FEEDBACK_SOURCES = ("web", "mobile", "email", "phone", "in_person", "survey", "other")


FEEDBACK_FIELDS: dict[str, Field] = {
    "customer_id": Field(schema.RECORD_ID),
    "service_type": Field(
        schema.choice(
            SERVICE_TYPES, free_form=True, aliases={"tours": "tour", "bookings": "booking"}
        ),
        default="general",
    ),
    "rating": Field(schema.whole(1, 5), required=True),
    "recommend_score": Field(schema.whole(0, 10)),
    "comments": Field(schema.text(common.LONG_TEXT, multiline=True)),
    "source": Field(schema.choice(FEEDBACK_SOURCES, free_form=True)),
    "date": Field(schema.DAY, default_factory=schema.today_iso),
    "resolved": Field(schema.FLAG, default=False),
    "resolution_notes": Field(schema.text(common.LONG_TEXT, multiline=True)),
    "resolved_by": Field(schema.text(common.SHORT_TEXT)),
    "resolved_date": Field(schema.DAY),
}


def validate_feedback(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise feedback: a rating is required. Resolved feedback gets a resolved date
    (today unless given); unresolved feedback has none."""
    return schema.validate_record(
        data, FEEDBACK_FIELDS, _date_resolution, today=today, partial=partial, current=current
    )


def _date_resolution(
    values: dict[str, Any], errors: dict[str, str], today: date, changed: frozenset[str]
) -> None:
    if schema.present(values, "resolved", "resolved_date"):
        schema.settle_date(values, "resolved_date", values["resolved"], today)
