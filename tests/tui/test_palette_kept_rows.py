"""The palette searches the deals and tasks the session keeps current from the commits:
opening it again reads neither table and makes an entry only for what changed (it read
both and made every entry on each open: seconds at 100,000 customers), and a deal or
task another session (or this one) created since is found."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.tui.app import CrmApp
from crm_tui.tui.commands.deals import DealCommands
from crm_tui.tui.commands.records import Entry
from crm_tui.tui.commands.tasks import TaskCommands

from .conftest import make_app, settle
from .test_observers import found, hits
from .test_palette_records import SIZES


@pytest.fixture
def bob(db_path: Path, crm: Crm) -> Iterator[Crm]:
    """Another person's session on the same database."""
    session = Crm.open(db_path, staff="bob")
    yield session
    session.close()


@pytest.fixture
def deals_and_tasks(crm: Crm, people: dict[str, int]) -> None:
    crm.pipeline.create({"customer_id": people["ann"], "name": "Lee renewal", "value": "80"})
    crm.tasks.create({"customer_id": people["ann"], "title": "Call Lee back",
                      "due_date": "2026-06-20"})


async def search(pilot: Any, app: CrmApp, typed: str, *titles: str) -> None:
    """Open the palette, type, wait for every title among the hits, close it."""
    await pilot.press("ctrl+p", *typed)
    await found(pilot, lambda: all(title in hits(app) for title in titles))
    await pilot.press("escape")
    await settle(pilot)


@SIZES
@pytest.mark.usefixtures("deals_and_tasks")
async def test_a_second_open_reads_no_table_and_makes_no_entry(
        crm: Crm, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    scanned: Counter[str] = Counter()
    made: Counter[str] = Counter()
    scan = crm.db.scan

    def counted_scan(table: str) -> Any:
        scanned[table] += 1
        return scan(table)

    def counted(kind: str, cls: type[DealCommands] | type[TaskCommands]) -> None:
        entry = getattr(cls, "entry", None)

        def counted_entry(self: Any, row: Any, customer: str) -> Entry:
            made[kind] += 1
            assert entry is not None
            return entry(self, row, customer)

        monkeypatch.setattr(cls, "entry", counted_entry, raising=False)

    monkeypatch.setattr(crm.db, "scan", counted_scan)
    counted("deal", DealCommands)
    counted("task", TaskCommands)
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for _ in range(3):
            await search(pilot, app, "lee", "deal: Lee renewal — Ann Lee",
                         "task: Call Lee back — Ann Lee")
        assert scanned[tables.OPPORTUNITIES] == 1 and scanned[tables.TASKS] == 1
        assert made == {"deal": 1, "task": 1}


@SIZES
@pytest.mark.usefixtures("deals_and_tasks")
async def test_what_was_created_or_renamed_since_is_found(crm: Crm, bob: Crm,
                                                          people: dict[str, int],
                                                          size: tuple[int, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await search(pilot, app, "lee", "deal: Lee renewal — Ann Lee")
        # Another session's deal and renamed task, and this session's own task.
        bob.pipeline.create({"customer_id": people["ann"], "name": "Lee upsell",
                             "value": "40"})
        (task,) = bob.tasks.all()
        bob.tasks.update(task["id"], {"title": "Email Lee the quote"})
        crm.tasks.create({"customer_id": people["ann"], "title": "Visit Lee",
                          "due_date": "2026-06-22"})
        await search(pilot, app, "lee", "deal: Lee upsell — Ann Lee",
                     "task: Email Lee the quote — Ann Lee", "task: Visit Lee — Ann Lee")
        await pilot.press("ctrl+p", *"lee")
        await found(pilot, lambda: "task: Visit Lee — Ann Lee" in hits(app))
        assert "Call Lee back" not in hits(app)
