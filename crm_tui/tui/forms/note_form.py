"""Add or edit a note on a customer: type, priority, pinned, and the text (several lines)."""

from __future__ import annotations

from typing import ClassVar

from crm_tui.domain.entities.note import NOTE_PRIORITIES, NOTE_TYPES
from crm_tui.domain.errors import NotFoundError

from .base import FormField
from .common import CUSTOMER, CustomerRecordForm, Record, customer_field


class NoteForm(CustomerRecordForm):
    """Notes live inside the customer: an edit needs both the customer and the note number."""

    NOUN = "note"
    LOCK_CUSTOMER_ON_EDIT = True
    FIELDS: ClassVar[list[FormField]] = [
        customer_field(),
        FormField("type", "Type", "choice", NOTE_TYPES),
        FormField("priority", "Priority", "choice", NOTE_PRIORITIES),
        FormField("pinned", "Pinned", "bool"),
        FormField("text", "Text", "multiline", required=True),
    ]

    def defaults(self) -> Record:
        return {"type": "internal", "priority": "normal"}

    def load(self) -> Record:
        notes = self.crm.customers.notes(self.customer_id or 0)
        note = next((n for n in notes if n.get("id") == self.record_id), None)
        if note is None:
            raise NotFoundError("note", self.record_id)
        return {**note, CUSTOMER: self.customer_id}

    def create(self, values: Record) -> object:
        note = {k: v for k, v in values.items() if k != CUSTOMER}
        return self.crm.customers.add_note(self.require_customer(values), note)

    def update(self, changes: Record) -> object:
        self.crm.customers.update_note(self.customer_id or 0, self.record_id or 0,
                                       changes, base=self.stored)
        return self.record_id
