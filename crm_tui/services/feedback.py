"""Customer feedback: ratings (sentiment), recommend scores (NPS), and their resolution.

Sentiment is computed from the rating by the domain rules under the feedback settings and
stored with the feedback, so lists and counts need not recompute it. Feedback may be
anonymous (no customer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tinydb.table import Document

from crm_tui.domain.entities.feedback import validate_feedback
from crm_tui.domain.rules.feedback import (
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    NpsBreakdown,
    nps_breakdown,
    sentiment_for_rating,
)
from crm_tui.store import StoreTable

from . import tables
from .changes import Changes
from .context import ServiceContext
from .customers import TABLE as CUSTOMERS
from .interactions import Record, live_customer, save_edit
from .records import fetch, stamped_new, with_id

TABLE = tables.FEEDBACK


class FeedbackService:
    def __init__(self, ctx: ServiceContext, changes: Changes) -> None:
        self.ctx = ctx
        self.changes = changes
        self.table: StoreTable = ctx.db.table(TABLE)
        self.table.create_index("customer", lambda d: d.get("customer_id"))
        self.customers: StoreTable = ctx.db.table(CUSTOMERS)

    # ----- reading -----------------------------------------------------------------------
    def get(self, feedback_id: int) -> Record:
        return with_id(fetch(self.table, "feedback", feedback_id))

    def for_customer(self, customer_id: int) -> list[Record]:
        """The customer's feedback, newest first."""
        docs = [with_id(d) for d in self.table.find("customer", int(customer_id))]
        return sorted(docs, key=lambda d: (d["date"], d["id"]), reverse=True)

    def _shown(self) -> list[Document]:
        return [d for d in self.table if live_customer(self.customers, d.get("customer_id"))]

    def inbox(self, *, unresolved_only: bool = False) -> list[Record]:
        """Unresolved feedback first, then the rest; newest first within each."""
        docs = [with_id(d) for d in self._shown()
                if not (unresolved_only and d.get("resolved"))]
        docs.sort(key=lambda d: (d["date"], d["id"]), reverse=True)
        return sorted(docs, key=lambda d: bool(d.get("resolved")))  # stable: keeps newest first

    def nps(self) -> NpsBreakdown:
        """Promoters, passives, detractors and the NPS over feedback with a recommend score."""
        return nps_breakdown((d.get("recommend_score") for d in self._shown()),
                             self.ctx.settings.feedback)

    def sentiment_counts(self) -> dict[str, int]:
        counts = dict.fromkeys((POSITIVE, NEUTRAL, NEGATIVE), 0)
        for doc in self._shown():
            sentiment = doc.get("sentiment") or self._sentiment(doc["rating"])
            counts[sentiment] = counts.get(sentiment, 0) + 1
        return counts

    # ----- writing -----------------------------------------------------------------------
    def submit(self, data: Mapping[str, Any]) -> int:
        """Record feedback; without a customer it is anonymous."""
        with self.changes.change("Submit feedback"):
            values = validate_feedback(data, today=self.ctx.clock.today())
            if values.get("customer_id") is not None:
                fetch(self.customers, "customer", values["customer_id"])
            values["sentiment"] = self._sentiment(values["rating"])
            values.update(self._resolution({}, values))
            return self.table.insert(stamped_new(values, self.ctx.clock.stamp(), self.ctx.staff))

    def update(self, feedback_id: int, changes: Mapping[str, Any]) -> Record:
        return self._edit("Edit feedback", feedback_id, changes)

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
        with self.changes.change("Delete feedback"):
            doc = fetch(self.table, "feedback", feedback_id)
            self.table.remove(doc_ids=[doc.doc_id])

    def _edit(self, label: str, feedback_id: int, changes: Mapping[str, Any]) -> Record:
        with self.changes.change(label):
            current = fetch(self.table, "feedback", feedback_id)
            edit = validate_feedback(changes, today=self.ctx.clock.today(), partial=True,
                                     current=current)
            customer_id = edit.get("customer_id", current.get("customer_id"))
            if customer_id is not None and customer_id != current.get("customer_id"):
                fetch(self.customers, "customer", customer_id)
            if "rating" in edit:
                edit["sentiment"] = self._sentiment(edit["rating"])
            edit.update(self._resolution(current, {**current, **edit}))
            save_edit(self.table, current, edit, self.ctx.clock.stamp())
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
