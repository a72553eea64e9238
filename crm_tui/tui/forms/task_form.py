"""New or edited task: title, description, an optional customer, who does it (whoever is
working by default), priority and due date."""

from __future__ import annotations

from typing import ClassVar

from crm_tui.domain.entities.task import TASK_PRIORITIES

from .base import FormField
from .common import CustomerRecordForm, Record, customer_field


class TaskForm(CustomerRecordForm):
    NOUN = "task"
    FIELDS: ClassVar[list[FormField]] = [
        customer_field(required=False),
        FormField("title", "Title", required=True),
        FormField("description", "Description", "multiline"),
        FormField("assigned_to", "Assigned to", placeholder="staff login"),
        FormField("priority", "Priority", "choice", TASK_PRIORITIES),
        FormField("due_date", "Due", "date"),
    ]

    def defaults(self) -> Record:
        return {"assigned_to": self.crm.ctx.staff, "priority": "normal"}

    def load(self) -> Record:
        return self.crm.tasks.get(self.record_id or 0)

    def create(self, values: Record) -> object:
        return self.crm.tasks.create(values)

    def update(self, changes: Record) -> object:
        return self.crm.tasks.update(self.record_id or 0, changes, base=self.stored)
