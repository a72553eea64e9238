"""The palette answers with customers at once while the deals and tasks it also searches
are still being read (seconds at 100,000 customers), and shows those too once read,
without another key: typing used to cancel their reading, and the palette then showed
nothing at all."""

from __future__ import annotations

import threading
from typing import Any

from crm_tui.services.crm import Crm
from crm_tui.tui.commands.deals import DealCommands
from crm_tui.tui.commands.records import Entry
from crm_tui.tui.commands.tasks import TaskCommands

from .conftest import make_app, settle
from .test_observers import found, hits
from .test_palette_records import SIZES


@SIZES
async def test_customers_first_then_the_slow_records(crm: Crm, people: dict[str, int],
                                                     size: tuple[int, int],
                                                     monkeypatch: Any) -> None:
    crm.pipeline.create({"customer_id": people["ann"], "name": "Lee renewal", "value": "80"})
    crm.tasks.create({"customer_id": people["ann"], "title": "Call Lee back",
                      "due_date": "2026-06-20"})
    read = threading.Event()
    slow_deals, slow_tasks = DealCommands.folded, TaskCommands.folded

    def deals(self: DealCommands, crm: Crm) -> list[tuple[str, Entry]]:
        read.wait(30)  # the deals of a big database take seconds to read
        return slow_deals(self, crm)

    def tasks(self: TaskCommands, crm: Crm) -> list[tuple[str, Entry]]:
        read.wait(30)
        return slow_tasks(self, crm)

    monkeypatch.setattr(DealCommands, "folded", deals)
    monkeypatch.setattr(TaskCommands, "folded", tasks)
    app = make_app(crm)
    try:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p", *"lee")
            await found(pilot, lambda: "customer: Ann Lee" in hits(app))
            assert "deal:" not in hits(app)  # not read yet
            read.set()
            await found(pilot, lambda: "deal: Lee renewal — Ann Lee" in hits(app)
                        and "task: Call Lee back — Ann Lee" in hits(app))
            assert "customer: Ann Lee" in hits(app)
    finally:
        read.set()
