"""Read surfaces share the session's customer list: opening the palette or a form with a
customer picker, again and again, adds no store observer (each used to add one, holding a
copy of every customer, for the life of the process)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.command import CommandList
from textual.widgets import OptionList

from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.tui.app import CrmApp
from crm_tui.tui.forms.base import RecordForm
from crm_tui.tui.forms.fields import CustomerPicker
from crm_tui.tui.screens.customers import CustomersScreen

from .conftest import NARROW, make_app, settle


def hits(app: CrmApp) -> str:
    """The palette's results as text."""
    palette = app.screen.query_one(CommandList)
    return "\n".join(str(palette.get_option_at_index(i).prompt)
                     for i in range(palette.option_count))


async def found(pilot: Any, ready: Callable[[], bool]) -> None:
    """Wait (with a deadline, never a fixed sleep) until `ready()`."""
    deadline = time.monotonic() + 10
    while not ready():
        assert time.monotonic() < deadline, "the palette never answered"
        await pilot.pause(0.01)


def observers(crm: Crm) -> int:
    """What the store keeps in step with the customers table (indexes and observers)."""
    return len(crm.db.engine.state(tables.CUSTOMERS).observers)


async def test_the_palette_and_pickers_add_no_observer(crm: Crm,
                                                       people: dict[str, int]) -> None:
    app: CrmApp = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        before = observers(crm)
        for _ in range(50):
            await pilot.press("ctrl+p", *"ann")  # a customer search, answered by the list
            await found(pilot, lambda: "customer: Ann Lee" in hits(app))
            await pilot.press("escape")
            await settle(pilot)
        for _ in range(20):
            app.open_form("note")  # no customer given: it starts on the picker
            await settle(pilot)
            assert isinstance(app.screen, RecordForm)
            await pilot.press(*"stone")
            await settle(pilot)
            picker = app.screen.query_one(CustomerPicker).query_one(OptionList)
            assert picker.option_count == 1
            await pilot.press("escape", "y")
            await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
        assert observers(crm) == before
