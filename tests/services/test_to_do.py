"""to_do: the open tasks and follow-ups of one person ("mine") or everyone ("team"), the
one count the dashboard, the Tasks screen and the report show, as of 2026-06-15."""

from __future__ import annotations

from typing import Any

from crm_tui.domain.entities.interaction import validate_interaction
from crm_tui.domain.entities.task import validate_task
from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.services.to_do import to_do

from .conftest import AS_OF, day


def _insert(crm: Crm, table: str, rows: list[dict[str, Any]]) -> list[int]:
    validate = validate_task if table == tables.TASKS else validate_interaction
    with crm.changes.change("seed"):
        return [crm.db.table(table).insert(validate(row, today=AS_OF)) for row in rows]


def test_mine_and_team_scopes(crm: Crm) -> None:
    ann = crm.customers.create({"first_name": "Ann"})
    gone = crm.customers.create({"first_name": "Ed"})
    calls = _insert(crm, tables.INTERACTIONS, [
        {"customer_id": ann, "channel": "email", "date": day(-14), "follow_up_date": day(0),
         "staff": "alice"},
        {"customer_id": ann, "channel": "phone", "date": day(-13), "follow_up_date": day(-5),
         "staff": "bob"},
        {"customer_id": ann, "channel": "email", "date": day(-12), "follow_up_date": day(-10),
         "follow_up_done": True, "staff": "alice"},
        {"customer_id": gone, "channel": "sms", "date": day(-11), "follow_up_date": day(-14),
         "staff": "alice"},  # Ed is deleted below
        {"customer_id": ann, "channel": "meeting", "date": day(-10), "follow_up_date": day(1),
         "staff": "alice"},
    ])
    tasks = _insert(crm, tables.TASKS, [
        {"title": "Call Ann", "customer_id": ann, "due_date": day(0), "assigned_to": "bob"},
        {"title": "Quote", "customer_id": ann, "due_date": day(-14), "status": "in_progress",
         "assigned_to": "alice"},
        {"title": "Old", "due_date": day(-45), "status": "done", "assigned_to": "alice"},
        {"title": "Stock", "due_date": day(-3), "assigned_to": "bob"},
        {"title": "Later", "due_date": day(5), "assigned_to": "alice"},
    ])
    crm.customers.delete(gone)

    team = to_do(crm, "team", days=0)
    assert [r["id"] for r in team.follow_ups.due] == [calls[0]]
    assert [r["id"] for r in team.follow_ups.overdue] == [calls[1]]
    assert [r["id"] for r in team.tasks.due] == [tasks[0]]
    assert [r["id"] for r in team.tasks.overdue] == [tasks[1], tasks[3]]  # oldest first
    assert (team.due, team.overdue, team.staff) == (2, 3, None)

    mine = to_do(crm, "mine")  # the session's staff is alice
    assert mine.staff == "alice"
    assert [r["id"] for r in mine.follow_ups.due] == [calls[0]]
    assert [r["id"] for r in mine.tasks.overdue] == [tasks[1]]
    assert (mine.due, mine.overdue) == (1, 1)
    assert [r["id"] for r in mine.tasks.upcoming] == [tasks[4]]
    assert [r["id"] for r in mine.follow_ups.upcoming] == [calls[4]]

    tomorrow = to_do(crm, "team", AS_OF.replace(day=16), days=0)
    assert [r["id"] for r in tomorrow.follow_ups.due] == [calls[4]]
    assert tomorrow.overdue == 5  # today's two are overdue tomorrow


def test_overdue_only_keeps_the_overdue_of_the_scope(crm: Crm) -> None:
    ann = crm.customers.create({"first_name": "Ann"})
    calls = _insert(crm, tables.INTERACTIONS, [
        {"customer_id": ann, "channel": "email", "date": day(-9), "follow_up_date": day(-2),
         "staff": "alice"},
        {"customer_id": ann, "channel": "email", "date": day(-9), "follow_up_date": day(0),
         "staff": "alice"},
    ])
    tasks = _insert(crm, tables.TASKS, [
        {"title": "Late", "due_date": day(-1), "assigned_to": "alice"},
        {"title": "Bob's late", "due_date": day(-3), "assigned_to": "bob"},
        {"title": "Today", "due_date": day(0), "assigned_to": "alice"},
        {"title": "Soon", "due_date": day(2), "assigned_to": "alice"},
    ])
    mine = to_do(crm, "mine", AS_OF).overdue_only()
    assert [r["id"] for r in mine.tasks.overdue] == [tasks[0]]
    assert [r["id"] for r in mine.follow_ups.overdue] == [calls[0]]
    assert (mine.tasks.due, mine.tasks.upcoming, mine.follow_ups.due) == ([], [], [])
    assert (mine.scope, mine.staff, mine.as_of) == ("mine", "alice", AS_OF)
    team = to_do(crm, "team", AS_OF).overdue_only()
    assert [r["id"] for r in team.tasks.overdue] == [tasks[1], tasks[0]]  # oldest first
