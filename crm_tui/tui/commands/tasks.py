"""Palette provider: "task: <title> — <customer>" opens the task in its form."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from .records import Entry, RecordCommands

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm


class TaskCommands(RecordCommands):
    def entries(self, crm: Crm) -> list[Entry]:
        tasks = crm.tasks.all(open_only=False)
        names = crm.customers.display_names(t.get("customer_id") for t in tasks)
        app = self.crm_app
        entries = []
        for t in tasks:
            customer = names.get(t.get("customer_id") or 0)
            title = f"task: {t['title']}" + (f" — {customer}" if customer else "")
            about = [str(t.get("status")), f"due {t.get('due_date') or '-'}",
                     f"for {t.get('assigned_to') or '-'}"]
            entries.append(Entry(title, " · ".join(about),
                                 partial(app.open_form, "task",
                                         customer_id=t.get("customer_id"), record_id=t["id"])))
        return entries
