"""to_do: the open tasks and follow-ups of one person ("mine") or everyone ("team"), the
one count the dashboard, the Tasks screen and the report show, as of 2026-06-15."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from crm_tui.domain.entities.interaction import validate_interaction
from crm_tui.domain.entities.task import validate_task
from crm_tui.services import tables
from crm_tui.services.agenda import DueCounts
from crm_tui.services.crm import Crm
from crm_tui.services.to_do import ToDo, pending, team_counts, to_do

from ..conftest import open_session
from .conftest import AS_OF, day, tables_read


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


def _seed_agenda(crm: Crm, tag: str) -> None:
    ann = crm.customers.create({"first_name": f"Ann {tag}"})
    gone = crm.customers.create({"first_name": f"Ed {tag}"})
    _insert(crm, tables.INTERACTIONS, [
        {"customer_id": ann, "channel": "email", "date": day(-9), "follow_up_date": day(-2),
         "staff": "alice"},
        {"customer_id": gone, "channel": "sms", "date": day(-9), "follow_up_date": day(0),
         "staff": "bob"},
        {"customer_id": ann, "channel": "phone", "date": day(-9), "follow_up_date": day(3),
         "follow_up_done": True, "staff": "bob"},
    ])
    _insert(crm, tables.TASKS, [
        {"title": f"Late {tag}", "customer_id": ann, "due_date": day(-1), "assigned_to": "bob"},
        {"title": f"Today {tag}", "due_date": day(0), "assigned_to": "alice"},
        {"title": f"Soon {tag}", "customer_id": gone, "due_date": day(2)},
        {"title": f"Far {tag}", "due_date": day(30), "assigned_to": "alice"},
        {"title": f"Done {tag}", "due_date": day(-4), "status": "done"},
    ])
    crm.customers.delete(gone)


def test_the_agenda_reads_only_open_dated_records_from_disk(tmp_path: Path) -> None:
    """After a compaction (the date indexes written beside the snapshots) and with more
    changes in the journal since, a new session's lists come without loading either table,
    and say what a session holding both tables loaded says."""
    path = tmp_path / "crm.db"
    first = open_session(path)
    _seed_agenda(first, "a")
    first.db.compact()
    _seed_agenda(first, "b")
    first.tasks.complete(first.tasks.agenda(days=0).overdue[0]["id"])  # a's late one
    first.close()

    def lists(crm: Crm) -> list[Any]:
        return [to_do(crm, scope, days=days) for scope in ("mine", "team")
                for days in (0, 7, None)]

    fresh = open_session(path)
    on_disk = lists(fresh)
    assert {n for n in (tables.TASKS, tables.INTERACTIONS)
            if fresh.db.engine.state(n).docs is not None} == set()
    team = to_do(fresh, "team", days=None)
    assert [t["title"] for t in team.tasks.overdue + team.tasks.due + team.tasks.upcoming] == [
        "Late b", "Today a", "Today b", "Far a", "Far b"]
    len(fresh.db.table(tables.TASKS))  # loaded: the same answers from memory
    len(fresh.db.table(tables.INTERACTIONS))
    assert lists(fresh) == on_disk
    fresh.close()


def test_the_customers_of_a_list_are_named_at_once(tmp_path: Path) -> None:
    """The agenda and the board name each record's customer: deleted ones too, "" for a
    customer that is not there, read without loading the customers."""
    path = tmp_path / "crm.db"
    first = open_session(path)
    ann = first.customers.create({"first_name": "Ann", "last_name": "Lee"})
    ed = first.customers.create({"first_name": "Ed"})
    first.customers.delete(ed)
    first.db.compact()
    first.close()
    crm = open_session(path)
    assert crm.customers.display_names([ann, ed, None, ann, 999]) == {
        ann: "Ann Lee", ed: "Ed", 999: ""}
    assert crm.db.engine.state(tables.CUSTOMERS).docs is None
    crm.close()


def _raw(crm: Crm, table: str, rows: list[dict[str, Any]]) -> None:
    """Records as an older version or a hand edit may have left them (not validated)."""
    with crm.changes.change("seed"):
        for row in rows:
            crm.db.table(table).insert(row)


def _seed_counts(crm: Crm, rng: random.Random) -> None:
    people = [crm.customers.create({"first_name": f"P{i}"}) for i in range(6)]
    who = [None, *people]
    _insert(crm, tables.TASKS, [
        {"title": f"T{i}", "customer_id": rng.choice(who), "due_date": day(rng.randint(-9, 3)),
         "status": rng.choice(["open", "in_progress", "done", "cancelled"])}
        for i in range(40)])
    _insert(crm, tables.INTERACTIONS, [
        {"customer_id": rng.choice(people), "channel": "email", "date": day(-20),
         "follow_up_date": day(rng.randint(-9, 3)), "follow_up_done": rng.random() < 0.3}
        for _ in range(40)])
    _raw(crm, tables.TASKS, [  # what the agenda's rule leaves out though "open"
        {"title": "Deleted", "due_date": day(-1), "status": "open", "deleted_at": day(-1)},
        {"title": "Marked done", "due_date": day(0), "status": "open",
         "follow_up_done": True}])
    _raw(crm, tables.INTERACTIONS, [
        {"channel": "email", "follow_up_date": day(0), "status": "completed"},
        {"channel": "email", "follow_up_date": day(-2), "deleted_at": day(-1)}])
    for gone in rng.sample(people, 2):
        crm.customers.delete(gone)


def _counts_equal_the_lists(crm: Crm) -> None:
    for when in (AS_OF, AS_OF.replace(day=12), AS_OF.replace(day=20)):
        team = to_do(crm, "team", when, days=0)
        assert team_counts(crm, when) == DueCounts(team.due, team.overdue), when


def test_the_team_counts_are_the_team_lists_counted_without_reading_a_record(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "crm.db"
    first = open_session(path)
    rng = random.Random(23)
    _seed_counts(first, rng)
    _counts_equal_the_lists(first)  # from the journal's tail
    first.db.compact()
    _seed_counts(first, rng)  # more in the tail, over the index files
    _counts_equal_the_lists(first)
    first.close()

    fresh = open_session(path)
    read = tables_read(fresh, monkeypatch)
    found = team_counts(fresh)
    assert not {tables.TASKS, tables.INTERACTIONS} & set(read)
    monkeypatch.undo()
    team = to_do(fresh, "team", days=0)
    assert found == DueCounts(team.due, team.overdue)
    assert found.due and found.overdue
    _counts_equal_the_lists(fresh)
    fresh.close()


def _listed(todo: ToDo) -> dict[str, str]:
    """Every task and follow-up a `to_do` lists: "task:3" -> its date."""
    found: dict[str, str] = {}
    for kind, agenda, field in (("task", todo.tasks, "due_date"),
                                ("follow-up", todo.follow_ups, "follow_up_date")):
        for part in (agenda.due, agenda.overdue, agenda.upcoming):
            found.update({f"{kind}:{r['id']}": r[field] for r in part})
    return found


def test_pending_is_what_to_do_lists_found_by_the_indexes(tmp_path: Path) -> None:
    """The Tasks screen's list: the same records as `to_do`, with their dates, for both
    scopes, from the journal's tail and over the index files."""
    crm = open_session(tmp_path / "crm.db")
    rng = random.Random(5)
    for _ in range(2):
        _seed_counts(crm, rng)
        live = crm.customers.create({"first_name": "Live"})
        for n in range(6):  # alice's own (the session's staff)
            crm.tasks.create({"title": f"Mine {n}", "due_date": day(n - 3)})
            crm.interactions.log({"customer_id": live, "channel": "phone", "date": day(-1),
                                  "follow_up_date": day(n - 2)})
        for scope in ("team", "mine"):
            for when in (AS_OF, AS_OF.replace(day=12)):
                found = {p.key: dt.date.fromordinal(p.day).isoformat()
                         for p in pending(crm, scope, when)}
                assert found == _listed(to_do(crm, scope, when)), (scope, when)
                assert found
        crm.db.compact()
    crm.close()
