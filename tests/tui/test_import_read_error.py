"""The import screen when the file cannot be read part-way: it says the import stopped, on
what, and the rows it kept as a batch (to revert from the list of past imports), not that
nothing was imported; failing before the first commit, nothing was."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.exchange.batches import list_batches

from ..exchange.test_import_read_error import unreadable_from
from .conftest import AT_BOTH_SIZES, make_app, settle
from .test_import_disk_full import many  # noqa: F401 (a fixture: 4,500 customers' rows)
from .test_import_screen import check_file, text


@AT_BOTH_SIZES
@pytest.mark.parametrize("line", [3000, 1000], ids=["after 2,000 rows", "at once"])
async def test_an_import_whose_file_fails_part_way(crm: Crm, people: dict[str, int],
                                                   many: Path,  # noqa: F811
                                                   size: tuple[int, int], line: int,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await check_file(pilot, many)
        assert "new 4,500" in text(app, "#outcome")
        unreadable_from(monkeypatch, line)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.is_running
        outcome = " ".join(text(app, "#outcome").split())
        (batch,) = list_batches(crm)
        if line == 3000:
            assert outcome.startswith(f"The import stopped: {many}: cannot be read "
                                      "(Input/output error). ")
            assert (f"The 2,000 rows imported before are kept as batch {batch.batch_id}: "
                    "ctrl+l / f6 lists imports, and reverts one") in outcome
        else:
            assert outcome == f"Nothing imported: {many}: cannot be read (Input/output error)"
        assert len(list(crm.customers.all())) == 3 + (2000 if line == 3000 else 0)
