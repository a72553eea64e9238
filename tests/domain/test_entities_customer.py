"""Customers with their addresses, preferences and notes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crm_tui.domain.entities.address import default_address, validate_address
from crm_tui.domain.entities.customer import display_name, split_full_name, validate_customer
from crm_tui.domain.entities.note import validate_note
from crm_tui.domain.entities.preferences import default_preferences, validate_preferences
from crm_tui.domain.errors import ValidationError

TODAY = date(2024, 5, 1)


def errors_of(data: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as err:
        validate_customer(data, today=TODAY, **kwargs)
    return err.value.errors


def test_minimal_customer_gets_defaults() -> None:
    customer = validate_customer({"first_name": "John"}, today=TODAY)
    assert customer == {
        "kind": "individual",
        "first_name": "John",
        "last_name": None,
        "company_name": None,
        "email": None,
        "phone": None,
        "company": None,
        "industry": None,
        "customer_type": "retail",
        "source": "direct",
        "status": "active",
        "tags": [],
        "addresses": [],
        "preferences": default_preferences(),
        "notes": [],
        "segment_override": None,
        "external_id": None,
        "owner": None,
    }


def test_customer_is_normalised() -> None:
    customer = validate_customer(
        {
            "first_name": "  John ",
            "last_name": "Doe",
            "email": " John.Doe@Email.com ",
            "phone": "+1 (555) 123-4567",
            "tags": "VIP, vip, wholesale",
            "status": "Inactive",
            "customer_type": "Distributor",
            "source": "Trade Show",
            "segment_override": "At Risk",
            "kind": "Person",
            "external_id": 1042,
            "id": 99,
            "total_spent": 5,
        },
        today=TODAY,
    )
    assert customer["first_name"] == "John"
    assert customer["email"] == "john.doe@email.com"
    assert customer["tags"] == ["VIP", "wholesale"]
    assert customer["status"] == "inactive"
    assert customer["customer_type"] == "distributor"
    assert customer["source"] == "trade_show"
    assert customer["segment_override"] == "at_risk"
    assert customer["kind"] == "individual"
    assert customer["external_id"] == "1042"
    assert "id" not in customer and "total_spent" not in customer


def test_every_bad_field_is_reported_at_once() -> None:
    errors = errors_of(
        {
            "first_name": "A",
            "email": "nope",
            "phone": "12",
            "status": "vip",
            "tags": 5,
            "segment_override": "gold",
            "preferences": {"sms_opt_in": "maybe"},
        }
    )
    assert set(errors) == {
        "email",
        "phone",
        "status",
        "tags",
        "segment_override",
        "preferences.sms_opt_in",
    }
    assert "name@example.com" in errors["email"]
    assert errors["status"] == "must be one of active, inactive; got 'vip'"


def test_names_are_required_by_kind() -> None:
    assert "first or a last name" in errors_of({"email": "a@b.co"})["first_name"]
    assert validate_customer({"last_name": "Doe"}, today=TODAY)["last_name"] == "Doe"
    assert errors_of({"kind": "corporate", "first_name": "A"}) == {
        "company_name": "is required for a corporate customer"
    }
    corporate = validate_customer({"kind": "business", "company_name": "Acme"}, today=TODAY)
    assert corporate["kind"] == "corporate"


def test_addresses_get_exactly_one_default() -> None:
    customer = validate_customer(
        {"first_name": "A", "addresses": [{"city": "Rabat"}, {"city": "Fes", "kind": "Shipping"}]},
        today=TODAY,
    )
    assert [a["is_default"] for a in customer["addresses"]] == [True, False]
    assert customer["addresses"][1]["kind"] == "shipping"
    errors = errors_of(
        {
            "first_name": "A",
            "addresses": [{"city": "a", "is_default": True}, {"city": "b", "is_default": "yes"}],
        }
    )
    assert errors == {"addresses": "has 2 default addresses (entries 0, 1); mark one"}


def test_address_errors_name_the_entry() -> None:
    errors = errors_of(
        {"first_name": "A", "addresses": [{"city": "ok"}, {}, "x", {"kind": "moon", "city": "b"}]}
    )
    assert set(errors) == {"addresses[1].street", "addresses[2]", "addresses[3].kind"}
    assert "at least a street, city" in errors["addresses[1].street"]
    assert errors_of({"first_name": "A", "addresses": {"city": "x"}}) == {
        "addresses": "must be a list; expected a list of addresses"
    }


def test_validate_address_directly() -> None:
    address = validate_address(
        {"street": " 1 Main St ", "postal_code": "20000", "kind": "HOME"}, today=TODAY
    )
    assert address == {
        "kind": "home",
        "street": "1 Main St",
        "city": None,
        "region": None,
        "postal_code": "20000",
        "country": None,
        "is_default": False,
    }


def test_default_address() -> None:
    first, second = {"city": "a"}, {"city": "b", "is_default": True}
    assert default_address([first, second]) is second
    assert default_address([first]) is first
    assert default_address([]) is None
    assert default_address(None) is None


def test_preferences_consent_is_dated() -> None:
    given = validate_preferences({"gdpr_consent": "yes"}, today=TODAY)
    assert given["gdpr_consent_date"] == "2024-05-01"
    kept = validate_preferences(
        {"gdpr_consent": True, "gdpr_consent_date": "2023-01-02"}, today=TODAY
    )
    assert kept["gdpr_consent_date"] == "2023-01-02"
    withdrawn = validate_preferences(
        {"gdpr_consent": False, "gdpr_consent_date": "2023-01-02"}, today=TODAY
    )
    assert withdrawn["gdpr_consent_date"] is None


def test_preferences_fields() -> None:
    prefs = validate_preferences(
        {
            "email_opt_in": 1,
            "preferred_channel": "Text",
            "language": "fr-CA",
            "do_not_contact": "no",
        },
        today=TODAY,
    )
    assert prefs["email_opt_in"] is True and prefs["sms_opt_in"] is False
    assert prefs["preferred_channel"] == "sms"
    assert prefs["language"] == "fr-CA"
    with pytest.raises(ValidationError) as err:
        validate_preferences({"language": "12", "preferred_channel": "pigeon"}, today=TODAY)
    assert set(err.value.errors) == {"language", "preferred_channel"}


def test_notes() -> None:
    note = validate_note(
        {"text": " Call back\r\nsoon ", "type": "Follow-up", "priority": "HIGH"}, today=TODAY
    )
    assert note == {
        "type": "follow_up",
        "priority": "high",
        "pinned": False,
        "text": "Call back\nsoon",
        "author": None,
        "created_at": "2024-05-01T00:00:00",
        "customer_id": None,
    }
    with pytest.raises(ValidationError) as err:
        validate_note({"text": "  ", "type": "gossip"}, today=TODAY)
    assert set(err.value.errors) == {"text", "type"}
    assert err.value.errors["text"].startswith("is required")


def test_customer_notes_errors_name_the_note() -> None:
    assert set(errors_of({"first_name": "A", "notes": [{"text": "ok"}, {"pinned": "x"}]})) == {
        "notes[1].text",
        "notes[1].pinned",
    }


def test_partial_checks_only_the_given_fields() -> None:
    assert validate_customer({"email": "A@B.CO"}, today=TODAY, partial=True) == {"email": "a@b.co"}
    with pytest.raises(ValidationError) as err:
        validate_customer({"email": "bad"}, today=TODAY, partial=True)
    assert set(err.value.errors) == {"email"}


def test_edit_against_the_stored_customer() -> None:
    stored = validate_customer({"first_name": "Ann", "email": "ann@x.co"}, today=TODAY)
    assert validate_customer({"phone": "555-1234"}, today=TODAY, partial=True, current=stored) == {
        "phone": "555-1234"
    }
    with pytest.raises(ValidationError) as err:
        validate_customer({"first_name": ""}, today=TODAY, partial=True, current=stored)
    assert set(err.value.errors) == {"first_name"}
    with pytest.raises(ValidationError) as err:
        validate_customer({"kind": "corporate"}, today=TODAY, partial=True, current=stored)
    assert set(err.value.errors) == {"company_name"}


def test_non_mapping_input_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        validate_customer(["first_name"], today=TODAY)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("customer", "name"),
    [
        ({"first_name": "John", "last_name": "Doe"}, "John Doe"),
        ({"first_name": "John"}, "John"),
        ({"last_name": "Doe", "company_name": "Acme"}, "Doe"),
        ({"kind": "corporate", "company_name": "Acme", "first_name": "John"}, "Acme"),
        ({"kind": "corporate", "first_name": "John"}, "John"),
        ({"email": "a@b.co"}, "a@b.co"),
        ({"id": 7}, "Customer #7"),
        ({}, "(unnamed)"),
    ],
)
def test_display_name(customer: dict[str, Any], name: str) -> None:
    assert display_name(customer) == name


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("John Doe", ("John", "Doe")),
        ("Mary Ann  Smith", ("Mary Ann", "Smith")),
        ("Cher", ("Cher", None)),
        ("  ", (None, None)),
    ],
)
def test_split_full_name(name: str, parts: tuple[str | None, str | None]) -> None:
    assert split_full_name(name) == parts


def _containers(value: Any) -> list[Any]:
    """Every list and dict inside a value, the value included."""
    if isinstance(value, dict):
        return [value, *(c for v in value.values() for c in _containers(v))]
    if isinstance(value, list):
        return [value, *(c for v in value for c in _containers(v))]
    return []


def _json_types_only(value: Any) -> bool:
    if type(value) is dict:
        return all(type(k) is str and _json_types_only(v) for k, v in value.items())
    if type(value) is list:
        return all(map(_json_types_only, value))
    return type(value) in (str, int, bool, type(None))


@pytest.mark.parametrize("tags", ["vip, trade", ["vip", "trade"], ("vip",)])
def test_a_validated_customer_shares_nothing_with_its_input(tags: Any) -> None:
    # The service hands the validator's result to the store without copying it: it must
    # be made of JSON types only, and of containers of its own (never the caller's).
    data = {"first_name": "Ann", "email": "ann@x.com", "tags": tags,
            "addresses": [{"city": "Paris", "street": "1 Rue"}],
            "preferences": {"email_opt_in": "yes", "gdpr_consent": True},
            "notes": [{"text": "Met at the fair"}]}
    customer = validate_customer(data, today=TODAY)
    assert _json_types_only(customer)
    theirs = {id(c) for c in _containers(data)}
    assert not theirs & {id(c) for c in _containers(customer)}
    assert validate_customer({"first_name": "Bo"}, today=TODAY)["tags"] is not (
        validate_customer({"first_name": "Cy"}, today=TODAY)["tags"])
