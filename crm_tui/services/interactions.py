"""Interactions (calls, emails, meetings...): the customer timeline and its follow-ups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from crm_tui.domain.entities.interaction import validate_interaction
from crm_tui.domain.errors import ValidationError

from . import tables
from .agenda import ASSIGNEE, UPCOMING_DAYS, Agenda, agenda_of, open_day, whose_key
from .base import CustomerRecords
from .records import Record, newest_first
from .tasks import snoozed_date

TABLE = tables.INTERACTIONS


def _open_follow_up(doc: Mapping[str, Any]) -> int | None:
    return None if doc.get("follow_up_done") else open_day(doc, "follow_up_date")


class InteractionService(CustomerRecords):
    table_name = TABLE
    entity = "interaction"
    dated = (("follow_up", _open_follow_up),)
    keyed = ((ASSIGNEE, whose_key(_open_follow_up, "staff")),)

    # ----- reading -----------------------------------------------------------------------
    def for_customer(self, customer_id: int) -> list[Record]:
        """The customer's timeline, newest first."""
        return newest_first(self._customer_documents(customer_id))

    def follow_ups(self, as_of: dt.date | None = None, *, staff: str | None = None,
                   days: int | None = UPCOMING_DAYS) -> Agenda:
        """Open follow-ups due on `as_of`, overdue, and upcoming within `days` (None: all),
        optionally only one staff member's."""
        def keep(records: list[Record]) -> list[Record]:
            return self._shown_only([r for r in records
                                     if staff is None or r.get("staff") == staff])

        return agenda_of(self.table, "follow_up", "follow_up_date", self.ctx.as_of(as_of),
                         days, keep)

    # ----- writing -----------------------------------------------------------------------
    def log(self, data: Mapping[str, Any]) -> int:
        """Record an interaction with a live customer; staff defaults to whoever is working."""
        with self.changes.change("Log interaction"):
            values = self._validated_new(validate_interaction, data)
            values["staff"] = values.get("staff") or self.ctx.staff
            return self._insert_new(values)

    def update(self, interaction_id: int, changes: Mapping[str, Any], *,
               base: Mapping[str, Any] | None = None) -> Record:
        """Edit fields; `base` as for `TaskService.update`."""
        return self._edit("Edit interaction", interaction_id, changes, base)

    def complete_follow_up(self, interaction_id: int) -> Record:
        """Mark the follow-up handled: it leaves the due and overdue lists."""
        if not self.get(interaction_id).get("follow_up_date"):
            raise ValidationError("follow_up_date", "is not set: there is no follow-up to complete")
        return self._edit("Complete follow-up", interaction_id, {"follow_up_done": True})

    def snooze_follow_up(self, interaction_id: int, days: int,
                         as_of: dt.date | None = None) -> Record:
        """Put the follow-up off by `days`, as a task is (see `snoozed_date`)."""
        due = self.get(interaction_id).get("follow_up_date")
        if not due:
            raise ValidationError("follow_up_date", "is not set: there is no follow-up to put off")
        return self._edit("Snooze follow-up", interaction_id,
                          {"follow_up_date": snoozed_date(due, self.ctx.as_of(as_of), days)})

    def delete(self, interaction_id: int) -> None:
        self._remove("Delete interaction", interaction_id)

    def _edit(self, label: str, interaction_id: int, changes: Mapping[str, Any],
              base: Mapping[str, Any] | None = None) -> Record:
        with self.changes.change(label):
            current, edit = self._validated_edit(validate_interaction, interaction_id, changes)
            rescheduled = edit.get("follow_up_date", current.get("follow_up_date"))
            if rescheduled != current.get("follow_up_date") and "follow_up_done" not in changes:
                edit["follow_up_done"] = False  # a new date is a new follow-up to do
            self._save(current, edit, base)
        return self.get(interaction_id)
