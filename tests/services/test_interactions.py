"""Interaction service: logging, the timeline, follow-ups at date edges, channel counts."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_tui.domain.errors import NotFoundError
from crm_tui.services.crm import Crm
from crm_tui.services.interactions import InteractionService

from .conftest import AS_OF, day, refused_field


@pytest.fixture
def interactions(crm: Crm) -> InteractionService:
    return InteractionService(crm.ctx, crm.changes)


def test_seed_001_log_interaction(interactions: InteractionService, john: int) -> None:
    logged = interactions.get(interactions.log({
        "customer_id": john, "channel": "Phone Call", "subject": "Initial outreach",
        "summary": "Discussed product demo", "outcome": "Positive",
        "follow_up_date": "2025-11-20", "duration_minutes": 30}))
    assert (logged["channel"], logged["direction"], logged["staff"]) == (
        "phone", "outbound", "alice")
    assert (logged["date"], logged["follow_up_done"], logged["duration_minutes"]) == (
        AS_OF.isoformat(), False, 30)
    assert logged["created_by"] == "alice"


def test_timeline_newest_first(interactions: InteractionService, john: int) -> None:
    first = interactions.log({"customer_id": john, "channel": "email", "date": day(-3)})
    second = interactions.log({"customer_id": john, "channel": "sms", "date": day(-1)})
    third = interactions.log({"customer_id": john, "channel": "chat", "date": day(-1)})
    assert [i["id"] for i in interactions.for_customer(john)] == [third, second, first]


def test_follow_ups_at_date_edges(crm: Crm, interactions: InteractionService,
                                  john: int) -> None:
    ids = {offset: interactions.log({"customer_id": john, "channel": "phone",
                                     "follow_up_date": day(offset)})
           for offset in (-10, -1, 0, 1, 7, 8)}
    interactions.log({"customer_id": john, "channel": "phone"})  # no follow-up
    agenda = interactions.follow_ups()
    assert agenda.as_of == AS_OF
    assert [i["id"] for i in agenda.due] == [ids[0]]
    assert [i["id"] for i in agenda.overdue] == [ids[-10], ids[-1]]  # oldest first
    assert [i["id"] for i in agenda.upcoming] == [ids[1], ids[7]]  # within 7 days
    assert [i["id"] for i in interactions.follow_ups(days=None).upcoming] == [
        ids[1], ids[7], ids[8]]
    # As of another date, the same follow-ups fall differently.
    later = interactions.follow_ups(AS_OF + dt.timedelta(days=1), days=0)
    assert ([i["id"] for i in later.due], later.upcoming) == ([ids[1]], [])
    assert [i["id"] for i in later.overdue] == [ids[-10], ids[-1], ids[0]]

    # Done ones leave the lists; rescheduling makes it a follow-up to do again.
    interactions.complete_follow_up(ids[0])
    assert interactions.follow_ups().due == []
    interactions.update(ids[0], {"follow_up_date": day(2)})
    assert ids[0] in [i["id"] for i in interactions.follow_ups().upcoming]
    # A soft-deleted customer's follow-ups are hidden.
    crm.customers.delete(john)
    agenda = interactions.follow_ups()
    assert agenda.due == agenda.overdue == agenda.upcoming == []


def test_follow_ups_by_staff(interactions: InteractionService, john: int) -> None:
    mine = interactions.log({"customer_id": john, "channel": "email", "follow_up_date": day(0)})
    interactions.log({"customer_id": john, "channel": "email", "follow_up_date": day(0),
                      "staff": "bob"})
    assert [i["id"] for i in interactions.follow_ups(staff="alice").due] == [mine]
    assert len(interactions.follow_ups().due) == 2


def test_complete_without_follow_up(interactions: InteractionService, john: int) -> None:
    plain = interactions.log({"customer_id": john, "channel": "email"})
    assert refused_field(interactions.complete_follow_up, plain) == "follow_up_date"


def test_customer_must_exist_and_be_live(crm: Crm, interactions: InteractionService,
                                         john: int) -> None:
    with pytest.raises(NotFoundError):
        interactions.log({"customer_id": 999, "channel": "email"})
    logged = interactions.log({"customer_id": john, "channel": "email"})
    with pytest.raises(NotFoundError):
        interactions.update(logged, {"customer_id": 999})
    crm.customers.delete(john)
    with pytest.raises(NotFoundError):
        interactions.log({"customer_id": john, "channel": "email"})


def test_validation_names_the_field(interactions: InteractionService, john: int) -> None:
    cases = [({"channel": "email"}, "customer_id"), ({"customer_id": john}, "channel"),
             ({"customer_id": john, "channel": "pigeon"}, "channel"),
             ({"customer_id": john, "channel": "email", "follow_up_date": "soon"},
              "follow_up_date"),
             ({"customer_id": john, "channel": "email", "duration_minutes": -5},
              "duration_minutes")]
    for data, field in cases:
        assert refused_field(interactions.log, data) == field
    logged = interactions.log({"customer_id": john, "channel": "email"})
    assert refused_field(interactions.update, logged, {"direction": "sideways"}) == "direction"


def test_missing_ids(interactions: InteractionService) -> None:
    for call in (lambda: interactions.update(7, {"subject": "x"}),
                 lambda: interactions.delete(7), lambda: interactions.complete_follow_up(7)):
        with pytest.raises(NotFoundError):
            call()


def test_writes_are_audited_and_undoable(crm: Crm, interactions: InteractionService,
                                         john: int) -> None:
    logged = interactions.log({"customer_id": john, "channel": "email", "subject": "Hi",
                               "follow_up_date": day(0)})
    interactions.update(logged, {"subject": "Hello"})
    interactions.complete_follow_up(logged)
    rows = [r for r in crm.db.table("audit") if r["entity"] == "interactions"]
    assert [(r["op"], r["who"]) for r in rows] == [("create", "alice")] + [("update", "alice")] * 2
    assert rows[1]["changes"]["subject"] == ["Hi", "Hello"]
    crm.undo()
    assert [i["id"] for i in interactions.follow_ups().due] == [logged]
    crm.undo()
    assert interactions.get(logged)["subject"] == "Hi"
    interactions.delete(logged)
    assert interactions.for_customer(john) == []
    crm.undo()
    assert interactions.get(logged)["subject"] == "Hi"
    crm.undo()
    assert interactions.for_customer(john) == []


def test_snooze_a_follow_up_as_a_task_is(crm: Crm, interactions: InteractionService,
                                         john: int) -> None:
    ahead = interactions.log({"customer_id": john, "channel": "phone",
                              "follow_up_date": day(3)})
    late = interactions.log({"customer_id": john, "channel": "phone",
                             "follow_up_date": day(-4), "follow_up_done": True})
    assert interactions.snooze_follow_up(ahead, 7, AS_OF)["follow_up_date"] == day(10)
    put_off = interactions.snooze_follow_up(late, 1, AS_OF)
    # From today when late, and a new date is a follow-up to do again.
    assert (put_off["follow_up_date"], put_off["follow_up_done"]) == (day(1), False)
    assert crm.changes.undo_labels[0] == "Snooze follow-up"
    crm.undo()
    assert interactions.get(late)["follow_up_date"] == day(-4)
    plain = interactions.log({"customer_id": john, "channel": "email"})
    assert refused_field(lambda i: interactions.snooze_follow_up(i, 1), plain) == "follow_up_date"
