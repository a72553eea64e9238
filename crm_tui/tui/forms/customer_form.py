"""New / edit customer: identity, contact, classification, default address, consent.

The lifecycle segment is automatic (from the orders) unless one is chosen here by hand: the
badges then show it with a star.

The default address and the preferences are edited part by part (`address.city`,
`preferences.sms_opt_in`), as the customers service takes them: an edit sends only the
parts that were changed, so two people changing different parts both keep theirs.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from crm_tui.domain.entities.address import ADDRESS_KINDS
from crm_tui.domain.entities.customer import (
    CUSTOMER_KINDS,
    CUSTOMER_SOURCES,
    CUSTOMER_STATUSES,
    CUSTOMER_TYPES,
)
from crm_tui.domain.entities.preferences import CONTACT_CHANNELS
from crm_tui.domain.rules.lifecycle import LIFECYCLE_SEGMENTS
from crm_tui.services import customer_fields
from crm_tui.tui.widgets.badges import lifecycle_label

from .base import FormField, RecordForm
from .common import changed


class CustomerForm(RecordForm):
    TITLE = "New customer"
    FIELDS: ClassVar[list[FormField]] = [
        FormField("kind", "Kind", "choice", CUSTOMER_KINDS),
        FormField("first_name", "First name"),
        FormField("last_name", "Last name"),
        FormField("company_name", "Company name", placeholder="for a corporate customer"),
        FormField("email", "Email", placeholder="e.g. name@example.com"),
        FormField("phone", "Phone", placeholder="e.g. +1 555 0100"),
        FormField("company", "Works at"),
        FormField("industry", "Industry"),
        FormField("customer_type", "Type", "choice", CUSTOMER_TYPES),
        FormField("source", "Source", "choice", CUSTOMER_SOURCES),
        FormField("status", "Status", "choice", CUSTOMER_STATUSES),
        # Blank is "automatic": the segment the orders give; a choice is set by hand.
        FormField("segment_override", "Lifecycle", "choice", LIFECYCLE_SEGMENTS,
                  placeholder="automatic", shown=lifecycle_label),
        FormField("tags", "Tags", placeholder="e.g. vip, newsletter"),
        FormField("address.kind", "Address kind", "choice", ADDRESS_KINDS),
        FormField("address.street", "Street"),
        FormField("address.city", "City"),
        FormField("address.region", "Region"),
        FormField("address.postal_code", "Postal code"),
        FormField("address.country", "Country"),
        FormField("preferences.email_opt_in", "Email opt-in", "bool"),
        FormField("preferences.sms_opt_in", "SMS opt-in", "bool"),
        FormField("preferences.push_opt_in", "Push opt-in", "bool"),
        FormField("preferences.preferred_channel", "Preferred channel", "choice",
                  CONTACT_CHANNELS),
        FormField("preferences.language", "Language", placeholder="e.g. en"),
        FormField("preferences.gdpr_consent", "GDPR consent", "bool"),
        FormField("preferences.do_not_contact", "Do not contact", "bool"),
        FormField("external_id", "External id", placeholder="id in another system"),
    ]

    @property
    def editing(self) -> bool:
        return self.customer_id is not None

    def title_text(self) -> str:
        if not self.editing:
            return "New customer"
        return f"Edit {self.crm.customers.profile(self.customer_id or 0).name}"

    def defaults(self) -> dict[str, Any]:
        return {"kind": "individual", "customer_type": "retail", "source": "direct",
                "status": "active", "address.kind": "billing"}

    def load(self) -> dict[str, Any]:
        return self.crm.customers.get(self.customer_id or 0)

    def record_values(self, record: dict[str, Any]) -> dict[str, Any]:
        values = super().record_values(customer_fields.flat(record))
        values["tags"] = ", ".join(record.get("tags") or [])
        return values

    def submit(self, values: dict[str, Any]) -> object:
        if not self.editing:
            return self.crm.customers.create(customer_fields.apply({}, _typed(values)))
        edit = changed(values, self._initial)
        if not edit:
            return None
        return self.crm.customers.update(self.customer_id or 0, _typed(edit), base=self.stored)

    def error_field(self, name: str) -> str:
        match = re.fullmatch(r"addresses\[0\]\.(\w+)", name)
        return f"address.{match.group(1)}" if match else name


def _typed(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the service takes them: cleared tags are an empty list."""
    return {**values, "tags": values["tags"] or []} if "tags" in values else values
