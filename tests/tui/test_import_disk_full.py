"""The import screen when the disk stops an import part-way: it says how many rows were
saved before and under which batch (to revert from the list of past imports), or that
nothing was imported, and what was checked still shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.exchange.batches import list_batches

from ..exchange.test_import_disk_full import disk_full_after
from .conftest import AT_BOTH_SIZES, make_app, settle
from .test_import_screen import check_file, screen_of, text


@pytest.fixture
def many(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text("first_name,last_name,email\n" + "".join(
        f"Person {n},Row,p{n}@example.com\n" for n in range(4500)))
    return path


@AT_BOTH_SIZES
@pytest.mark.parametrize("commits", [1, 0], ids=["after 2,000 rows", "at once"])
async def test_an_import_the_disk_stops(crm: Crm, people: dict[str, int], many: Path,
                                        size: tuple[int, int], commits: int,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await check_file(pilot, many)
        assert "new 4,500" in text(app, "#outcome")
        disk_full_after(monkeypatch, commits)
        await pilot.press("ctrl+r")
        await settle(pilot)
        outcome = " ".join(text(app, "#outcome").split())
        (batch,) = list_batches(crm)
        if commits:
            assert outcome.startswith("The import stopped: ") and "No space left" in outcome
            assert (f"The 2,000 rows imported before are kept as batch {batch.batch_id}: "
                    "ctrl+l / f6 lists imports, and reverts one") in outcome
        else:
            assert outcome.startswith("Nothing imported: ") and "kept" not in outcome
        assert len(list(crm.customers.all())) == 3 + 2000 * commits
        assert screen_of(app).query_one("ImportMapping").row_count  # still shown
