"""Products screen, keyboard only: sales and revenue per product, retire and reactivate
with confirmation, create and edit through the product form; how it looks."""

from __future__ import annotations

from crm_tui.services.crm import Crm
from crm_tui.tui.screens.confirm import ConfirmScreen
from crm_tui.tui.screens.products import ProductsScreen

from .conftest import AT_BOTH_SIZES, NARROW, WIDE, SnapCompare, cell, make_app, pressing, settle


async def test_products_show_sales_and_retire_with_confirmation(
        crm: Crm, people: dict[str, int]) -> None:
    server = crm.products.create({"name": "Server", "category": "hardware", "price": "2400"})
    crm.sales.record({"customer_id": people["ann"], "product_id": server, "quantity": 2,
                      "date": "2026-06-02"})
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProductsScreen)
        key = str(server)
        assert (cell(screen, key, "Sold"), cell(screen, key, "Revenue")) == ("2", "$4,800.00")
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert crm.products.get(server)["active"] is False
        assert cell(screen, key, "Status") == "retired"
        await pilot.press("x", "y")
        await settle(pilot)
        assert crm.products.get(server)["active"] is True


async def test_a_product_created_through_the_form(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#field-name").focus()
        await pilot.press(*"Desk lamp")
        app.screen.query_one("#field-price").focus()
        await pilot.press(*"35", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProductsScreen)
        found = crm.products.find_by_name("Desk lamp")
        assert found is not None and found["price"] == 3500
        assert cell(app.screen, str(found["id"]), "Product") == "Desk lamp"
        await pilot.press("e")  # the highlighted product, opened for editing
        await settle(pilot)
        assert app.screen.query_one("#field-price").value == "35"  # the stored price, in dollars
        app.screen.query_one("#field-price").value = "40"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert crm.products.get(found["id"])["price"] == 4000


@AT_BOTH_SIZES
def test_the_products_screen_looks_right(demo: Crm, snap_compare: SnapCompare,
                                         size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=pressing("6"))
