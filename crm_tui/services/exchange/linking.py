"""Which customer a purchase (interaction, deal, task, feedback) row is about.

In order: `customer_email`, then `customer_external_id`; `customer_id` only when neither is
given, and only when it is one of ours (else it is taken as the other system's id, i.e. an
external id). A row naming its customer by name alone matches the one live customer with
that name. A customer not found is created from the row when the row gives a name or an
id (with an email alone there is nothing to name them by: that is a row error).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm_tui.domain.entities.common import clean_text, parse_id
from crm_tui.domain.entities.customer import display_name
from crm_tui.domain.errors import ValidationError

from .customer_rows import (
    CUSTOMERS,
    CustomerInput,
    column_name,
    match_customer_id,
    refuse_deleted,
    validated_customer,
)
from .mapping import LINK_FIELDS
from .plans import ImportContext, given, key_text, renamed

# Customer fields a linked row may carry, under their `customer_` names.
_LINK = frozenset(LINK_FIELDS)
_CUSTOMER_FIELDS = ("email", "external_id", "name", "first_name", "last_name", "phone",
                    "company")


@dataclass
class Link:
    customer_id: int | None = None
    new: dict[str, Any] | None = None  # input for a customer to create first

    @property
    def outcomes(self) -> list[tuple[str, str]]:
        return [("customers", "created")] if self.new is not None else []


class CustomerLinker:
    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self._names: dict[str, list[int]] | None = None  # built on the first name-only row

    def reset(self) -> None:
        self._names = None

    def resolve(self, fields: Mapping[str, Any], *, required: bool) -> Link:
        """The row's customer: existing, to be created, or none (when not required)."""
        link = given(fields, _LINK)
        if not link:
            if required:
                raise ValidationError("customer_email", "is required: say whose record this "
                                      "is (customer_email, customer_external_id or customer_id)")
            return Link()
        email, external = link.get("customer_email"), link.get("customer_external_id")
        key = "customer_email" if email is not None else "customer_external_id"
        if email is None and external is None and "customer_id" in link:
            found = self._by_id(link["customer_id"])
            if found is not None:
                refuse_deleted(found, "customer_id")
                return Link(found["id"])
            external, key = link["customer_id"], "customer_id"  # another system's id
        customer_id = match_customer_id(self.ctx, email, external, prefix="customer_")
        if customer_id is not None:
            return Link(customer_id)
        name = self._name(link)
        if email is None and external is None:
            named = self._by_name(name)
            if named is not None:
                return Link(named)
        if name is None and external is None:
            if email is None:
                raise ValidationError("customer_email", "is required: the other customer "
                                      "columns do not say whose record this is")
            raise ValidationError(key, f"no customer has the email {email}; add customer_name "
                                       "(or customer_external_id) to create one")
        return Link(None, self._new_customer(link, external, name))

    def ensure(self, link: Link) -> int | None:
        """The customer id, creating the customer first when the link says so."""
        if link.new is None:
            return link.customer_id
        customer_id = self.ctx.crm.customers.create(link.new, stamp=self.ctx.batch.stamp)
        self.ctx.batch.created(CUSTOMERS, customer_id, stamped=True)
        if self._names is not None:
            self._names.setdefault(self._name_key(link.new), []).append(customer_id)
        return customer_id

    # ----- helpers -----------------------------------------------------------------------
    def _by_id(self, value: Any) -> dict[str, Any] | None:
        try:
            customer_id = parse_id(value, "customer_id")
        except ValidationError:
            return None
        doc = self.ctx.crm.customers.table.get(doc_id=customer_id)
        return None if doc is None else {"id": doc.doc_id, **doc}

    def _name(self, link: Mapping[str, Any]) -> str | None:
        if "customer_name" in link:
            return clean_text(link["customer_name"], "customer_name")
        parts = [clean_text(link[k], k) for k in ("customer_first_name", "customer_last_name")
                 if k in link]
        return " ".join(parts) or None

    @staticmethod
    def _name_key(customer: Mapping[str, Any]) -> str:
        return display_name(customer).casefold()

    def _by_name(self, name: str | None) -> int | None:
        if name is None:
            return None
        if self._names is None:
            self._names = {}
            for doc in self.ctx.crm.customers.table:
                if not doc.get("deleted_at"):
                    self._names.setdefault(self._name_key(doc), []).append(doc.doc_id)
        ids = self._names.get(name.casefold(), [])
        if len(ids) > 1:
            raise ValidationError("customer_name", f"{len(ids)} customers are named {name!r}: "
                                  "say which one with customer_email or customer_external_id")
        return ids[0] if ids else None

    def _new_customer(self, link: Mapping[str, Any], external: Any,
                      name: str | None) -> dict[str, Any]:
        fields = {f: link[f"customer_{f}"] for f in _CUSTOMER_FIELDS if f"customer_{f}" in link}
        if external is not None:
            fields["external_id"] = key_text(external, "customer_external_id")
        if name is None:  # only an id to go by: name them after it, to be renamed later
            fields["name"] = f"Customer {fields['external_id']}"
        try:
            data = CustomerInput.read(fields).as_new()
            validated_customer(data, self.ctx.today)
        except ValidationError as exc:
            raise renamed(exc, lambda f: f"customer_{column_name(f)}") from None
        return data

