"""Customer contact preferences: marketing opt-ins, preferred channel, language, GDPR consent."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.schema import Field, Parser
from crm_tui.domain.errors import ValidationError

CONTACT_CHANNELS = ("email", "sms", "phone", "push", "whatsapp", "mail")
_LANGUAGE_RE = re.compile(r"^[^\W\d_][^\W\d]*(?:[ \-][^\W\d_]+)*$")
LANGUAGE_HINT = "a language code like en or fr-CA, or a language name"


def _language(value: object, field: str, today: date) -> str:
    text = common.clean_text(value, field, max_len=35)
    if not _LANGUAGE_RE.match(text):
        raise ValidationError(field, f"is not a language: {text!r}; expected {LANGUAGE_HINT}")
    return text


PREFERENCE_FIELDS: dict[str, Field] = {
    # Opt-ins default to no: marketing to someone needs their explicit yes.
    "email_opt_in": Field(schema.FLAG, default=False),
    "sms_opt_in": Field(schema.FLAG, default=False),
    "push_opt_in": Field(schema.FLAG, default=False),
    "preferred_channel": Field(
        schema.choice(CONTACT_CHANNELS, aliases={"text": "sms", "e_mail": "email"})
    ),
    "language": Field(Parser(_language, LANGUAGE_HINT)),
    "gdpr_consent": Field(schema.FLAG, default=False),
    "gdpr_consent_date": Field(schema.DAY),
    "do_not_contact": Field(schema.FLAG, default=False),
}


def default_preferences() -> dict[str, Any]:
    """Preferences of a customer who has said nothing yet: no opt-ins, no consent."""
    return {name: spec.default for name, spec in PREFERENCE_FIELDS.items()}


def validate_preferences(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise preferences. Consent without a date is dated today; without consent,
    a consent date means nothing and is cleared."""
    return schema.validate_record(
        data, PREFERENCE_FIELDS, _date_consent, today=today, partial=partial, current=current
    )


def _date_consent(
    values: dict[str, Any], errors: dict[str, str], today: date, changed: frozenset[str]
) -> None:
    if schema.present(values, "gdpr_consent", "gdpr_consent_date"):
        schema.settle_date(values, "gdpr_consent_date", values["gdpr_consent"], today)
