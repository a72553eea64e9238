"""GDPR: erasing personal data while keeping the figures, and who may receive marketing.

Erasure replaces every personal field with a fixed placeholder (or None where a
placeholder would still collide or mislead, e.g. a unique email); amounts, dates, ids and
statuses stay, so revenue and pipeline figures are unchanged after an erase. The functions
are pure: the service writes the results back, and compaction drops the old bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm_tui.domain.errors import ValidationError

ERASED = "erased"

# Free text written by staff *about* the person, or identifying them, per entity. Staff
# names (author, staff, owner, resolved_by) are the organisation's data, not the subject's.
PERSONAL_FIELDS: dict[str, frozenset[str]] = {
    "customer": frozenset(
        {
            "first_name",
            "last_name",
            "email",
            "phone",
            "company",
            "company_name",
            "external_id",
            "tags",
            "addresses",
            "notes",
        }
    ),
    "address": frozenset({"street", "city", "region", "postal_code", "country"}),
    "note": frozenset({"text"}),
    "interaction": frozenset({"subject", "summary", "outcome", "next_action"}),
    "feedback": frozenset({"comments", "resolution_notes"}),
    "task": frozenset({"title", "description"}),
    "opportunity": frozenset({"name"}),
}
_CORPORATE_KEEPS = frozenset({"company", "company_name"})
# Fields that must become None rather than ERASED: unique or format-checked values.
_CLEARED = frozenset({"email", "phone", "external_id", "last_name"})
# An audit entry names its table ("customers"); PERSONAL_FIELDS names the entity.
_TABLE_ENTITY = {
    "customers": "customer",
    "addresses": "address",
    "notes": "note",
    "interactions": "interaction",
    "tasks": "task",
    "opportunities": "opportunity",
}
MARKETING_CHANNELS = {
    "email": ("email_opt_in", "email"),
    "sms": ("sms_opt_in", "phone"),
    "push": ("push_opt_in", None),
}


def _scrub(
    doc: Mapping[str, Any], entity: str, keep: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A copy with each personal field that holds something replaced."""
    result = dict(doc)
    for name in PERSONAL_FIELDS[entity] - keep:
        if result.get(name) not in (None, "", [], {}):
            result[name] = None if name in _CLEARED else ERASED
    return result


def anonymise_customer(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The customer with names, contact details, addresses, notes, tags and external id
    erased. A corporate customer keeps its company name and company (they name a business,
    not a person). Preferences are reset to do-not-contact so nothing is ever sent again;
    kind, type, status, totals and dates stay."""
    corporate = doc.get("kind") == "corporate"
    result = _scrub(doc, "customer", keep=_CORPORATE_KEEPS if corporate else frozenset())
    result.update(
        first_name=ERASED,
        last_name=None,
        tags=[],
        addresses=[
            anonymise_address(a) for a in doc.get("addresses") or [] if isinstance(a, Mapping)
        ],
        notes=[anonymise_note(n) for n in doc.get("notes") or [] if isinstance(n, Mapping)],
        erased=True,
    )
    preferences = dict(doc.get("preferences") or {})
    preferences.update(
        email_opt_in=False,
        sms_opt_in=False,
        push_opt_in=False,
        gdpr_consent=False,
        gdpr_consent_date=None,
        do_not_contact=True,
    )
    result["preferences"] = preferences
    return result


def anonymise_address(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The address with every place field cleared; its kind and default flag stay, and the
    street reads "erased" so the entry is still a well-formed address."""
    result = {**doc, **dict.fromkeys(PERSONAL_FIELDS["address"])}
    result["street"] = ERASED
    return result


def anonymise_note(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The note with its text erased; type, priority, author and dates stay."""
    return _scrub(doc, "note")


def anonymise_interaction(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The interaction with subject, summary, outcome and next action erased; channel,
    direction, status, dates, duration and staff stay (they feed the statistics)."""
    return _scrub(doc, "interaction")


def anonymise_feedback(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The feedback with comments and resolution notes erased; rating, recommend score,
    sentiment and resolution status stay (they feed NPS and sentiment figures)."""
    return _scrub(doc, "feedback")


def anonymise_task(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A task about the customer, with title and description erased (they often name them)."""
    return _scrub(doc, "task")


def anonymise_opportunity(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A deal with its name erased; value, stage and dates stay for the pipeline figures."""
    return _scrub(doc, "opportunity")


def anonymise_audit_entry(doc: Mapping[str, Any]) -> dict[str, Any]:
    """An audit entry with the old and new values of personal fields erased: the log
    would otherwise keep every value the person's record ever had."""
    entity = str(doc.get("entity") or "")
    personal = PERSONAL_FIELDS.get(_TABLE_ENTITY.get(entity, entity), frozenset())
    changes = doc.get("changes")
    if not isinstance(changes, Mapping):
        changes = {}
    result = dict(doc)
    result["changes"] = {
        name: [ERASED, ERASED] if name in personal else pair for name, pair in changes.items()
    }
    return result


def is_marketable(customer: Mapping[str, Any], channel: str) -> bool:
    """Whether marketing may go to the customer on `channel` (email, sms or push): they gave
    GDPR consent and opted in to that channel, are not marked do-not-contact, have the
    contact detail the channel needs, and were not erased or deleted."""
    if channel not in MARKETING_CHANNELS:
        raise ValidationError(
            "channel", f"must be one of {', '.join(MARKETING_CHANNELS)}; got {channel!r}"
        )
    opt_in, contact = MARKETING_CHANNELS[channel]
    preferences = customer.get("preferences")
    if not isinstance(preferences, Mapping) or customer.get("erased") or customer.get("deleted_at"):
        return False
    return (
        preferences.get("gdpr_consent") is True
        and preferences.get(opt_in) is True
        and not preferences.get("do_not_contact")
        and (contact is None or bool(customer.get(contact)))
    )
