"""Customers: people and companies, with their addresses, preferences, notes and tags."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.address import ADDRESS_LIST, settle_default
from crm_tui.domain.entities.note import NOTE_LIST
from crm_tui.domain.entities.preferences import (
    default_preferences,
    validate_preferences,
)
from crm_tui.domain.entities.schema import Field
from crm_tui.domain.rules.lifecycle import LIFECYCLE_SEGMENTS

CUSTOMER_KINDS = ("individual", "corporate")
CUSTOMER_TYPES = ("retail", "wholesale", "distributor")
CUSTOMER_SOURCES = (
    "direct",
    "marketplace",
    "referral",
    "website",
    "social",
    "event",
    "partner",
    "other",
)
CUSTOMER_STATUSES = ("active", "inactive")


CUSTOMER_FIELDS: dict[str, Field] = {
    "kind": Field(
        schema.choice(
            CUSTOMER_KINDS,
            aliases={"person": "individual", "company": "corporate", "business": "corporate"},
        ),
        default="individual",
    ),
    "first_name": Field(schema.text(common.SHORT_TEXT)),
    "last_name": Field(schema.text(common.SHORT_TEXT)),
    "company_name": Field(schema.text(common.MEDIUM_TEXT)),
    "email": Field(schema.EMAIL),
    "phone": Field(schema.PHONE),
    "company": Field(schema.text(common.MEDIUM_TEXT)),
    "industry": Field(schema.text(common.SHORT_TEXT)),
    "customer_type": Field(schema.choice(CUSTOMER_TYPES, free_form=True), default="retail"),
    "source": Field(schema.choice(CUSTOMER_SOURCES, free_form=True), default="direct"),
    "status": Field(schema.choice(CUSTOMER_STATUSES), default="active"),
    "tags": Field(schema.TAGS, default_factory=schema.empty_list),
    "addresses": Field(ADDRESS_LIST, default_factory=schema.empty_list),
    "preferences": Field(
        schema.nested(validate_preferences, "opt-ins, preferred channel, language and consent"),
        default_factory=lambda today: default_preferences(),
    ),
    "notes": Field(NOTE_LIST, default_factory=schema.empty_list),
    "segment_override": Field(schema.choice(LIFECYCLE_SEGMENTS)),
    "external_id": Field(schema.text(common.SHORT_TEXT)),
    # Who looks after the customer (a login or a name, as another CRM's "Contact owner").
    "owner": Field(schema.text(common.SHORT_TEXT)),
}


def validate_customer(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise a customer. An individual needs a first or last name, a corporate customer
    a company name; exactly one address is the default when there are any."""
    return schema.validate_record(
        data, CUSTOMER_FIELDS, _check_names, today=today, partial=partial, current=current
    )


def _check_names(
    values: dict[str, Any], errors: dict[str, str], today: date, changed: frozenset[str]
) -> None:
    if schema.present(values, "kind", "first_name", "last_name", "company_name"):
        if values["kind"] == "individual" and not (values["first_name"] or values["last_name"]):
            errors["first_name"] = "is required for an individual: give a first or a last name"
        if values["kind"] == "corporate" and not values["company_name"]:
            errors["company_name"] = "is required for a corporate customer"
    if "addresses" in values:
        values["addresses"], problems = settle_default(values["addresses"])
        errors.update(problems)


def display_name(customer: Mapping[str, Any], customer_id: int | None = None) -> str:
    """How a customer is named on screen: the company for corporate customers, else the
    person's name, falling back to whatever identifies them (`customer_id`, else the
    document's own "id", which spares callers a copy of the document just to add it)."""
    # Written out rather than joined from generators: this names every exported row.
    person = (str(customer.get("first_name") or "").strip() + " "
              + str(customer.get("last_name") or "").strip()).strip()
    company = str(customer.get("company_name") or "").strip()
    first, second = (company, person) if customer.get("kind") == "corporate" else (person, company)
    name = first or second or str(customer.get("email") or "")
    if name:
        return name
    if customer_id is None:
        customer_id = customer.get("id")
    return f"Customer #{customer_id}" if customer_id is not None else "(unnamed)"


def split_full_name(name: str) -> tuple[str | None, str | None]:
    """Split a one-field name (legacy data, CSV "Name" columns) into first and last names:
    the last word is the last name. "Mary Ann Smith" -> ("Mary Ann", "Smith")."""
    words = name.split()
    if not words:
        return None, None
    if len(words) == 1:
        return words[0], None
    return " ".join(words[:-1]), words[-1]
