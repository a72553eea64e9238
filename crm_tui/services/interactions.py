"""Interactions (calls, emails, meetings...): the customer timeline and its follow-ups.

Also home of the helpers the other activity services (pipeline, tasks, feedback) share:
hiding the records of soft-deleted customers, saving an edit only when it changes
something, and the due / overdue / upcoming agenda read through a date index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tinydb.table import Document

from crm_tui.domain.entities.interaction import validate_interaction
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.analytics import follow_ups, interactions_by_channel
from crm_tui.store import StoreTable

from . import tables
from .changes import Changes
from .context import ServiceContext
from .customers import TABLE as CUSTOMERS
from .records import fetch, stamped_new, with_id

TABLE = tables.INTERACTIONS
UPCOMING_DAYS = 7  # how far ahead "upcoming" looks unless asked otherwise

Record = dict[str, Any]


# ----- helpers shared by the activity services ---------------------------------------------
def live_customer(customers: StoreTable, customer_id: int | None) -> bool:
    """Whether a record about this customer is shown: none (anonymous) or not soft-deleted.

    A soft-deleted customer is hidden everywhere but its own history, records included.
    """
    if customer_id is None:
        return True
    doc = customers.get(doc_id=int(customer_id))
    return doc is not None and not doc.get("deleted_at")


def save_edit(table: StoreTable, current: Document, edit: Mapping[str, Any],
              stamp: str) -> bool:
    """Write the changed fields; an edit that changes nothing writes (and audits) nothing."""
    if all(current.get(k) == v for k, v in edit.items()):
        return False
    table.update({**edit, "updated_at": stamp}, doc_ids=[current.doc_id])
    return True


@dataclass(frozen=True)
class Agenda:
    """What needs doing as of a date: due that day, overdue (oldest first), upcoming
    (within the horizon, soonest first)."""

    as_of: dt.date
    due: list[Record]
    overdue: list[Record]
    upcoming: list[Record]


def agenda_of(table: StoreTable, index: str, date_field: str, as_of: dt.date,
              days: int | None, keep: Callable[[Record], bool]) -> Agenda:
    """The agenda from `index`, which maps each *open* record to its ISO date (None once
    done), so only the dates up to the horizon are read, never the whole table."""
    today = as_of.isoformat()
    horizon = None if days is None else (as_of + dt.timedelta(days=days)).isoformat()
    keys = sorted(k for k in table.index_keys(index) if isinstance(k, str))

    def records(days_wanted: Iterable[str]) -> list[Record]:
        return [r for key in days_wanted for r in map(with_id, table.find(index, key))
                if keep(r)]

    # The domain rule decides due vs overdue (and skips anything marked done).
    split = follow_ups(records(k for k in keys if k <= today), as_of, date_field)
    upcoming = records(k for k in keys if k > today and (horizon is None or k <= horizon))
    return Agenda(as_of, split.due, split.overdue, upcoming)


# ----- interactions ------------------------------------------------------------------------
def _open_follow_up(doc: Mapping[str, Any]) -> str | None:
    return None if doc.get("follow_up_done") else doc.get("follow_up_date")


class InteractionService:
    def __init__(self, ctx: ServiceContext, changes: Changes) -> None:
        self.ctx = ctx
        self.changes = changes
        self.table: StoreTable = ctx.db.table(TABLE)
        self.table.create_index("customer", lambda d: d.get("customer_id"))
        self.table.create_index("follow_up", _open_follow_up)
        self.customers: StoreTable = ctx.db.table(CUSTOMERS)

    # ----- reading -----------------------------------------------------------------------
    def get(self, interaction_id: int) -> Record:
        return with_id(fetch(self.table, "interaction", interaction_id))

    def for_customer(self, customer_id: int) -> list[Record]:
        """The customer's timeline, newest first."""
        docs = [with_id(d) for d in self.table.find("customer", int(customer_id))]
        return sorted(docs, key=lambda d: (d["date"], d["id"]), reverse=True)

    def follow_ups(self, as_of: dt.date | None = None, *, staff: str | None = None,
                   days: int | None = UPCOMING_DAYS) -> Agenda:
        """Open follow-ups due on `as_of`, overdue, and upcoming within `days` (None: all),
        optionally only one staff member's."""
        def keep(record: Record) -> bool:
            return ((staff is None or record.get("staff") == staff)
                    and live_customer(self.customers, record.get("customer_id")))

        return agenda_of(self.table, "follow_up", "follow_up_date", self.ctx.as_of(as_of),
                         days, keep)

    def counts_by_channel(self, start: dt.date | None = None,
                          end: dt.date | None = None) -> dict[str, int]:
        """Interactions per channel (most first) dated within [start, end], bounds optional."""
        shown = (d for d in self.table if live_customer(self.customers, d.get("customer_id")))
        return interactions_by_channel(shown, start, end)

    # ----- writing -----------------------------------------------------------------------
    def log(self, data: Mapping[str, Any]) -> int:
        """Record an interaction with a live customer; staff defaults to whoever is working."""
        with self.changes.change("Log interaction"):
            values = validate_interaction(data, today=self.ctx.clock.today())
            fetch(self.customers, "customer", values["customer_id"])
            values["staff"] = values.get("staff") or self.ctx.staff
            return self.table.insert(stamped_new(values, self.ctx.clock.stamp(), self.ctx.staff))

    def update(self, interaction_id: int, changes: Mapping[str, Any]) -> Record:
        return self._edit("Edit interaction", interaction_id, changes)

    def complete_follow_up(self, interaction_id: int) -> Record:
        """Mark the follow-up handled: it leaves the due and overdue lists."""
        if not self.get(interaction_id).get("follow_up_date"):
            raise ValidationError("follow_up_date", "is not set: there is no follow-up to complete")
        return self._edit("Complete follow-up", interaction_id, {"follow_up_done": True})

    def delete(self, interaction_id: int) -> None:
        with self.changes.change("Delete interaction"):
            doc = fetch(self.table, "interaction", interaction_id)
            self.table.remove(doc_ids=[doc.doc_id])

    def _edit(self, label: str, interaction_id: int, changes: Mapping[str, Any]) -> Record:
        with self.changes.change(label):
            current = fetch(self.table, "interaction", interaction_id)
            edit = validate_interaction(changes, today=self.ctx.clock.today(), partial=True,
                                        current=current)
            if edit.get("customer_id", current["customer_id"]) != current["customer_id"]:
                fetch(self.customers, "customer", edit["customer_id"])
            rescheduled = edit.get("follow_up_date", current.get("follow_up_date"))
            if rescheduled != current.get("follow_up_date") and "follow_up_done" not in changes:
                edit["follow_up_done"] = False  # a new date is a new follow-up to do
            save_edit(self.table, current, edit, self.ctx.clock.stamp())
        return self.get(interaction_id)
