"""An empty database opens on a welcome that loads the demo data on one key."""

from __future__ import annotations

from crm_tui.services.crm import Crm
from crm_tui.tui.widgets.customer_table import CustomerTable

from .conftest import NARROW, make_app, settle


async def test_empty_database_offers_the_demo_on_one_key(crm: Crm) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "WelcomeScreen"
        assert "crm import customers" in str(app.screen.query_one("#welcome-text").render())
        await pilot.press("d")
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "CustomersScreen"
        assert len(app.screen.query_one(CustomerTable).ids) > 100


async def test_welcome_can_go_straight_to_the_customer_form(crm: Crm) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert type(app.screen).__name__ == "CustomerForm"
