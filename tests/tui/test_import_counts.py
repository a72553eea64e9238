"""The import screen and its list of past imports count rows as every other count is
written: '1 row', '2,500 rows'."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from crm_tui.services.crm import Crm

from .conftest import NARROW, make_app, settle
from .test_import_screen import check_file, text


async def test_one_row(crm: Crm, people: dict[str, int], tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("first_name,last_name,email\nZoe,Martin,zoe@example.com\n")
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await check_file(pilot, one)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert text(app, "#outcome").startswith("Imported 1 row, 0 with errors, as batch ")
        await pilot.press("ctrl+l")
        await settle(pilot)
        line = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert "  1 row  one.csv" in line
