"""GDPR erasure keeps the figures and drops every personal value; marketing eligibility."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from crm_tui.domain.entities.customer import display_name, validate_customer
from crm_tui.domain.entities.feedback import validate_feedback
from crm_tui.domain.entities.interaction import validate_interaction
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.gdpr import (
    ERASED,
    PERSONAL_FIELDS,
    anonymise_address,
    anonymise_audit_entry,
    anonymise_customer,
    anonymise_feedback,
    anonymise_interaction,
    anonymise_note,
    anonymise_opportunity,
    anonymise_task,
    is_marketable,
)

TODAY = date(2024, 5, 1)
PII = [
    "Amina",
    "Alaoui",
    "amina@acme.ma",
    "555-123-4567",
    "Acme SARL",
    "ext-991",
    "12 Rue Atlas",
    "Casablanca",
    "20250",
    "wheelchair user",
    "Allergic to nuts",
    "prefers mornings",
]


@pytest.fixture
def customer() -> dict[str, Any]:
    doc = validate_customer(
        {
            "first_name": "Amina",
            "last_name": "Alaoui",
            "email": "amina@acme.ma",
            "phone": "555-123-4567",
            "company": "Acme SARL",
            "external_id": "ext-991",
            "industry": "Retail",
            "tags": ["vip", "wheelchair user"],
            "addresses": [
                {
                    "street": "12 Rue Atlas",
                    "city": "Casablanca",
                    "postal_code": "20250",
                    "country": "Morocco",
                }
            ],
            "preferences": {
                "email_opt_in": True,
                "sms_opt_in": True,
                "gdpr_consent": True,
                "language": "fr",
            },
            "notes": [{"text": "Allergic to nuts", "author": "staff-ana", "pinned": True}],
        },
        today=TODAY,
    )
    return {
        **doc,
        "id": 7,
        "created_at": "2024-01-01T00:00:00",
        "total_spent": 150000,
        "order_count": 4,
        "last_order_date": "2024-04-20",
    }


def test_anonymised_customer_holds_no_personal_value(customer: dict[str, Any]) -> None:
    erased = anonymise_customer(customer)
    text = json.dumps(erased)
    for value in PII:
        assert value not in text, value
    assert erased["first_name"] == ERASED and erased["last_name"] is None
    assert erased["email"] is None and erased["phone"] is None and erased["external_id"] is None
    assert erased["company"] == ERASED and erased["tags"] == []
    assert display_name(erased) == ERASED
    assert erased["erased"] is True


def test_anonymised_customer_keeps_figures_and_ids(customer: dict[str, Any]) -> None:
    erased = anonymise_customer(customer)
    for key in (
        "id",
        "created_at",
        "total_spent",
        "order_count",
        "last_order_date",
        "status",
        "kind",
        "customer_type",
        "source",
        "industry",
    ):
        assert erased[key] == customer[key]
    assert erased["notes"][0]["author"] == "staff-ana" and erased["notes"][0]["pinned"] is True
    assert (
        erased["addresses"][0]["kind"] == "billing" and erased["addresses"][0]["is_default"] is True
    )
    assert customer["first_name"] == "Amina"  # the input is not modified


def test_anonymised_customer_is_never_marketed_to_and_still_valid(customer: dict[str, Any]) -> None:
    erased = anonymise_customer(customer)
    assert erased["preferences"]["do_not_contact"] is True
    assert erased["preferences"]["language"] == "fr"
    for channel in ("email", "sms", "push"):
        assert not is_marketable(erased, channel)
    # Editing an erased record again passes validation: placeholders are well-formed values.
    validate_customer({}, today=TODAY, partial=True, current=erased)


def test_corporate_customer_keeps_its_company_name() -> None:
    corporate = validate_customer(
        {
            "kind": "corporate",
            "company_name": "Acme SARL",
            "first_name": "Amina",
            "email": "amina@acme.ma",
        },
        today=TODAY,
    )
    erased = anonymise_customer(corporate)
    assert erased["company_name"] == "Acme SARL"
    assert erased["first_name"] == ERASED and erased["email"] is None
    individual = anonymise_customer({**corporate, "kind": "individual"})
    assert individual["company_name"] == ERASED


def test_anonymise_interaction_keeps_statistics() -> None:
    interaction = validate_interaction(
        {
            "customer_id": 7,
            "channel": "phone",
            "subject": "Amina's order",
            "summary": "prefers mornings",
            "outcome": "call Amina back",
            "next_action": "email amina@acme.ma",
            "duration_minutes": 12,
            "staff": "ana",
            "follow_up_date": "2024-05-08",
        },
        today=TODAY,
    )
    erased = anonymise_interaction(interaction)
    assert all(erased[name] == ERASED for name in PERSONAL_FIELDS["interaction"])
    for key in (
        "customer_id",
        "channel",
        "direction",
        "date",
        "duration_minutes",
        "staff",
        "follow_up_date",
    ):
        assert erased[key] == interaction[key]
    assert anonymise_interaction({"channel": "email", "summary": None})["summary"] is None


def test_anonymise_feedback_keeps_ratings() -> None:
    feedback = validate_feedback(
        {
            "customer_id": 7,
            "rating": 2,
            "recommend_score": 3,
            "comments": "Amina here",
            "resolved": True,
            "resolution_notes": "refunded Amina",
        },
        today=TODAY,
    )
    erased = anonymise_feedback({**feedback, "sentiment": "negative"})
    assert erased["comments"] == ERASED and erased["resolution_notes"] == ERASED
    assert (erased["rating"], erased["recommend_score"], erased["sentiment"]) == (2, 3, "negative")


def test_other_anonymisers() -> None:
    assert anonymise_note({"text": "x", "type": "complaint"}) == {
        "text": ERASED,
        "type": "complaint",
    }
    address = anonymise_address(
        {"kind": "home", "street": "1 Main", "city": "Fes", "country": "MA", "is_default": True}
    )
    assert address == {
        "kind": "home",
        "street": ERASED,
        "city": None,
        "region": None,
        "postal_code": None,
        "country": None,
        "is_default": True,
    }
    assert anonymise_task({"title": "Call Amina", "description": None, "status": "open"}) == {
        "title": ERASED,
        "description": None,
        "status": "open",
    }
    assert anonymise_opportunity({"name": "Amina renewal", "value": 5000})["value"] == 5000


def test_anonymise_audit_entry_scrubs_old_values() -> None:
    entry = {
        "who": "ana",
        "entity": "customers",
        "entity_id": 7,
        "action": "update",
        "changes": {"email": ["amina@acme.ma", "a2@acme.ma"], "status": ["active", "inactive"]},
    }
    erased = anonymise_audit_entry(entry)
    assert erased["changes"] == {"email": [ERASED, ERASED], "status": ["active", "inactive"]}
    assert erased["who"] == "ana"
    interaction = anonymise_audit_entry(
        {"entity": "interactions", "changes": {"summary": ["a", "b"]}}
    )
    assert interaction["changes"]["summary"] == [ERASED, ERASED]
    assert anonymise_audit_entry({"entity": "widgets", "changes": None})["changes"] == {}


def marketable(**preferences: Any) -> dict[str, Any]:
    return {
        "email": "a@b.co",
        "phone": "555-1234",
        "preferences": {
            "gdpr_consent": True,
            "email_opt_in": True,
            "sms_opt_in": True,
            "push_opt_in": True,
            "do_not_contact": False,
            **preferences,
        },
    }


def test_is_marketable() -> None:
    assert all(is_marketable(marketable(), channel) for channel in ("email", "sms", "push"))
    assert not is_marketable(marketable(do_not_contact=True), "email")
    assert not is_marketable(marketable(gdpr_consent=False), "email")
    assert not is_marketable(marketable(email_opt_in=False), "email")
    assert is_marketable(marketable(email_opt_in=False), "sms")
    assert not is_marketable({**marketable(), "email": None}, "email")
    assert not is_marketable({**marketable(), "phone": ""}, "sms")
    assert not is_marketable({**marketable(), "deleted_at": "2024-01-01T00:00:00"}, "email")
    assert not is_marketable({"email": "a@b.co"}, "email")  # no preferences recorded: no opt-in
    assert not is_marketable(marketable(email_opt_in="yes"), "email")  # only a real True counts


def test_is_marketable_rejects_unknown_channels() -> None:
    with pytest.raises(ValidationError) as err:
        is_marketable(marketable(), "fax")
    assert err.value.field == "channel"
