"""New or edited deal: customer, name, value, stage, probability (blank: the stage's
default), expected close date and owner (whoever is working by default)."""

from __future__ import annotations

from typing import ClassVar

from crm_tui.domain.entities.opportunity import STAGES

from .base import FormField
from .common import CustomerRecordForm, Record, customer_field


class OpportunityForm(CustomerRecordForm):
    NOUN = "deal"
    FIELDS: ClassVar[list[FormField]] = [
        customer_field(),
        FormField("name", "Deal", required=True, placeholder="what is being sold"),
        FormField("value", "Value", "money", placeholder="e.g. 1,200.50"),
        FormField("stage", "Stage", "choice", STAGES),
        FormField("probability", "Probability %", "int", placeholder="blank: stage default"),
        FormField("expected_close_date", "Expected close", "date"),
        FormField("owner", "Owner", placeholder="staff login"),
    ]

    def defaults(self) -> Record:
        return {"stage": STAGES[0], "owner": self.crm.ctx.staff}

    def record_values(self, record: Record) -> Record:
        values = super().record_values(record)
        if not record.get("probability_manual"):
            values["probability"] = None  # following the stage: shown blank, kept so
        return values

    def load(self) -> Record:
        return self.crm.pipeline.get(self.record_id or 0)

    def create(self, values: Record) -> object:
        return self.crm.pipeline.create(values)

    def update(self, changes: Record) -> object:
        return self.crm.pipeline.update(self.record_id or 0, changes, base=self.stored)
