"""Task service: creation defaults, completion, due / overdue / upcoming lists by assignee."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_tui.domain.errors import NotFoundError
from crm_tui.services.crm import Crm
from crm_tui.services.tasks import TaskService

from .conftest import AS_OF, day, refused_field


@pytest.fixture
def tasks(crm: Crm) -> TaskService:
    return TaskService(crm.ctx, crm.changes)


def ids(records: list[dict]) -> list[int]:
    return [r["id"] for r in records]


def test_create_defaults(tasks: TaskService, john: int) -> None:
    task = tasks.get(tasks.create({"title": "Call back", "customer_id": john}))
    assert (task["assigned_to"], task["status"], task["priority"]) == ("alice", "open", "normal")
    assert task["completed_date"] is None and task["created_by"] == "alice"
    free = tasks.get(tasks.create({"title": "Order toner", "assigned_to": "bob"}))
    assert (free["customer_id"], free["assigned_to"]) == (None, "bob")


def test_customer_must_exist_when_given(crm: Crm, tasks: TaskService, john: int) -> None:
    with pytest.raises(NotFoundError):
        tasks.create({"title": "X", "customer_id": 999})
    task = tasks.create({"title": "X"})
    with pytest.raises(NotFoundError):
        tasks.update(task, {"customer_id": 999})
    crm.customers.delete(john)
    with pytest.raises(NotFoundError):
        tasks.create({"title": "X", "customer_id": john})


def test_complete_and_reopen(tasks: TaskService) -> None:
    task = tasks.create({"title": "X", "due_date": day(0)})
    done = tasks.complete(task)
    assert (done["status"], done["completed_date"]) == ("done", AS_OF.isoformat())
    assert tasks.agenda().due == []
    reopened = tasks.update(task, {"status": "open"})
    assert (reopened["status"], reopened["completed_date"]) == ("open", None)
    assert ids(tasks.agenda().due) == [task]


def test_lists_at_date_edges(tasks: TaskService) -> None:
    made = {offset: tasks.create({"title": f"T{offset}", "due_date": day(offset)})
            for offset in (-3, -1, 0, 1, 7, 8)}
    tasks.create({"title": "Undated"})
    closed = tasks.create({"title": "Cancelled", "due_date": day(0), "status": "cancelled"})
    assert ids(tasks.agenda().due) == [made[0]]
    assert ids(tasks.agenda().overdue) == [made[-3], made[-1]]
    assert ids(tasks.agenda().upcoming) == [made[1], made[7]]
    assert ids(tasks.agenda(days=None).upcoming) == [made[1], made[7], made[8]]
    tomorrow = AS_OF + dt.timedelta(days=1)
    assert ids(tasks.agenda(tomorrow).due) == [made[1]]
    assert ids(tasks.agenda(tomorrow).overdue) == [made[-3], made[-1], made[0]]
    assert closed not in ids(tasks.all())
    assert ids(tasks.all())[-1] != closed and len(tasks.all()) == 7
    # In progress is still open.
    tasks.update(made[0], {"status": "in progress"})
    assert ids(tasks.agenda().due) == [made[0]]


def test_filter_by_assignee(tasks: TaskService) -> None:
    mine = tasks.create({"title": "Mine", "due_date": day(0)})
    theirs = tasks.create({"title": "Theirs", "due_date": day(0), "assigned_to": "bob"})
    assert ids(tasks.agenda(assigned_to="alice").due) == [mine]
    assert ids(tasks.agenda(assigned_to="bob").due) == [theirs]
    assert ids(tasks.all(assigned_to="bob")) == [theirs]


def test_for_customer_order(crm: Crm, tasks: TaskService, john: int) -> None:
    later = tasks.create({"title": "Later", "customer_id": john, "due_date": day(5)})
    undated = tasks.create({"title": "Someday", "customer_id": john})
    soon = tasks.create({"title": "Soon", "customer_id": john, "due_date": day(1)})
    done = tasks.create({"title": "Done", "customer_id": john})
    tasks.complete(done)
    assert ids(tasks.for_customer(john)) == [soon, later, undated, done]
    # A soft-deleted customer's tasks leave the lists but stay in its history.
    crm.customers.delete(john)
    assert tasks.all() == [] and tasks.agenda().upcoming == []
    assert len(tasks.for_customer(john)) == 4


def test_validation_names_the_field(tasks: TaskService) -> None:
    for data, field in [({}, "title"), ({"title": "X", "priority": "whenever"}, "priority"),
                        ({"title": "X", "due_date": "2026-02-30"}, "due_date")]:
        assert refused_field(tasks.create, data) == field
    task = tasks.create({"title": "X"})
    assert refused_field(tasks.update, task, {"status": "maybe"}) == "status"


def test_missing_ids(tasks: TaskService) -> None:
    for call in (lambda: tasks.update(5, {"title": "x"}), lambda: tasks.delete(5),
                 lambda: tasks.complete(5), lambda: tasks.snooze(5, 1)):
        with pytest.raises(NotFoundError):
            call()


def test_writes_are_audited_and_undoable(crm: Crm, tasks: TaskService) -> None:
    task = tasks.create({"title": "X", "due_date": day(0)})
    tasks.complete(task)
    rows = [r for r in crm.db.table("audit") if r["entity"] == "tasks"]
    assert [(r["op"], r["who"], r["action"]) for r in rows] == [
        ("create", "alice", "New task"), ("update", "alice", "Complete task")]
    assert rows[1]["changes"]["status"] == ["open", "done"]
    crm.undo()
    assert tasks.get(task)["status"] == "open" and ids(tasks.agenda().due) == [task]
    tasks.delete(task)
    assert tasks.agenda().due == []
    crm.undo()
    assert ids(tasks.agenda().due) == [task]


def test_snooze_from_the_due_date_or_from_today_when_late(crm: Crm, tasks: TaskService) -> None:
    ahead = tasks.create({"title": "Ahead", "due_date": day(3)})
    late = tasks.create({"title": "Late", "due_date": day(-4)})
    undated = tasks.create({"title": "Someday"})
    assert tasks.snooze(ahead, 1, AS_OF)["due_date"] == day(4)
    assert tasks.snooze(ahead, 7, AS_OF)["due_date"] == day(11)
    assert tasks.snooze(late, 1, AS_OF)["due_date"] == day(1)  # due tomorrow, no longer late
    assert tasks.snooze(undated, 7, AS_OF)["due_date"] == day(7)
    assert ids(tasks.agenda(AS_OF).overdue) == []
    assert crm.changes.undo_labels[0] == "Snooze task"
    crm.undo()
    assert tasks.get(undated).get("due_date") is None
