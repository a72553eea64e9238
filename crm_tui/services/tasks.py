"""Tasks: to-dos for staff, optionally about a customer, with due / overdue / upcoming lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from crm_tui.domain.entities.task import OPEN_TASK_STATUSES, validate_task
from crm_tui.store import StoreTable

from . import tables
from .changes import Changes
from .context import ServiceContext
from .customers import TABLE as CUSTOMERS
from .interactions import UPCOMING_DAYS, Agenda, Record, agenda_of, live_customer, save_edit
from .records import fetch, stamped_new, with_id

TABLE = tables.TASKS


def _open_due(doc: Mapping[str, Any]) -> str | None:
    return doc.get("due_date") if doc.get("status") in OPEN_TASK_STATUSES else None


def _in_order(tasks: list[Record]) -> list[Record]:
    """Open tasks first, soonest due first (undated last); then closed ones, latest first."""
    opened = [t for t in tasks if t.get("status") in OPEN_TASK_STATUSES]
    closed = [t for t in tasks if t.get("status") not in OPEN_TASK_STATUSES]
    opened.sort(key=lambda t: (t.get("due_date") or "9999-12-31", t["id"]))
    closed.sort(key=lambda t: (t.get("completed_date") or "", t["id"]), reverse=True)
    return opened + closed


class TaskService:
    def __init__(self, ctx: ServiceContext, changes: Changes) -> None:
        self.ctx = ctx
        self.changes = changes
        self.table: StoreTable = ctx.db.table(TABLE)
        self.table.create_index("customer", lambda d: d.get("customer_id"))
        self.table.create_index("due", _open_due)
        self.customers: StoreTable = ctx.db.table(CUSTOMERS)

    # ----- reading -----------------------------------------------------------------------
    def get(self, task_id: int) -> Record:
        return with_id(fetch(self.table, "task", task_id))

    def for_customer(self, customer_id: int) -> list[Record]:
        """The customer's tasks: open ones by due date, then closed ones, latest first."""
        return _in_order([with_id(d) for d in self.table.find("customer", int(customer_id))])

    def all(self, *, assigned_to: str | None = None, open_only: bool = True) -> list[Record]:
        """Every task (open ones only by default), in the order of `for_customer`."""
        docs = [with_id(d) for d in self.table
                if (not open_only or d.get("status") in OPEN_TASK_STATUSES)
                and (assigned_to is None or d.get("assigned_to") == assigned_to)
                and live_customer(self.customers, d.get("customer_id"))]
        return _in_order(docs)

    def agenda(self, as_of: dt.date | None = None, *, assigned_to: str | None = None,
               days: int | None = UPCOMING_DAYS) -> Agenda:
        """Open tasks due on `as_of`, overdue, and due within `days` after it (None: all)."""
        def keep(task: Record) -> bool:
            return ((assigned_to is None or task.get("assigned_to") == assigned_to)
                    and live_customer(self.customers, task.get("customer_id")))

        return agenda_of(self.table, "due", "due_date", self.ctx.as_of(as_of), days, keep)

    def due_today(self, as_of: dt.date | None = None, *,
                  assigned_to: str | None = None) -> list[Record]:
        return self.agenda(as_of, assigned_to=assigned_to, days=0).due

    def overdue(self, as_of: dt.date | None = None, *,
                assigned_to: str | None = None) -> list[Record]:
        return self.agenda(as_of, assigned_to=assigned_to, days=0).overdue

    def upcoming(self, as_of: dt.date | None = None, *, assigned_to: str | None = None,
                 days: int | None = UPCOMING_DAYS) -> list[Record]:
        return self.agenda(as_of, assigned_to=assigned_to, days=days).upcoming

    # ----- writing -----------------------------------------------------------------------
    def create(self, data: Mapping[str, Any]) -> int:
        """A new task; assigned to whoever is working unless given. The customer is optional
        but must exist (and not be deleted) when given."""
        with self.changes.change("New task"):
            values = validate_task(data, today=self.ctx.clock.today())
            if values.get("customer_id") is not None:
                fetch(self.customers, "customer", values["customer_id"])
            values["assigned_to"] = values.get("assigned_to") or self.ctx.staff
            return self.table.insert(stamped_new(values, self.ctx.clock.stamp(), self.ctx.staff))

    def update(self, task_id: int, changes: Mapping[str, Any]) -> Record:
        return self._edit("Edit task", task_id, changes)

    def complete(self, task_id: int) -> Record:
        """Done today: it leaves the due lists and gets a completed date."""
        return self._edit("Complete task", task_id, {"status": "done"})

    def reopen(self, task_id: int) -> Record:
        return self._edit("Reopen task", task_id, {"status": "open"})

    def delete(self, task_id: int) -> None:
        with self.changes.change("Delete task"):
            doc = fetch(self.table, "task", task_id)
            self.table.remove(doc_ids=[doc.doc_id])

    def _edit(self, label: str, task_id: int, changes: Mapping[str, Any]) -> Record:
        with self.changes.change(label):
            current = fetch(self.table, "task", task_id)
            edit = validate_task(changes, today=self.ctx.clock.today(), partial=True,
                                 current=current)
            customer_id = edit.get("customer_id", current.get("customer_id"))
            if customer_id is not None and customer_id != current.get("customer_id"):
                fetch(self.customers, "customer", customer_id)
            save_edit(self.table, current, edit, self.ctx.clock.stamp())
        return self.get(task_id)
