"""Tasks & follow-ups at the fixed date 2026-06-15: sections, done with a key, jump; edit,
snooze and the overdue-only filter; a long agenda drawn a screenful at a time; another
session's task showing up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from textual.widgets import Input, Static

from crm_tui.services.crm import Crm
from crm_tui.services.to_do import Pending
from crm_tui.tui.forms.task_form import TaskForm
from crm_tui.tui.screens import tasks as tasks_screen
from crm_tui.tui.screens.conflict import ConflictScreen
from crm_tui.tui.screens.tasks import Heading
from crm_tui.tui.widgets.paged_list import PagedList

from ..conftest import open_session
from .conftest import (
    AT_BOTH_SIZES,
    NARROW,
    WIDE,
    SnapCompare,
    make_app,
    pressing,
    settle,
)


def sections(app: object) -> dict[str, list[str]]:
    """The list as shown: section name -> item keys ("task:3", "follow-up:1")."""
    shown: dict[str, list[str]] = {}
    current: list[str] = []
    for entry in app.screen.entries:  # type: ignore[attr-defined]
        if isinstance(entry, Heading):
            current = shown.setdefault(entry.name, [])
        else:
            current.append(entry.key)
    return shown


def highlighted(app: object) -> str | None:
    item = app.screen.current  # type: ignore[attr-defined]
    return item.key if item is not None else None


@pytest.fixture
def agenda(crm: Crm, people: dict[str, int]) -> dict[str, str]:
    """Option ids: alice's tasks due before, on and after the day, one far off, one of
    bob's, and a follow-up of alice's with Bob Stone that is a day late."""
    def task(data: dict[str, object]) -> str:
        return f"task:{crm.tasks.create(data)}"

    follow_up = crm.interactions.log({
        "customer_id": people["bob"], "channel": "phone", "subject": "Delivery date",
        "date": "2026-06-01", "follow_up_date": "2026-06-14", "next_action": "Call back"})
    return {
        "late": task({"title": "Send the invoice", "customer_id": people["ann"],
                      "due_date": "2026-06-10", "priority": "urgent"}),
        "today": task({"title": "Quote the server", "customer_id": people["cyan"],
                       "due_date": "2026-06-15"}),
        "soon": task({"title": "Prepare the demo", "due_date": "2026-06-18"}),
        "far": task({"title": "Plan next year", "due_date": "2026-08-01"}),
        "bobs": task({"title": "Bob's own", "due_date": "2026-06-15", "assigned_to": "bob"}),
        "follow_up": f"follow-up:{follow_up}",
    }


async def test_sections_at_a_fixed_date_mine_then_all(crm: Crm, agenda: dict[str, str]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("4")
        await settle(pilot)
        assert sections(app) == {
            "overdue": [agenda["late"], agenda["follow_up"]],  # oldest first
            "due": [agenda["today"]],
            "upcoming": [agenda["soon"]],  # within 7 days: August is not
        }
        assert highlighted(app) == agenda["late"]
        await pilot.press("m")  # everyone's
        await settle(pilot)
        assert sections(app)["due"] == [agenda["today"], agenda["bobs"]]


async def test_mark_done_with_a_key(crm: Crm, agenda: dict[str, str]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        late = int(agenda["late"].split(":")[1])
        assert crm.tasks.get(late)["status"] == "done"
        assert agenda["late"] not in sections(app)["overdue"]
        assert highlighted(app) == agenda["follow_up"]  # the next one took its place
        await pilot.press("space")
        await settle(pilot)
        interaction = crm.interactions.get(int(agenda["follow_up"].split(":")[1]))
        assert interaction["follow_up_done"] is True
        assert sections(app)["overdue"] == []
        assert highlighted(app) == agenda["today"]


async def test_enter_jumps_to_the_customer(crm: Crm, people: dict[str, int],
                                           agenda: dict[str, str]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("j", "enter")  # the follow-up with Bob Stone
        await settle(pilot)
        assert type(app.screen).__name__ == "CustomerDetailScreen"
        assert app.screen.customer_id == people["bob"]  # type: ignore[attr-defined]
        await pilot.press("escape", "j", "j", "enter")  # a task without a customer
        await settle(pilot)
        assert type(app.screen).__name__ == "TasksScreen"


# ----- edit, snooze, filter -----------------------------------------------------------
SIZES = pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])


def record_id(option_id: str) -> int:
    return int(option_id.split(":")[1])


@SIZES
async def test_edit_opens_the_task_and_saves_over_its_base(crm: Crm, agenda: dict[str, str],
                                                           size: tuple[int, int]) -> None:
    late = record_id(agenda["late"])
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TaskForm) and form.record_id == late
        assert form.query_one("#field-title", Input).value == "Send the invoice"
        form.query_one("#field-title", Input).value = "Send the final invoice"
        crm.tasks.update(late, {"title": "Send invoice #12"})  # changed meanwhile
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)  # nothing overwritten silently
        assert crm.tasks.get(late)["title"] == "Send invoice #12"


@SIZES
async def test_snooze_a_day_and_a_week(crm: Crm, agenda: dict[str, str],
                                       size: tuple[int, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("s")  # the late task: due tomorrow, no longer overdue
        await settle(pilot)
        assert crm.tasks.get(record_id(agenda["late"]))["due_date"] == "2026-06-16"
        assert sections(app)["upcoming"][0] == agenda["late"]
        assert highlighted(app) == agenda["late"]  # the cursor follows it
        await pilot.press("S")
        await settle(pilot)
        assert crm.tasks.get(record_id(agenda["late"]))["due_date"] == "2026-06-23"
        await pilot.press("home", "S")  # the overdue follow-up: a week from today
        await settle(pilot)
        call = crm.interactions.get(record_id(agenda["follow_up"]))
        assert call["follow_up_date"] == "2026-06-22"
        assert sections(app)["overdue"] == []


@SIZES
async def test_overdue_only_and_the_filter_always_shown(crm: Crm, agenda: dict[str, str],
                                                        size: tuple[int, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await pilot.press("4")
        await settle(pilot)

        def status() -> str:
            return str(app.screen.query_one("#agenda-status", Static).render())

        assert status().startswith("Mine (alice): 2 overdue")
        await pilot.press("o")
        await settle(pilot)
        assert sections(app) == {"overdue": [agenda["late"], agenda["follow_up"]]}
        assert status().startswith("Mine (alice), overdue only: 2 overdue")
        await pilot.press("m")
        await settle(pilot)
        assert status().startswith("Team, overdue only")
        await pilot.press("o")
        await settle(pilot)
        assert status().startswith("Team: ")
        assert agenda["bobs"] in sections(app)["due"]


@AT_BOTH_SIZES
def test_tasks_everyone(demo: Crm, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=pressing("4", "m", "j"))


@AT_BOTH_SIZES
def test_tasks_team_overdue_only(demo: Crm, snap_compare: SnapCompare,
                                 size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=pressing("4", "m", "o"))


# ----- a long agenda -------------------------------------------------------------------
@AT_BOTH_SIZES
async def test_a_long_agenda_reads_the_records_on_screen_only(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch,
        size: tuple[int, int]) -> None:
    """300 late tasks: the list keeps a small item each and reads the records of the lines
    it draws; the last one is a key away and opens its customer."""
    who = list(people.values())
    ids = [crm.tasks.create({"title": f"Call number {n}", "customer_id": who[n % 3],
                             "due_date": f"2026-05-{1 + n % 28:02d}"}) for n in range(300)]
    read: list[int] = []
    records = tasks_screen.read_records

    def counted(session: Crm, items: Sequence[Pending]) -> dict[tuple[str, int], Any]:
        read.extend(i.record_id for i in items)
        return records(session, items)

    monkeypatch.setattr(tasks_screen, "read_records", counted)
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert sorted(int(k.split(":")[1]) for k in sections(app)["overdue"]) == ids
        assert all(isinstance(e, Pending | Heading) for e in screen.entries)  # type: ignore
        rows_on_screen = size[1]
        assert 0 < len(set(read)) <= rows_on_screen
        read.clear()
        await pilot.press("G")
        await settle(pilot)
        last = sections(app)["overdue"][-1]
        assert highlighted(app) == last
        assert 0 < len(set(read)) <= rows_on_screen + 1  # + the detail line's
        listing = screen.query_one(PagedList)
        shown = "\n".join(listing.render_line(y).text for y in range(listing.size.height))
        title = crm.tasks.get(int(last.split(":")[1]))["title"]
        assert title in shown  # the last item is drawn
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "CustomerDetailScreen"
        assert app.screen.customer_id == crm.tasks.get(  # type: ignore[attr-defined]
            int(last.split(":")[1]))["customer_id"]


async def test_another_sessions_task_shows_up(crm: Crm, agenda: dict[str, str]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("4")
        await settle(pilot)
        other = open_session(crm.db.path)
        try:
            new = other.tasks.create({"title": "Ring the supplier", "due_date": "2026-06-15",
                                      "assigned_to": "alice"})
        finally:
            other.close()
        app.poll()  # what the app's timer does every second
        await settle(pilot)
        assert f"task:{new}" in sections(app)["due"]
        listing = app.screen.query_one(PagedList)
        shown = "\n".join(listing.render_line(y).text for y in range(listing.size.height))
        assert "Ring the supplier" in shown
