"""A database an older crm-tui wrote is rewritten in the background when the app opens
it: the app says so, then says when it is done."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from crm_tui.tui.app import UPGRADED, UPGRADING, CrmApp
from tests.conftest import open_session
from tests.store.test_upgrade import make_old

from .conftest import NARROW, make_app, settle


def messages(app: CrmApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def said(pilot: Any, app: CrmApp, text: str) -> None:
    deadline = time.monotonic() + 60  # a guard against hanging, never a measure
    while text not in messages(app):
        assert time.monotonic() < deadline, messages(app)
        await pilot.pause(0.05)


async def test_the_app_says_it_prepares_an_old_database_then_that_it_is_ready(
        tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    first = open_session(path)
    for name in ("Ann", "Bob"):
        first.sales.record({"customer_id": first.customers.create({"first_name": name}),
                            "item": "Desk", "total": "90"})
    first.db.compact()
    first.close()
    make_old(path, 2)

    crm = open_session(path)
    assert crm.upgrading is not None
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert UPGRADING in messages(app)
        await said(pilot, app, UPGRADED)
    assert crm.upgrading is None and not crm.db.outdated
    crm.close()


async def test_a_current_database_is_not_announced(tmp_path: Path) -> None:
    crm = open_session(tmp_path / "crm.db")
    crm.customers.create({"first_name": "Ann"})
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert UPGRADING not in messages(app) and UPGRADED not in messages(app)
    crm.close()
