"""Redeem loyalty points: the title shows the customer's balance; points and a note."""

from __future__ import annotations

from typing import ClassVar

from crm_tui.domain.entities.common import parse_int
from crm_tui.domain.errors import ValidationError

from .base import FormField
from .common import CustomerRecordForm, Record, customer_field


class RedeemForm(CustomerRecordForm):
    """Only new redemptions: a mistaken one is put right with an adjustment, not an edit."""

    NOUN = "redemption"
    FIELDS: ClassVar[list[FormField]] = [
        customer_field(),
        FormField("points", "Points", "int", placeholder="how many to spend", required=True),
        FormField("note", "Note", placeholder="what they were spent on"),
    ]

    def title_text(self) -> str:
        if self.customer_id is None:
            return "Redeem points"
        profile = self.crm.customers.profile(self.customer_id)
        return f"Redeem points · {profile.name} · balance {profile.loyalty_points:,}"

    def create(self, values: Record) -> object:
        customer_id = self.require_customer(values)
        if values.get("points") is None:
            raise ValidationError("points", "is required: how many points to redeem")
        # The service takes a whole number (the balance check is its own).
        points = parse_int(values["points"], "points")
        return self.crm.loyalty.redeem(customer_id, points, values.get("note"))
