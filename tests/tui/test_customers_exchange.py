"""What the customers screen sends out: "Export this view" (the customers listed now, in
the list's order, to a file in the format its extension names) and the yank key (the
current customer's email, else phone, else name, to the clipboard)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import ListQuery
from crm_tui.tui.screens.confirm import ConfirmScreen
from crm_tui.tui.screens.customers import CustomersScreen
from crm_tui.tui.widgets.customer_table import CustomerTable

from .conftest import NARROW, WIDE, make_app, settle
from .test_customer_marks import answer
from .test_observers import found, hits


def customers(app: Any) -> CustomersScreen:
    assert isinstance(app.screen, CustomersScreen)
    return app.screen


async def show(pilot: Any, query: ListQuery) -> list[int]:
    """The customers screen with this search, filters and sort applied: the ids listed."""
    await settle(pilot)
    customers(pilot.app).apply_query(query)
    await settle(pilot)
    return list(customers(pilot.app).query_one(CustomerTable).ids)


async def test_export_this_view_writes_the_listed_customers_in_order(
        crm: Crm, people: dict[str, int], tmp_path: Path) -> None:
    target = tmp_path / "view.csv"
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        listed = await show(pilot, ListQuery(text="example", sort="name", descending=True))
        assert len(listed) == 3 and listed != sorted(listed)
        await pilot.press("E")
        await settle(pilot)
        assert "the 3 customers listed" in app.screen.title_text  # type: ignore[attr-defined]
        await answer(pilot, str(target))
    lines = target.read_text().splitlines()
    assert lines[0].startswith("id,external_id,name,")
    assert [int(line.split(",")[0]) for line in lines[1:]] == listed


async def test_the_view_is_filtered_and_the_format_is_the_extension(
        crm: Crm, people: dict[str, int], tmp_path: Path) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        listed = await show(pilot, ListQuery(text="stone"))
        assert listed == [people["bob"]]
        for name in ("view.xlsx", "view.json"):
            await pilot.press("E")
            await settle(pilot)
            await answer(pilot, str(tmp_path / name))
    sheet = openpyxl.load_workbook(tmp_path / "view.xlsx").active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "id" and [row[0] for row in rows[1:]] == [people["bob"]]
    records = json.loads((tmp_path / "view.json").read_text())
    assert [record["email"] for record in records] == ["bob@stone.example"]


async def test_an_existing_file_is_replaced_only_after_a_yes(
        crm: Crm, people: dict[str, int], tmp_path: Path) -> None:
    target = tmp_path / "view.csv"
    target.write_text("keep me\n")
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await show(pilot, ListQuery())
        await pilot.press("E")
        await settle(pilot)
        await answer(pilot, str(target))
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert target.read_text() == "keep me\n"
        await pilot.press("E")
        await settle(pilot)
        await answer(pilot, str(target))
        await pilot.press("y")
        await settle(pilot)
    assert len(target.read_text().splitlines()) == 1 + 3


async def test_the_palette_exports_this_view(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await show(pilot, ListQuery(text="acme"))
        await pilot.press("ctrl+p", *"export this view")
        await found(pilot, lambda: hits(app).split("\n", 1)[0].startswith("Export this view"))
        await pilot.press("enter")
        await settle(pilot)
        assert "the 1 customer listed" in app.screen.title_text  # type: ignore[attr-defined]


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
async def test_y_copies_the_current_customers_email(crm: Crm, people: dict[str, int],
                                                    size: tuple[int, int]) -> None:
    crm.customers.create({"first_name": "Dee", "last_name": "Nomail"})
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await show(pilot, ListQuery(sort="name"))
        table = customers(app).query_one(CustomerTable)
        assert table.current_id == people["ann"]
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == "ann@acme.example"
        assert any("Copied Ann Lee's email" in str(n.message) for n in app._notifications)
        await pilot.press("end", "y")  # Dee has no email nor phone: the name
        await settle(pilot)
        assert app.clipboard == "Dee Nomail"


async def test_y_with_nobody_listed_copies_nothing(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        assert await show(pilot, ListQuery(text="nobody by that name")) == []
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == ""
        assert any("No customer selected" in str(n.message) for n in app._notifications)


async def test_an_export_to_a_missing_folder_says_so_and_writes_nothing(
        crm: Crm, people: dict[str, int], tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "view.csv"
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await show(pilot, ListQuery())
        await pilot.press("E")
        await settle(pilot)
        await answer(pilot, str(target))
        assert isinstance(app.screen, CustomersScreen)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "no such folder" in str(errors[0].message)
    assert not target.parent.exists()
