"""The import screen when an error nothing checks for stops an import part-way: the app
goes on, the screen says the import stopped, on what, and the rows it kept as a batch (to
revert from the list of past imports); a dry run that breaks says nothing was imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.exchange import importer
from crm_tui.services.exchange.batches import list_batches

from .conftest import AT_BOTH_SIZES, make_app, settle
from .test_import_disk_full import many  # noqa: F401 (a fixture: 4,500 customers' rows)
from .test_import_screen import check_file, screen_of, text


def broken_after(monkeypatch: pytest.MonkeyPatch, commits: int) -> None:
    """The import's batch bookkeeping raises an error no one expects in the commit after
    `commits` commits (the chunk's commit rolls back)."""
    real = importer.BatchTracker.flush
    seen = 0

    def flush(self: importer.BatchTracker) -> None:
        nonlocal seen
        seen += 1
        if seen > commits:
            raise RuntimeError("something broke")
        real(self)

    monkeypatch.setattr(importer.BatchTracker, "flush", flush)


@AT_BOTH_SIZES
async def test_an_import_an_unexpected_error_stops(crm: Crm, people: dict[str, int],
                                                   many: Path,  # noqa: F811
                                                   size: tuple[int, int],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await check_file(pilot, many)
        assert "new 4,500" in text(app, "#outcome")
        broken_after(monkeypatch, 1)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        outcome = " ".join(text(app, "#outcome").split())
        (batch,) = list_batches(crm)
        assert outcome.startswith("The import stopped: an unexpected error "
                                  "(RuntimeError: something broke). ")
        assert (f"The 2,000 rows imported before are kept as batch {batch.batch_id}: "
                "ctrl+l / f6 lists imports, and reverts one") in outcome
        assert len(list(crm.customers.all())) == 3 + 2000
        screen_of(app).query_one("#path").focus()
        await pilot.press("ctrl+l")  # the app still answers keys
        await settle(pilot)
        assert type(app.screen).__name__ == "ImportBatchesScreen"


@AT_BOTH_SIZES
async def test_a_dry_run_an_unexpected_error_stops(crm: Crm, people: dict[str, int],
                                                   many: Path,  # noqa: F811
                                                   size: tuple[int, int],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    broken_after(monkeypatch, 0)
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await check_file(pilot, many)
        await settle(pilot)
        assert app.is_running and app.return_code is None
        outcome = " ".join(text(app, "#outcome").split())
        assert outcome == ("Nothing imported: an unexpected error "
                           "(RuntimeError: something broke)")
        assert len(list(crm.customers.all())) == 3 and not list_batches(crm)
