"""A form save the database refuses (disk full, read-only disk, no access) keeps the form
open with what was typed, says why in the form, and saves once the fault is gone; the app
stays alive. Faults are injected where the store makes a commit durable."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable

import pytest
from textual.widgets import Input, Static

from crm_tui.services.crm import Crm
from crm_tui.tui.forms.customer_form import CustomerForm
from crm_tui.tui.screens.customers import CustomersScreen

from .conftest import NARROW, make_app, settle

FAULTS = {errno.ENOSPC: "disk is full", errno.EROFS: "read-only disk",
          errno.EACCES: "may not write"}


class Fault:
    """Makes every fsync of the process fail with `code` while on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
        self.on = True
        for name in ("fsync", "fdatasync"):
            real: Callable[[int], None] = getattr(os, name)
            monkeypatch.setattr(os, name, self._failing(real, code))

    def _failing(self, real: Callable[[int], None], code: int) -> Callable[[int], None]:
        def call(fd: int) -> None:
            if self.on:
                raise OSError(code, os.strerror(code))
            real(fd)
        return call


@pytest.mark.parametrize("code", list(FAULTS), ids=[errno.errorcode[c] for c in FAULTS])
async def test_a_refused_save_keeps_the_form_and_what_was_typed(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    ann = people["ann"]
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        app.open_form("customer", customer_id=ann)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CustomerForm)
        industry = form.query_one("#field-industry", Input)
        industry.focus()
        await pilot.press(*"Retail")
        fault = Fault(monkeypatch, code)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and app.is_running
        assert industry.value == "Retail"
        status = form.query_one("#form-status", Static)
        assert status.display and FAULTS[code] in str(status.render())
        assert crm.customers.get(ann).get("industry") is None
        fault.on = False  # the disk has room again
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
    assert crm.customers.get(ann)["industry"] == "Retail"


async def test_a_refused_key_action_is_reported_not_raised(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """Changes made on a key (here: undo) go through the same handling."""
    crm.customers.update(people["ann"], {"industry": "Retail"})
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        Fault(monkeypatch, errno.ENOSPC)
        assert not app.run_change(crm.undo, "Undone")
        await settle(pilot)
        assert app.is_running
        assert any("disk is full" in str(n.message) for n in app._notifications)
    assert crm.customers.get(people["ann"])["industry"] == "Retail"
