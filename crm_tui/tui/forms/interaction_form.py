"""Log or edit an interaction: channel, direction, status, date, what was said, the
outcome, the next action with its follow-up date, and how long it took."""

from __future__ import annotations

from typing import ClassVar

from crm_tui.domain.entities.interaction import CHANNELS, DIRECTIONS, INTERACTION_STATUSES

from .base import FormField
from .common import CustomerRecordForm, Record, customer_field


class InteractionForm(CustomerRecordForm):
    NOUN = "interaction"
    FIELDS: ClassVar[list[FormField]] = [
        customer_field(),
        FormField("channel", "Channel", "choice", CHANNELS, required=True),
        FormField("direction", "Direction", "choice", DIRECTIONS),
        FormField("status", "Status", "choice", INTERACTION_STATUSES, placeholder="none"),
        FormField("date", "Date", "date"),
        FormField("subject", "Subject"),
        FormField("summary", "Summary", "multiline"),
        FormField("outcome", "Outcome"),
        FormField("next_action", "Next action"),
        FormField("follow_up_date", "Follow-up date", "date"),
        FormField("duration_minutes", "Minutes", "int", placeholder="duration"),
    ]

    def defaults(self) -> Record:
        return {"direction": "outbound", "date": self.today.isoformat()}

    def load(self) -> Record:
        return self.crm.interactions.get(self.record_id or 0)

    def create(self, values: Record) -> object:
        return self.crm.interactions.log(values)

    def update(self, changes: Record) -> object:
        return self.crm.interactions.update(self.record_id or 0, changes, base=self.stored)
