"""New / edit customer: identity, contact, classification, default address, consent."""

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

from .base import FormField, RecordForm

ADDRESS_PARTS = ("kind", "street", "city", "region", "postal_code", "country")
PREFERENCES = ("email_opt_in", "sms_opt_in", "push_opt_in", "preferred_channel", "language",
               "gdpr_consent", "do_not_contact")


class CustomerForm(RecordForm):
    TITLE = "New customer"
    FIELDS: ClassVar[list[FormField]] = [
        FormField("kind", "Kind", "choice", CUSTOMER_KINDS),
        FormField("first_name", "First name"),
        FormField("last_name", "Last name"),
        FormField("company_name", "Company name", placeholder="for a corporate customer"),
        FormField("email", "Email", placeholder="name@example.com"),
        FormField("phone", "Phone", placeholder="+1 555 0100"),
        FormField("company", "Works at"),
        FormField("industry", "Industry"),
        FormField("customer_type", "Type", "choice", CUSTOMER_TYPES),
        FormField("source", "Source", "choice", CUSTOMER_SOURCES),
        FormField("status", "Status", "choice", CUSTOMER_STATUSES),
        FormField("tags", "Tags", placeholder="vip, newsletter"),
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
        FormField("preferences.language", "Language", placeholder="en"),
        FormField("preferences.gdpr_consent", "GDPR consent", "bool"),
        FormField("preferences.do_not_contact", "Do not contact", "bool"),
        FormField("external_id", "External id", placeholder="id in another system"),
    ]

    def title_text(self) -> str:
        if self.customer_id is None:
            return "New customer"
        return f"Edit {self.crm.customers.profile(self.customer_id).name}"

    def initial_values(self) -> dict[str, Any]:
        if self.customer_id is None:
            return {"kind": "individual", "customer_type": "retail", "source": "direct",
                    "status": "active", "address.kind": "billing"}
        doc = self.crm.customers.get(self.customer_id)
        values = {f.name: doc.get(f.name) for f in self.FIELDS if "." not in f.name}
        values["tags"] = ", ".join(doc.get("tags") or [])
        address = self._default_address(doc)
        values.update({f"address.{k}": address.get(k) for k in ADDRESS_PARTS})
        prefs = doc.get("preferences") or {}
        values.update({f"preferences.{k}": prefs.get(k) for k in PREFERENCES})
        return values

    @staticmethod
    def _default_address(doc: dict[str, Any]) -> dict[str, Any]:
        addresses = doc.get("addresses") or []
        return next((a for a in addresses if a.get("is_default")),
                    addresses[0] if addresses else {})

    def submit(self, values: dict[str, Any]) -> object:
        data = {k: v for k, v in values.items() if "." not in k}
        data["tags"] = values.get("tags") or []
        current = self.crm.customers.get(self.customer_id) if self.customer_id else {}
        address = {k: values.get(f"address.{k}") for k in ADDRESS_PARTS}
        others = [a for a in current.get("addresses") or []
                  if a is not self._default_address(current)]
        if any(address[k] for k in ADDRESS_PARTS if k != "kind"):
            data["addresses"] = [{**address, "is_default": True},
                                 *({**a, "is_default": False} for a in others)]
        else:
            data["addresses"] = others
        data["preferences"] = {**(current.get("preferences") or {}),
                               **{k: values.get(f"preferences.{k}") for k in PREFERENCES}}
        if self.customer_id is None:
            return self.crm.customers.create(data)
        return self.crm.customers.update(self.customer_id, data)

    def error_field(self, name: str) -> str:
        match = re.fullmatch(r"addresses\[0\]\.(\w+)", name)
        return f"address.{match.group(1)}" if match else name
