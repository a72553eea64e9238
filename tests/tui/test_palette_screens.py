"""The palette's "go:" entries: one for every main screen, and enter shows that screen."""

from __future__ import annotations

from crm_tui.services.crm import Crm
from crm_tui.tui.screens.registry import available
from crm_tui.tui.screens.tasks import TasksScreen

from .conftest import NARROW, make_app, settle
from .test_observers import found, hits


async def test_go_lists_every_main_screen_and_opens_one(crm: Crm) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"go: ")
        titles = sorted(f"go: {s.title}" for s in available())
        assert "go: Tasks" in titles
        await found(pilot, lambda: sorted(h for h in hits(app).split("\n") if h.startswith("go: "))
                    == titles)
        await pilot.press(*"tasks")
        await found(pilot, lambda: hits(app).split("\n", 1)[0] == "go: Tasks")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TasksScreen)
