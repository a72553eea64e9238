"""Feedback service: sentiment, anonymous feedback, resolution, inbox order, NPS."""

from __future__ import annotations

import dataclasses

import pytest

from crm_tui.domain.errors import NotFoundError
from crm_tui.domain.settings import FeedbackSettings
from crm_tui.services.crm import Crm
from crm_tui.services.feedback import FeedbackService, InboxRow

from .conftest import AS_OF, day, refused_field


@pytest.fixture
def feedback(crm: Crm) -> FeedbackService:
    return FeedbackService(crm.ctx, crm.changes)


def test_sentiment_from_rating(feedback: FeedbackService, john: int) -> None:
    sentiments = [feedback.get(feedback.submit({"customer_id": john, "rating": r}))["sentiment"]
                  for r in (1, 2, 3, 4, 5)]
    assert sentiments == ["negative", "negative", "neutral", "positive", "positive"]
    first = feedback.for_customer(john)[-1]["id"]
    assert feedback.update(first, {"rating": 5})["sentiment"] == "positive"


def test_anonymous_feedback(feedback: FeedbackService) -> None:
    anon = feedback.get(feedback.submit({"rating": 4, "comments": "Nice tour",
                                         "service_type": "Tours", "recommend_score": 10}))
    assert (anon["customer_id"], anon["service_type"], anon["sentiment"]) == (
        None, "tour", "positive")
    assert (anon["resolved"], anon["date"]) == (False, AS_OF.isoformat())
    assert feedback.inbox().ids == [anon["id"]]
    assert feedback.nps().score == 100.0


def test_nps(feedback: FeedbackService, john: int) -> None:
    assert feedback.nps().score is None
    for score in (10, 9, 8, 6, 0, None):
        feedback.submit({"customer_id": john, "rating": 3, "recommend_score": score})
    nps = feedback.nps()
    assert (nps.responses, nps.promoters, nps.passives, nps.detractors) == (5, 2, 1, 2)
    assert nps.score == 0.0
    feedback.submit({"rating": 5, "recommend_score": 9})
    assert feedback.nps().score == pytest.approx(16.7)  # (3 - 2) / 6


def test_resolve_and_reopen(crm: Crm, feedback: FeedbackService, john: int) -> None:
    item = feedback.submit({"customer_id": john, "rating": 1, "comments": "Late"})
    resolved = feedback.resolve(item, "Refunded the delivery fee")
    assert (resolved["resolved"], resolved["resolved_by"], resolved["resolution_notes"]) == (
        True, "alice", "Refunded the delivery fee")
    assert resolved["resolved_date"] == AS_OF.isoformat()
    assert resolved["resolved_at"] == crm.ctx.clock.stamp()
    reopened = feedback.reopen(item)
    assert (reopened["resolved"], reopened["resolved_by"], reopened["resolved_at"],
            reopened["resolved_date"]) == (False, None, None, None)
    assert reopened["resolution_notes"] == "Refunded the delivery fee"


def test_inbox_unresolved_first_then_newest(feedback: FeedbackService, john: int) -> None:
    old_open = feedback.submit({"customer_id": john, "rating": 2, "date": day(-5)})
    new_done = feedback.submit({"customer_id": john, "rating": 4, "date": day(-1)})
    new_open = feedback.submit({"rating": 3, "date": day(-1)})
    old_done = feedback.submit({"rating": 5, "date": day(-9)})
    feedback.resolve(new_done, "Thanked")
    feedback.resolve(old_done)
    inbox = feedback.inbox()
    assert inbox.ids == [new_open, old_open, new_done, old_done]
    assert inbox.open == 2  # the first two


def test_soft_deleted_customer(crm: Crm, feedback: FeedbackService, john: int) -> None:
    feedback.submit({"customer_id": john, "rating": 1, "recommend_score": 0})
    anon = feedback.submit({"rating": 5, "recommend_score": 10})
    crm.customers.delete(john)
    assert feedback.inbox().ids == [anon]
    assert feedback.nps().score == 100.0
    assert len(feedback.for_customer(john)) == 1
    with pytest.raises(NotFoundError):
        feedback.submit({"customer_id": john, "rating": 3})


def test_sentiment_follows_settings(crm: Crm, feedback: FeedbackService) -> None:
    settings = dataclasses.replace(crm.ctx.settings,
                                   feedback=FeedbackSettings(neutral_max_rating=4))
    crm.db.table("settings").replace(1, settings.to_dict())
    assert feedback.get(feedback.submit({"rating": 4}))["sentiment"] == "neutral"


def test_validation_names_the_field(feedback: FeedbackService) -> None:
    for data, field in [({}, "rating"), ({"rating": 6}, "rating"),
                        ({"rating": 3, "recommend_score": 11}, "recommend_score"),
                        ({"rating": 3, "customer_id": "abc"}, "customer_id")]:
        assert refused_field(feedback.submit, data) == field
    item = feedback.submit({"rating": 3})
    assert refused_field(feedback.update, item, {"rating": 0}) == "rating"
    with pytest.raises(NotFoundError):
        feedback.submit({"rating": 3, "customer_id": 999})


def test_missing_ids(feedback: FeedbackService) -> None:
    for call in (lambda: feedback.update(3, {"rating": 2}), lambda: feedback.resolve(3, "x"),
                 lambda: feedback.reopen(3), lambda: feedback.delete(3)):
        with pytest.raises(NotFoundError):
            call()


def test_writes_are_audited_and_undoable(crm: Crm, feedback: FeedbackService,
                                         john: int) -> None:
    item = feedback.submit({"customer_id": john, "rating": 2})
    feedback.resolve(item, "Called back")
    rows = [r for r in crm.db.table("audit") if r["entity"] == "feedback"]
    assert [(r["op"], r["who"], r["action"]) for r in rows] == [
        ("create", "alice", "Submit feedback"), ("update", "alice", "Resolve feedback")]
    assert rows[1]["changes"]["resolved"] == [False, True]
    crm.undo()
    assert feedback.get(item)["resolved"] is False
    feedback.delete(item)
    assert feedback.inbox().ids == []
    crm.undo()
    crm.undo()
    assert feedback.inbox().ids == []


def test_the_inbox_holds_ids_and_the_rows_asked_are_read(
        feedback: FeedbackService, john: int) -> None:
    """19,000 feedback at 100k customers: the inbox holds their ids in order, the rows on
    screen are read when shown."""
    slow = feedback.submit({"customer_id": john, "rating": 2, "comments": "Too slow",
                            "recommend_score": 3})
    anon = feedback.submit({"rating": 5})
    inbox = feedback.inbox()
    assert (inbox.ids, inbox.open) == ([anon, slow], 2)
    today = AS_OF.isoformat()
    assert feedback.rows([slow, anon]) == {
        slow: InboxRow(slow, john, today, 2, "negative", 3, False, "Too slow"),
        anon: InboxRow(anon, None, today, 5, "positive", None, False, "")}
