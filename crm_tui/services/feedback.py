"""Customer feedback: ratings (sentiment), recommend scores (NPS), and their resolution.

Sentiment is computed from the rating by the domain rules under the feedback settings and
stored with the feedback, so lists and counts need not recompute it. Feedback may be
anonymous (no customer).

The inbox holds one small row per feedback (`InboxRow`: what orders, counts and badges
it), never the documents: at 100,000 customers the inbox lists about 19,000 feedback, and
a list drawn a screenful at a time reads the comments and names of the rows on screen
only (`comments`, and the customers' names).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from operator import attrgetter
from typing import Any, NamedTuple

from crm_tui.domain.entities.feedback import validate_feedback
from crm_tui.domain.rules.feedback import (
    NpsBreakdown,
    nps_breakdown,
    sentiment_for_rating,
)

from . import customer_records, tables
from .base import CustomerRecords
from .changes import Changes
from .context import ServiceContext
from .kept_rows import KeptRows, known_live
from .records import Record, newest_first

TABLE = tables.FEEDBACK


class InboxRow(NamedTuple):
    """One feedback as the inbox orders, counts and badges it (no comments, no notes)."""

    id: int
    customer_id: int | None
    date: str
    rating: int
    sentiment: str
    recommend_score: int | None
    resolved: bool

    @classmethod
    def of(cls, feedback_id: int, doc: Mapping[str, Any]) -> InboxRow:
        customer = doc.get("customer_id")
        return cls(feedback_id, None if customer is None else int(customer),
                   sys.intern(str(doc.get("date") or "")), int(doc.get("rating") or 0),
                   sys.intern(str(doc.get("sentiment") or "")), doc.get("recommend_score"),
                   bool(doc.get("resolved")))


def inbox_order(rows: Sequence[InboxRow]) -> list[InboxRow]:
    """Unresolved feedback first, then the rest; newest first within each (the
    later-created first on a day)."""
    newest = sorted(rows, key=lambda r: (r.date, r.id), reverse=True)
    return sorted(newest, key=lambda r: r.resolved)  # stable: keeps newest first


class FeedbackService(CustomerRecords):
    table_name = TABLE
    entity = "feedback"

    def __init__(self, ctx: ServiceContext, changes: Changes,
                 records: customer_records.CustomerRecords | None = None) -> None:
        """`records`: the session's customer records, asked which customers are live
        once they are here, instead of reading the customers (`known_live`)."""
        super().__init__(ctx, changes)
        self._session_records = records

    # ----- reading -----------------------------------------------------------------------
    def for_customer(self, customer_id: int) -> list[Record]:
        """The customer's feedback, newest first."""
        return newest_first(self._customer_documents(customer_id))

    def inbox(self, *, unresolved_only: bool = False) -> list[InboxRow]:
        """Every shown feedback as a row (`inbox_order`): read once, then kept from the
        commits (`KeptRows`); no document is held."""
        rows = self._inbox_rows.shown()
        return inbox_order([r for r in rows if not (unresolved_only and r.resolved)])

    @cached_property
    def _inbox_rows(self) -> KeptRows[InboxRow]:
        return KeptRows(self.ctx.db, TABLE, InboxRow.of, attrgetter("customer_id"),
                        live=known_live(self._session_records))

    def comments(self, feedback_ids: Iterable[int]) -> dict[int, str]:
        """The comments of these feedback ("" for none): the rows on screen's."""
        docs = self.ctx.db.get_many(TABLE, feedback_ids)
        return {i: str(doc.get("comments") or "") for i, doc in docs.items()}

    def nps(self, inbox: Sequence[InboxRow] | None = None) -> NpsBreakdown:
        """Promoters, passives, detractors and the NPS over feedback with a recommend score.
        `inbox`: what `inbox()` just returned (not read again)."""
        shown = self.inbox() if inbox is None else inbox
        return nps_breakdown((r.recommend_score for r in shown), self.ctx.settings.feedback)

    # ----- writing -----------------------------------------------------------------------
    def submit(self, data: Mapping[str, Any]) -> int:
        """Record feedback; without a customer it is anonymous."""
        with self.changes.change("Submit feedback"):
            values = self._validated_new(validate_feedback, data)
            values["sentiment"] = self._sentiment(values["rating"])
            values.update(self._resolution({}, values))
            return self._insert_new(values)

    def update(self, feedback_id: int, changes: Mapping[str, Any], *,
               base: Mapping[str, Any] | None = None) -> Record:
        """Edit fields; `base` as for `TaskService.update`."""
        return self._edit("Edit feedback", feedback_id, changes, base)

    def resolve(self, feedback_id: int, notes: str | None = None) -> Record:
        """Resolved by whoever is working, today, with what was done about it."""
        changes = {"resolved": True, "resolved_by": self.ctx.staff}
        if notes is not None:  # re-resolving without notes keeps the earlier ones
            changes["resolution_notes"] = notes
        return self._edit("Resolve feedback", feedback_id, changes)

    def reopen(self, feedback_id: int) -> Record:
        """Back to unresolved; the resolution notes stay as a record of what was tried."""
        return self._edit("Reopen feedback", feedback_id, {"resolved": False})

    def delete(self, feedback_id: int) -> None:
        self._remove("Delete feedback", feedback_id)

    def _edit(self, label: str, feedback_id: int, changes: Mapping[str, Any],
              base: Mapping[str, Any] | None = None) -> Record:
        with self.changes.change(label):
            current, edit = self._validated_edit(validate_feedback, feedback_id, changes)
            if "rating" in edit:
                edit["sentiment"] = self._sentiment(edit["rating"])
            edit.update(self._resolution(current, {**current, **edit}))
            self._save(current, edit, base)
        return self.get(feedback_id)

    def _sentiment(self, rating: int) -> str:
        return sentiment_for_rating(rating, self.ctx.settings.feedback)

    def _resolution(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
        """Who resolved it and when, set as it becomes resolved and cleared as it reopens."""
        if bool(after.get("resolved")) == bool(before.get("resolved")):
            return {}
        if after.get("resolved"):
            return {"resolved_by": after.get("resolved_by") or self.ctx.staff,
                    "resolved_at": self.ctx.clock.stamp()}
        return {"resolved_by": None, "resolved_at": None}
