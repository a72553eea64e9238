"""The import screen: a real export of another tool checked (format, mapping, dry-run
counts, bad rows by line), a column remapped, imported with its batch id, and reverted
from the list of past imports; the same counts and rows as `crm import`."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, ProgressBar, Select, Static

from crm_tui.services.crm import Crm
from crm_tui.services.exchange.batches import list_batches
from crm_tui.services.exchange.importer import import_file
from crm_tui.tui.screens.ask import ChoiceDialog
from crm_tui.tui.screens.confirm import ConfirmScreen
from crm_tui.tui.screens.import_batches import ImportBatchesScreen
from crm_tui.tui.screens.import_file import ImportScreen
from crm_tui.tui.widgets.customer_table import CustomerTable
from crm_tui.tui.widgets.import_mapping import ImportMapping

from ..exchange.import_support import customers_by_email
from .conftest import NARROW, WIDE, make_app, settle
from .test_observers import found, hits

CORPUS = Path(__file__).resolve().parents[1] / "exchange" / "corpus"
SHOPIFY = CORPUS / "shopify_customers_export.csv"
ORDERS = CORPUS / "shopify_orders_export.csv"


def screen_of(app: Any) -> ImportScreen:
    assert isinstance(app.screen, ImportScreen)
    return app.screen


def text(app: Any, selector: str) -> str:
    return str(screen_of(app).query_one(selector, Static).render())


async def check_file(pilot: Any, path: Path) -> None:
    """From the customers screen: open the import screen (ctrl+o), give the path, enter."""
    await settle(pilot)
    await pilot.press("ctrl+o")
    await settle(pilot)
    screen_of(pilot.app).query_one("#path", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_shopify_export_is_checked_then_imported(crm: Crm, people: dict[str, int]
                                                         ) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await check_file(pilot, SHOPIFY)
        assert "Shopify customers export" in text(app, "#detected")
        assert "read as UTF-8, comma-separated" in text(app, "#detected")
        assert screen_of(app).query_one("#kind", Select).value == "customers"
        assert "customers: new 4 · updated 0 · unchanged 0 · skipped 0" in text(app, "#outcome")
        errors = text(app, "#errors")
        assert errors.startswith("1 row with errors") and "line 5: email:" in errors
        mapping = screen_of(app).query_one(ImportMapping)
        assert mapping.get_row_at(3) == ["Email", "email"]
        assert "chloe.garnier@example.fr" not in customers_by_email(crm)  # a dry run
        await pilot.press("ctrl+r")
        await settle(pilot)
        batch = list_batches(crm)[0].batch_id
        assert f"Imported 5 rows, 1 with errors, as batch {batch}" in text(app, "#outcome")
    imported = customers_by_email(crm)
    assert imported["chloe.garnier@example.fr"]["first_name"] == "Chloé"
    assert imported["chloe.garnier@example.fr"]["import_batch"] == batch
    assert len(list(crm.customers.all())) == 3 + 4


async def test_the_counts_are_the_cli_dry_runs(crm: Crm, people: dict[str, int]) -> None:
    expected = import_file(crm, "purchases", ORDERS, dry_run=True)
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await check_file(pilot, ORDERS)
        assert screen_of(app).query_one("#kind", Select).value == "purchases"  # detected
        assert "Shopify orders export" in text(app, "#detected")
        outcome = text(app, "#outcome")
        for kind, counts in expected.counts.items():
            assert (f"{kind}: new {counts.created} · updated {counts.updated} · "
                    f"unchanged {counts.unchanged} · skipped {counts.skipped}") in outcome
        assert f"A dry run of {expected.rows} rows" in outcome


async def test_a_column_is_remapped_with_keys(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await check_file(pilot, SHOPIFY)
        mapping = screen_of(app).query_one(ImportMapping)
        assert app.focused is mapping
        await pilot.press("down", "down", "down", "enter")  # Email
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog) and "'Email'" in dialog.title_text
        await pilot.press("enter")  # the first choice: ignore
        await settle(pilot)
        assert mapping.get_row_at(3) == ["Email", "(ignored) *"]
        # Without emails the bad one is no longer bad: five new customers.
        assert "customers: new 5" in text(app, "#outcome")
        assert text(app, "#errors") == "no errors"
        await pilot.press("ctrl+r")
        await settle(pilot)
    assert list_batches(crm)[0].rows == 5
    assert set(customers_by_email(crm)) == {"ann@acme.example", "bob@stone.example",
                                            "sales@cyan.example"}  # as `--map Email=ignore`


async def test_an_import_is_reverted_after_a_yes(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await check_file(pilot, SHOPIFY)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len(list(crm.customers.all())) == 7
        await pilot.press("ctrl+l")
        await settle(pilot)
        batches = app.screen
        assert isinstance(batches, ImportBatchesScreen)
        batch = list_batches(crm)[0].batch_id
        line = str(batches.query_one(OptionList).get_option_at_index(0).prompt)
        assert line.startswith(batch) and "done" in line and "5 rows" in line
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing happens
        await settle(pilot)
        assert len(list(crm.customers.all())) == 7
        await pilot.press("r", "y")
        await settle(pilot)
        assert list_batches(crm)[0].status == "reverted"
        line = str(batches.query_one(OptionList).get_option_at_index(0).prompt)
        assert "reverted" in line
    assert len(list(crm.customers.all())) == 3
    assert "chloe.garnier@example.fr" not in customers_by_email(crm)


async def test_a_file_that_cannot_be_read_writes_nothing(crm: Crm, people: dict[str, int],
                                                        tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    picture = tmp_path / "photo.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    refusals = {empty: "is empty: expected a header row", picture: "is a binary file",
                tmp_path / "missing.csv": "", tmp_path: "is a directory"}
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        for path, reason in refusals.items():
            await check_file(pilot, SHOPIFY)  # a good file checked first...
            assert screen_of(app).query_one(ImportMapping).row_count
            await pilot.press("ctrl+o")  # back to the path
            assert app.focused is screen_of(app).query_one("#path", Input)
            screen_of(app).query_one("#path", Input).value = str(path)
            await pilot.press("enter")  # ...then this one, refused
            await settle(pilot)
            outcome = text(app, "#outcome")
            assert outcome.startswith(f"Nothing imported: {path}") and reason in outcome
            assert not screen_of(app).query_one(ImportMapping).row_count
            await pilot.press("ctrl+r")  # the file checked before is not imported instead
            await settle(pilot)
            assert not list_batches(crm)
            await pilot.press("escape")
    assert len(list(crm.customers.all())) == 3


async def test_dates_whose_order_cannot_be_told_are_given_one(
        crm: Crm, people: dict[str, int], tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("Email,Date,Item,Total\nann@acme.example,01/02/2026,Lamp,30\n"
                      "bob@stone.example,03/04/2026,Desk,200\n")
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await check_file(pilot, orders)
        outcome = text(app, "#outcome")
        assert outcome.startswith("Cannot import it as it is: ") and "'Date'" in outcome
        assert "choose the order under Dates" in outcome and "--date-format" not in outcome
        assert screen_of(app).query_one(ImportMapping).get_row_at(1) == ["Date", "date"]
        await pilot.press("ctrl+r")  # refused as mapped: nothing to import yet
        await settle(pilot)
        assert not list_batches(crm)
        screen_of(app).query_one("#dates", Select).value = "DMY"
        await settle(pilot)
        assert "dates in 'Date': day first" in text(app, "#detected")
        assert "purchases: new 2" in text(app, "#outcome")
        await pilot.press("ctrl+r")
        await settle(pilot)
    dates = {p["item"]: p["date"] for p in crm.db.table("purchases").all()}
    assert dates["Lamp"] == "2026-02-01" and dates["Desk"] == "2026-04-03"


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
def test_the_checked_file_looks_right(crm: Crm, people: dict[str, int], snap_compare: Any,
                                      size: tuple[int, int],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)  # the path shown is the same on every machine

    async def check(pilot: Any) -> None:
        await check_file(pilot, Path(SHOPIFY.name))

    assert snap_compare(make_app(crm), terminal_size=size, run_before=check)


@pytest.mark.parametrize("query", ["import a file", "past imports"])
async def test_the_palette_opens_the_import_screens(crm: Crm, people: dict[str, int],
                                                   query: str) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *query)
        await found(pilot, lambda: hits(app).split("\n", 1)[0].lower().startswith(query))
        await pilot.press("enter")
        await settle(pilot)
        wanted = ImportScreen if query == "import a file" else ImportBatchesScreen
        assert isinstance(app.screen, wanted)


async def test_closing_the_screen_stops_its_dry_run(crm: Crm, people: dict[str, int],
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    many = tmp_path / "many.csv"
    many.write_text("Email,First Name\n" + "".join(f"p{i}@x.example,P{i}\n"
                                                   for i in range(20)))
    monkeypatch.setattr("crm_tui.services.exchange.importer.CHUNK_ROWS", 2)
    closed, raised = threading.Event(), []

    def paced(*args: Any, progress: Any, **options: Any) -> Any:
        def reported(done: int, expected: int | None) -> None:
            closed.wait(10)  # the screen closes after the first chunk
            progress(done, expected)

        try:
            return import_file(*args, progress=reported, **options)
        except BaseException as exc:
            raised.append(type(exc).__name__)
            raise

    monkeypatch.setattr("crm_tui.tui.screens.import_file.import_file", paced)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        screen_of(app).query_one("#path", Input).value = str(many)
        await pilot.press("enter", "escape")
        closed.set()
        await settle(pilot)
        assert not isinstance(app.screen, ImportScreen)
    assert raised == ["Abandoned"]
    crm.customers.create({"first_name": "After", "email": "after@x.example"})  # not locked
    assert len(list(crm.customers.all())) == 4


async def test_an_import_reports_its_progress(crm: Crm, people: dict[str, int],
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    many = tmp_path / "many.csv"
    many.write_text("Email,First Name\n" + "".join(f"p{i}@x.example,P{i}\n"
                                                   for i in range(20)))
    monkeypatch.setattr("crm_tui.services.exchange.importer.CHUNK_ROWS", 5)
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await check_file(pilot, many)
        await pilot.press("ctrl+r")  # the bar starts again from nothing...
        await settle(pilot)
        bar = screen_of(app).query_one("#progress", ProgressBar)
        assert (bar.progress, bar.total) == (20, 20) and not bar.display  # ...to the end
        assert "Imported 20 rows" in text(app, "#outcome")


async def test_choosing_what_the_file_holds_maps_it_anew(crm: Crm,
                                                         people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await check_file(pilot, ORDERS)
        mapping = screen_of(app).query_one(ImportMapping)
        assert mapping.get_row_at(0) == ["Name", "external_id"]  # Shopify's order number
        screen_of(app).query_one("#kind", Select).value = "customers"
        await settle(pilot)
        assert mapping.get_row_at(0) == ["Name", "name"]
        assert text(app, "#outcome").splitlines()[1].startswith("customers: ")
        assert "no known tool's export" in text(app, "#detected")
    assert not list_batches(crm)


async def test_what_a_tools_export_says_of_every_row_is_listed(crm: Crm,
                                                              people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await check_file(pilot, CORPUS / "mailchimp_subscribed_members_export.csv")
        assert text(app, "#detected").startswith("Mailchimp")
        mapping = screen_of(app).query_one(ImportMapping)
        assert mapping.get_row_at(mapping.row_count - 1) == ["(every row)",
                                                             "email_opt_in = yes"]
        mapping.move_cursor(row=mapping.row_count - 1)
        await pilot.press("enter")  # not a column: nothing to choose
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)


async def test_dates_are_said_before_amounts(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await check_file(pilot, ORDERS)
        lines = text(app, "#detected").splitlines()
        assert lines[0] == "Shopify orders export · read as UTF-8, comma-separated"
        assert lines[1].startswith("dates in 'Created at'")


async def test_the_customers_list_shows_what_was_imported(crm: Crm,
                                                          people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await check_file(pilot, SHOPIFY)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        assert len(table.ids) == 3 + 4
        await pilot.press("ctrl+p", *"past imports")
        await found(pilot, lambda: hits(app).split("\n", 1)[0].lower().startswith("past"))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r", "y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.screen.query_one(CustomerTable).ids) == 3
