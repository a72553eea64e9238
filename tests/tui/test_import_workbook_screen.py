"""The import screen reads an Excel workbook (.xlsx) as `crm import` does: how it was read,
what its rows would do and its bad row by sheet row, then imported; a damaged one refused."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select

from crm_tui.services.crm import Crm
from crm_tui.services.exchange.batches import list_batches
from crm_tui.tui.widgets.import_mapping import ImportMapping

from ..exchange.import_support import customers_by_email
from ..exchange.workbooks import covered_workbook, damaged_workbook, people_workbook
from .conftest import NARROW, make_app, settle
from .test_import_screen import check_file, screen_of, text


async def test_a_workbook_is_previewed_then_imported(crm: Crm, people: dict[str, int],
                                                     tmp_path: Path) -> None:
    path = people_workbook(tmp_path / "People.xlsx")
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await check_file(pilot, path)
        assert "read from the workbook's sheet 'People'" in text(app, "#detected")
        mapping = screen_of(app).query_one(ImportMapping)
        assert mapping.get_row_at(0) == ["First Name", "first_name"]
        assert "customers: new 2 · updated 0 · unchanged 0 · skipped 0" in text(app, "#outcome")
        errors = text(app, "#errors")
        assert errors.startswith("1 row with errors") and "line 4: email:" in errors
        assert "zoe@example.com" not in customers_by_email(crm)  # a dry run
        await pilot.press("ctrl+r")
        await settle(pilot)
        batch = list_batches(crm)[0].batch_id
        assert f"Imported 3 rows, 1 with errors, as batch {batch}" in text(app, "#outcome")
    imported = customers_by_email(crm)
    assert imported["zoe@example.com"]["first_name"] == "Zoé"
    assert imported["ana@example.com"]["last_name"] == "Силва"
    assert imported["ana@example.com"]["phone"] == "4155550124"


async def test_a_damaged_workbook_is_refused(crm: Crm, people: dict[str, int],
                                             tmp_path: Path) -> None:
    path = damaged_workbook(tmp_path / "People.xlsx")
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await check_file(pilot, path)
        outcome = text(app, "#outcome")
        assert outcome.startswith(f"Nothing imported: {path}")
        assert "cannot be read as an Excel workbook" in outcome
        assert not screen_of(app).query_one(ImportMapping).row_count
    assert not list_batches(crm) and len(list(crm.customers.all())) == 3


async def test_a_workbook_s_sheet_is_chosen_under_sheet(crm: Crm, people: dict[str, int],
                                                        tmp_path: Path) -> None:
    """A cover sheet first: refused as it is, saying Sheet chooses another; choosing
    Customers there reads it, and ctrl+r imports it."""
    path = covered_workbook(tmp_path / "Report.xlsx")
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await check_file(pilot, path)
        screen = screen_of(app)
        picker = screen.query_one("#sheet", Select)
        assert picker.display
        assert "choose another sheet under Sheet" in " ".join(text(app, "#outcome").split())
        picker.value = "Customers"
        await settle(pilot)
        detected = " ".join(text(app, "#detected").split())
        assert "read from the workbook's sheet 2, 'Customers', of 3" in detected
        assert "customers: new 2" in text(app, "#outcome")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "Imported 2 rows" in text(app, "#outcome")
        await check_file(pilot, people_workbook(tmp_path / "People.xlsx"))
        assert not screen_of(app).query_one("#sheet", Select).display  # one sheet: no choice
    assert customers_by_email(crm)["zoe@example.com"]["first_name"] == "Zoé"
