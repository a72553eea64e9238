"""Submit or edit feedback: an optional customer (none: anonymous), service type, rating
1-5, recommend score 0-10, comments, source, and whether it was resolved and how."""

from __future__ import annotations

from typing import ClassVar

from crm_tui.domain.entities.feedback import FEEDBACK_SOURCES, SERVICE_TYPES

from .base import FormField
from .common import CustomerRecordForm, Record, customer_field


class FeedbackForm(CustomerRecordForm):
    NOUN = "feedback"
    FIELDS: ClassVar[list[FormField]] = [
        customer_field(required=False),
        FormField("service_type", "Service", "choice", SERVICE_TYPES),
        FormField("rating", "Rating", "int", placeholder="1 to 5", required=True),
        FormField("recommend_score", "Recommend", "int", placeholder="0 to 10"),
        FormField("comments", "Comments", "multiline"),
        FormField("source", "Source", "choice", FEEDBACK_SOURCES, placeholder="none"),
        FormField("date", "Date", "date"),
        FormField("resolved", "Resolved", "bool"),
        FormField("resolution_notes", "Resolution", "multiline"),
    ]

    def title_detail(self) -> str:
        return super().title_detail() or ("" if self.editing else " · anonymous unless chosen")

    def defaults(self) -> Record:
        return {"service_type": "general", "date": self.today.isoformat()}

    def load(self) -> Record:
        return self.crm.feedback.get(self.record_id or 0)

    def create(self, values: Record) -> object:
        return self.crm.feedback.submit(values)

    def update(self, changes: Record) -> object:
        # Ticking "resolved" resolves it (by whoever is working, today) in the same change.
        return self.crm.feedback.update(self.record_id or 0, changes, base=self.stored)
