"""Customer feedback: ratings (sentiment), recommend scores (NPS), and their resolution.

Sentiment is computed from the rating by the domain rules under the feedback settings and
stored with the feedback, so lists and counts need not recompute it. Feedback may be
anonymous (no customer).

The inbox is known from an index, not from the feedback: its key (`inbox_key`) holds
whether a feedback is open, its day and its recommend score, which is all the inbox orders,
counts and scores by. The index is written to disk by compaction (rebuilt when missing,
stale or damaged, checked by `crm check`; it holds no comment, no name), so the inbox's
order, open count and NPS come from about 19,000 keys at 100,000 customers, no feedback
read, and a list drawn a screenful at a time reads the documents of the rows on screen
only (`rows`).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from crm_tui.domain.entities.feedback import validate_feedback
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.feedback import (
    NpsBreakdown,
    nps_of_counts,
    sentiment_for_rating,
    validate_recommend_score,
)

from . import tables
from .agenda import day_key
from .base import CustomerRecords
from .changes import Changes
from .context import ServiceContext
from .read_models.dashboard import DashboardView
from .records import Record, newest_first

TABLE = tables.FEEDBACK
INBOX = "inbox"  # the index of the inbox's keys (`inbox_key`)
_SCORE_BITS = 4  # the key's lowest bits: the recommend score plus one (0: none)
_SCORE_MASK = (1 << _SCORE_BITS) - 1
_DAY_BITS = 32  # above them the day's ordinal, and above that whether it is open
_ID_BITS = 32  # feedback ids are below 2**32 (the index files hold them as u32)
_ID_MASK = (1 << _ID_BITS) - 1


def inbox_key(doc: Mapping[str, Any]) -> int:
    """The inbox index's key of a feedback: open or not, its day (0: no valid date) and
    its recommend score, packed so that the inbox's order (unresolved first, newest
    first) is that of the keys less their score bits."""
    day = day_key(doc.get("date")) or 0
    try:
        score = validate_recommend_score(doc.get("recommend_score"))
    except ValidationError:
        score = None  # not an answer the NPS counts (nor does the dashboard's)
    is_open = not doc.get("resolved")
    return ((is_open << _DAY_BITS | day) << _SCORE_BITS) | (0 if score is None else score + 1)


def _score(code: int) -> int | None:
    """The recommend score of a key's score bits."""
    return code - 1 if code else None


@dataclass(frozen=True)
class Inbox:
    """Every shown feedback by id in the inbox's order: unresolved first, newest first
    within each (the later-created first on a day); the first `open` are the unresolved;
    `nps` over those with a recommend score."""

    ids: list[int]
    open: int
    nps: NpsBreakdown


class InboxRow(NamedTuple):
    """One feedback as the inbox draws its line."""

    id: int
    customer_id: int | None
    date: str
    rating: int
    sentiment: str
    recommend_score: int | None
    resolved: bool
    comments: str

    @classmethod
    def of(cls, feedback_id: int, doc: Mapping[str, Any]) -> InboxRow:
        customer = doc.get("customer_id")
        return cls(feedback_id, None if customer is None else int(customer),
                   sys.intern(str(doc.get("date") or "")), int(doc.get("rating") or 0),
                   sys.intern(str(doc.get("sentiment") or "")), doc.get("recommend_score"),
                   bool(doc.get("resolved")), str(doc.get("comments") or ""))


class FeedbackService(CustomerRecords):
    table_name = TABLE
    entity = "feedback"

    keyed = ((INBOX, inbox_key),)

    def __init__(self, ctx: ServiceContext, changes: Changes,
                 view: Callable[[], DashboardView] | None = None) -> None:
        """`view`: the session's aggregates, asked which customers are soft-deleted (their
        feedback is hidden), as the dashboard and the agenda ask them."""
        super().__init__(ctx, changes)
        self._view = view or (lambda: self._own_view)

    # ----- reading -----------------------------------------------------------------------
    def for_customer(self, customer_id: int) -> list[Record]:
        """The customer's feedback, newest first."""
        return newest_first(self._customer_documents(customer_id))

    def inbox(self) -> Inbox:
        """Every shown feedback (`Inbox`): from the inbox index's keys, no feedback read,
        less the feedback of soft-deleted customers (found by the customer index)."""
        hidden = self._of_customers(self._deleted_customers())
        keyed = [(key, i) for key, i in self.table.keys_between(INBOX, None, None)
                 if i not in hidden]
        # One int per feedback, its key's order above its id: sorted as fast as ints are.
        order = sorted(((key >> _SCORE_BITS) << _ID_BITS | i for key, i in keyed), reverse=True)
        unresolved = sum(1 for o in order if o >> (_DAY_BITS + _ID_BITS))
        codes = Counter(key & _SCORE_MASK for key, _ in keyed)
        return Inbox([o & _ID_MASK for o in order], unresolved,
                     nps_of_counts({_score(code): n for code, n in codes.items()},
                                   self.ctx.settings.feedback))

    def _deleted_customers(self) -> Collection[int]:
        return self._view().deleted_customers()

    @cached_property
    def _own_view(self) -> DashboardView:
        return DashboardView(self.ctx)

    def _of_customers(self, customers: Iterable[int]) -> set[int]:
        return {i for c in customers for i in self.table.find_ids("customer", c)}

    def rows(self, feedback_ids: Iterable[int]) -> dict[int, InboxRow]:
        """The inbox's rows of these feedback (the lines on screen), read as drawn."""
        docs = self.ctx.db.get_many(TABLE, feedback_ids)
        return {i: InboxRow.of(i, doc) for i, doc in docs.items()}

    def nps(self) -> NpsBreakdown:
        """Promoters, passives, detractors and the NPS over the inbox's feedback with a
        recommend score (the inbox's `nps`)."""
        return self.inbox().nps

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
