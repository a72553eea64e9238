"""Tasks: to-dos for staff, optionally about a customer, with due / overdue / upcoming lists,
and snoozing (putting one off by days)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cached_property
from operator import attrgetter
from typing import Any, NamedTuple

from crm_tui.domain.entities.task import OPEN_TASK_STATUSES, validate_task

from . import customer_records, tables
from .agenda import ASSIGNEE, UPCOMING_DAYS, Agenda, agenda_of, open_day, whose_key
from .base import CustomerRecords
from .changes import Changes
from .context import ServiceContext
from .kept_rows import KeptRows, interned_row, known_live
from .records import Record, with_id

TABLE = tables.TASKS


def _open_due(doc: Mapping[str, Any]) -> int | None:
    return open_day(doc, "due_date") if doc.get("status") in OPEN_TASK_STATUSES else None


def snoozed_date(due: str | None, as_of: dt.date, days: int) -> str:
    """The day a task (or follow-up) due on `due` is put off to by `days`: counted from its
    due date, or from `as_of` when it is overdue or undated, so +1 day on an overdue task
    makes it due tomorrow rather than still overdue."""
    start = max(dt.date.fromisoformat(due), as_of) if due else as_of
    return (start + dt.timedelta(days=days)).isoformat()


def _in_order(tasks: list[Record]) -> list[Record]:
    """Open tasks first, soonest due first (undated last); then closed ones, latest first."""
    opened = [t for t in tasks if t.get("status") in OPEN_TASK_STATUSES]
    closed = [t for t in tasks if t.get("status") not in OPEN_TASK_STATUSES]
    opened.sort(key=lambda t: (t.get("due_date") or "9999-12-31", t["id"]))
    closed.sort(key=lambda t: (t.get("completed_date") or "", t["id"]), reverse=True)
    return opened + closed


class TaskRow(NamedTuple):
    """One task as a long list names it (the palette's search): no document is held."""

    id: int
    customer_id: int | None
    title: str
    status: str
    due_date: str | None
    assigned_to: str | None

    @classmethod
    def of(cls, task_id: int, doc: Mapping[str, Any]) -> TaskRow:
        return interned_row(cls._make, task_id, doc, _DOC_FIELDS)


_DOC_FIELDS = TaskRow._fields[1:]  # those read from the document (its id is apart)


class TaskService(CustomerRecords):
    table_name = TABLE
    entity = "task"
    dated = (("due", _open_due),)
    keyed = ((ASSIGNEE, whose_key(_open_due, "assigned_to")),)

    def __init__(self, ctx: ServiceContext, changes: Changes,
                 records: customer_records.CustomerRecords | None = None) -> None:
        """`records`: the session's customer records, asked which customers are live
        once they are here, instead of reading the customers (`known_live`)."""
        super().__init__(ctx, changes)
        self._session_records = records

    # ----- reading -----------------------------------------------------------------------
    def for_customer(self, customer_id: int) -> list[Record]:
        """The customer's tasks: open ones by due date, then closed ones, latest first."""
        return _in_order([with_id(d) for d in self._customer_documents(customer_id)])

    def all(self, *, assigned_to: str | None = None, open_only: bool = True) -> list[Record]:
        """Every task (open ones only by default), in the order of `for_customer`."""
        docs = [d for d in self._shown_records()
                if (not open_only or d.get("status") in OPEN_TASK_STATUSES)
                and (assigned_to is None or d.get("assigned_to") == assigned_to)]
        return _in_order(docs)

    def rows(self) -> list[TaskRow]:
        """Every task of a live customer (or of none) as a row, in no set order: read once
        per session (in the worker that first asks), then kept from the commits."""
        return self._rows.shown()

    @cached_property
    def _rows(self) -> KeptRows[TaskRow]:
        return KeptRows(self.ctx.db, TABLE, TaskRow.of, attrgetter("customer_id"),
                        live=known_live(self._session_records))

    def agenda(self, as_of: dt.date | None = None, *, assigned_to: str | None = None,
               days: int | None = UPCOMING_DAYS) -> Agenda:
        """Open tasks due on `as_of`, overdue, and due within `days` after it (None: all)."""
        def keep(tasks: list[Record]) -> list[Record]:
            return self._shown_only([t for t in tasks if assigned_to is None
                                     or t.get("assigned_to") == assigned_to])

        return agenda_of(self.table, "due", "due_date", self.ctx.as_of(as_of), days, keep)

    # ----- writing -----------------------------------------------------------------------
    def create(self, data: Mapping[str, Any]) -> int:
        """A new task; assigned to whoever is working unless given. The customer is optional
        but must exist (and not be deleted) when given."""
        with self.changes.change("New task"):
            values = self._validated_new(validate_task, data)
            values["assigned_to"] = values.get("assigned_to") or self.ctx.staff
            return self._insert_new(values)

    def update(self, task_id: int, changes: Mapping[str, Any], *,
               base: Mapping[str, Any] | None = None) -> Record:
        """Edit fields; with `base` (the task as the editor read it) a field someone else
        changed since is not overwritten: EditConflict says who, when and what."""
        return self._edit("Edit task", task_id, changes, base)

    def complete(self, task_id: int) -> Record:
        """Done today: it leaves the due lists and gets a completed date."""
        return self._edit("Complete task", task_id, {"status": "done"})

    def snooze(self, task_id: int, days: int, as_of: dt.date | None = None) -> Record:
        """Put the task off by `days` (see `snoozed_date`)."""
        due = self.get(task_id).get("due_date")
        return self._edit("Snooze task", task_id,
                          {"due_date": snoozed_date(due, self.ctx.as_of(as_of), days)})

    def delete(self, task_id: int) -> None:
        self._remove("Delete task", task_id)

    def _edit(self, label: str, task_id: int, changes: Mapping[str, Any],
              base: Mapping[str, Any] | None = None) -> Record:
        with self.changes.change(label):
            self._save(*self._validated_edit(validate_task, task_id, changes), base)
        return self.get(task_id)
