"""Products, Feedback and Settings screens, keyboard only: retire and reactivate, create
through the product form, resolve and reopen feedback, settings that apply live, and a
theme that is remembered."""

from __future__ import annotations

from textual.widgets import Input, Select

from crm_tui.services.crm import Crm
from crm_tui.tui.config import UserConfig
from crm_tui.tui.screens.confirm import ConfirmScreen
from crm_tui.tui.screens.customer_detail import CustomerDetailScreen
from crm_tui.tui.screens.feedback import FeedbackScreen, ResolveScreen
from crm_tui.tui.screens.products import ProductsScreen
from crm_tui.tui.screens.settings import SettingsScreen
from crm_tui.tui.widgets.customer_table import CustomerTable

from .conftest import NARROW, WIDE, make_app, settle


def cell(screen: object, key: str, column: str) -> str:
    return str(screen.query_one("#records").get_cell(key, column))  # type: ignore[attr-defined]


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


async def test_feedback_inbox_resolve_reopen_and_customer(
        crm: Crm, people: dict[str, int]) -> None:
    old = crm.feedback.submit({"customer_id": people["cyan"], "rating": 5,
                               "recommend_score": 10, "date": "2026-06-01"})
    late = crm.feedback.submit({"customer_id": people["ann"], "rating": 1, "recommend_score": 2,
                                "comments": "Parcel arrived broken", "date": "2026-06-10"})
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FeedbackScreen)
        assert screen.current_id() == late  # newest unresolved first
        assert "NPS +0" in str(screen.query_one("#list-summary").render())
        assert cell(screen, str(late), "Sentiment").strip() == "negative"
        await pilot.press("enter")
        assert isinstance(app.screen, ResolveScreen)
        await pilot.press(*"Sent a new one", "ctrl+s")
        await settle(pilot)
        resolved = crm.feedback.get(late)
        assert resolved["resolved"] and resolved["resolution_notes"] == "Sent a new one"
        assert resolved["resolved_by"] == "alice"
        assert [k for k, _ in screen._listing.rows] == [str(old), str(late)]
        assert screen.select(str(late))
        await pilot.press("o")
        await settle(pilot)
        assert not crm.feedback.get(late)["resolved"]
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == people["ann"]


async def test_a_settings_change_applies_live(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        assert table._row_of(people["ann"]).standing.lifecycle == "new"
        await pilot.press("8")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        field = app.screen.query_one("#set-lifecycle-vip_orders", Input)
        field.focus()
        await pilot.press("end", "backspace", "0")
        await settle(pilot)
        error = app.screen.query_one("#error-set-lifecycle-vip_orders")
        assert "lifecycle.vip_orders" in str(error.render())  # inline, naming the field
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert crm.ctx.settings.lifecycle.vip_orders == 3  # refused
        await pilot.press("backspace", "1")
        await settle(pilot)
        assert not error.has_class("shown")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert crm.ctx.settings.lifecycle.vip_orders == 1
        await pilot.press("escape", "2")  # leave the field, then go to Customers
        await settle(pilot)
        assert table._row_of(people["ann"]).standing.lifecycle == "vip"
        await pilot.press("ctrl+z")  # settings changes are undone like any other
        await settle(pilot)
        assert crm.ctx.settings.lifecycle.vip_orders == 3


async def test_the_theme_applies_at_once_and_is_remembered(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        select = app.screen.query_one("#theme", Select)
        assert "crm-high-contrast" in [value for _, value in select._options]
        await pilot.press("tab", "enter", *"crm-light", "enter")  # type to search
        await settle(pilot)
        assert select.value == app.theme == "crm-light"
    assert UserConfig.load().theme == "crm-light"
