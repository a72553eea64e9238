"""Interactions (communications): calls, emails, meetings and other touchpoints with a customer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.schema import Field

CHANNELS = ("email", "phone", "sms", "chat", "in_person", "whatsapp", "meeting", "demo", "support")
DIRECTIONS = ("inbound", "outbound")
INTERACTION_STATUSES = ("sent", "delivered", "opened", "clicked", "bounced", "replied")
# Spellings found in the seeds' data ("Phone Call", "In Person") and common speech.
CHANNEL_ALIASES = {
    "call": "phone",
    "phone_call": "phone",
    "telephone": "phone",
    "e_mail": "email",
    "mail": "email",
    "text": "sms",
    "text_message": "sms",
    "visit": "in_person",
    "inperson": "in_person",
    "video": "meeting",
    "video_call": "meeting",
    "ticket": "support",
    "live_chat": "chat",
}
MAX_DURATION_MINUTES = 7 * 24 * 60


INTERACTION_FIELDS: dict[str, Field] = {
    "customer_id": Field(schema.RECORD_ID, required=True),
    "channel": Field(schema.choice(CHANNELS, aliases=CHANNEL_ALIASES), required=True),
    "direction": Field(
        schema.choice(
            DIRECTIONS,
            aliases={
                "in": "inbound",
                "out": "outbound",
                "incoming": "inbound",
                "outgoing": "outbound",
            },
        ),
        default="outbound",
    ),
    "status": Field(schema.choice(INTERACTION_STATUSES)),
    "date": Field(schema.DAY, default_factory=schema.today_iso),
    "subject": Field(schema.text(common.MEDIUM_TEXT)),
    "summary": Field(schema.text(common.LONG_TEXT, multiline=True)),
    "outcome": Field(schema.text(common.MEDIUM_TEXT)),
    "next_action": Field(schema.text(common.MEDIUM_TEXT)),
    "follow_up_date": Field(schema.DAY),
    # Lets "follow-ups due and overdue" forget the ones already handled.
    "follow_up_done": Field(schema.FLAG, default=False),
    "duration_minutes": Field(schema.whole(0, MAX_DURATION_MINUTES)),
    "staff": Field(schema.text(common.SHORT_TEXT)),
}


def validate_interaction(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise an interaction: a customer and a channel are required."""
    return schema.validate_record(
        data, INTERACTION_FIELDS, today=today, partial=partial, current=current
    )
