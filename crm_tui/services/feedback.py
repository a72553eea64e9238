"""Customer feedback: ratings (sentiment), recommend scores (NPS), and their resolution.

Sentiment is computed from the rating by the domain rules under the feedback settings and
stored with the feedback, so lists and counts need not recompute it. Feedback may be
anonymous (no customer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm_tui.domain.entities.feedback import validate_feedback
from crm_tui.domain.rules.feedback import (
    NpsBreakdown,
    nps_breakdown,
    sentiment_for_rating,
)

from . import tables
from .base import CustomerRecords
from .records import Record, latest_first, newest_first

TABLE = tables.FEEDBACK


class FeedbackService(CustomerRecords):
    table_name = TABLE
    entity = "feedback"

    # ----- reading -----------------------------------------------------------------------
    def for_customer(self, customer_id: int) -> list[Record]:
        """The customer's feedback, newest first."""
        return newest_first(self._customer_documents(customer_id))

    def inbox(self, *, unresolved_only: bool = False) -> list[Record]:
        """Unresolved feedback first, then the rest; newest first within each."""
        docs = latest_first(d for d in self._shown_records()
                            if not (unresolved_only and d.get("resolved")))
        return sorted(docs, key=lambda d: bool(d.get("resolved")))  # stable: keeps newest first

    def nps(self, inbox: list[Record] | None = None) -> NpsBreakdown:
        """Promoters, passives, detractors and the NPS over feedback with a recommend score.
        `inbox`: what `inbox()` just returned (not read again)."""
        shown = self._shown_records() if inbox is None else inbox
        return nps_breakdown((d.get("recommend_score") for d in shown),
                             self.ctx.settings.feedback)

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
