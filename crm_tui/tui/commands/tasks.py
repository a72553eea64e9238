"""Palette provider: "task: <title> — <customer>" opens the task in its form."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from .records import Entry, KeptRecordCommands

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm
    from crm_tui.services.tasks import TaskRow


class TaskCommands(KeptRecordCommands["TaskRow"]):
    def rows(self, crm: Crm) -> list[TaskRow]:
        return crm.tasks.rows()

    def entry(self, task: TaskRow, customer: str) -> Entry:
        title = f"task: {task.title}" + (f" — {customer}" if customer else "")
        about = [str(task.status), f"due {task.due_date or '-'}",
                 f"for {task.assigned_to or '-'}"]
        return Entry(title, " · ".join(about),
                     partial(self.crm_app.open_form, "task", customer_id=task.customer_id,
                             record_id=task.id))
