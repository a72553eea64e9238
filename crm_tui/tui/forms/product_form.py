"""New or edited catalogue product: name, category, price, description, active."""

from __future__ import annotations

from typing import ClassVar

from .base import FormField
from .common import Record, ServiceForm


class ProductForm(ServiceForm):
    NOUN = "product"
    FIELDS: ClassVar[list[FormField]] = [
        FormField("name", "Name", required=True),
        FormField("category", "Category"),
        FormField("price", "Price", "money", placeholder="e.g. 1,200.50", required=True),
        FormField("description", "Description", "multiline"),
        FormField("active", "Active (for sale)", "bool"),
    ]

    def defaults(self) -> Record:
        return {"active": True}

    def load(self) -> Record:
        return self.crm.products.get(self.record_id or 0)

    def create(self, values: Record) -> object:
        return self.crm.products.create(values)

    def update(self, changes: Record) -> object:
        return self.crm.products.update(self.record_id or 0, changes, base=self.stored)
