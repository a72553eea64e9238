"""The import screen on a database this session may only read: the dry run still shows what
the file would bring in (it writes nothing), and ctrl+r says the database is read-only; it
used to refuse the dry run too."""

from __future__ import annotations

from crm_tui.services.crm import Crm

from .conftest import NARROW, make_app, settle
from .test_import_screen import SHOPIFY, check_file, text
from .test_read_only_app import notifications, read_only  # noqa: F401 (a fixture)


async def test_a_dry_run_on_a_read_only_database(read_only: Crm) -> None:  # noqa: F811
    app = make_app(read_only)
    async with app.run_test(size=NARROW) as pilot:
        await check_file(pilot, SHOPIFY)
        assert "Shopify customers export" in text(app, "#detected")
        outcome = " ".join(text(app, "#outcome").split())
        assert outcome.startswith("A dry run of ") and "customers: new " in outcome
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "Read-only database" in notifications(app)
    assert len(list(read_only.customers.all())) == 3
