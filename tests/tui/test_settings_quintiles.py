"""Switching RFM quintile mode on in Settings: the customers are ranked for the break
points by a worker while the screen says so and keeps taking keys; the save lands when they
come back; with nobody to rank, the refusal names rfm.mode under its field."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from crm_tui.domain.settings import RfmBreaks
from crm_tui.services.crm import Crm
from crm_tui.services.settings_service import SettingsService
from crm_tui.tui.screens.settings import SettingsScreen

from .conftest import NARROW, make_app, settle


class Gate:
    """The ranking held until the test opens `gate`."""

    def __init__(self) -> None:
        self.started, self.gate = threading.Event(), threading.Event()

    async def held(self, pilot: Pilot[Any]) -> None:
        deadline = time.monotonic() + 10
        while not self.started.is_set():  # the ranking has begun, held at the gate
            assert time.monotonic() < deadline, "the ranking never started"
            await pilot.pause()


@pytest.fixture
def ranking(monkeypatch: pytest.MonkeyPatch) -> Gate:
    held, rank = Gate(), SettingsService.quintile_breaks

    def gated(self: SettingsService) -> RfmBreaks:
        held.started.set()
        assert held.gate.wait(10), "the test never opened the gate"
        return rank(self)

    monkeypatch.setattr(SettingsService, "quintile_breaks", gated)
    return held


async def switch_quintiles_on_and_save(pilot: Pilot[Any]) -> SettingsScreen:
    await settle(pilot)
    await pilot.press("8")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    screen.query_one("#set-rfm-mode", Select).value = "quintile"
    await pilot.pause()
    await pilot.press("ctrl+s")
    return screen


def status(screen: SettingsScreen) -> str:
    return str(screen.query_one("#settings-status", Static).render())


async def test_the_ranking_runs_in_a_worker_and_the_save_lands_after_it(
        crm: Crm, people: dict[str, int], ranking: Gate) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        screen = await switch_quintiles_on_and_save(pilot)
        await ranking.held(pilot)
        assert "Ranking the customers" in status(screen)
        assert crm.ctx.settings.rfm.mode != "quintile"  # not saved yet
        before = app.focused
        await pilot.press("tab")  # the screen takes keys meanwhile
        await pilot.pause()
        assert app.focused is not before and app.focused is not None
        await pilot.press("ctrl+s")  # a second save waits for the first
        await pilot.pause()
        ranking.gate.set()
        await settle(pilot)
        rfm = crm.ctx.settings.rfm
        assert rfm.mode == "quintile" and rfm.quintile_breaks is not None
        assert "Ranking" not in status(screen)


async def test_with_nobody_to_rank_the_refusal_names_the_mode(crm: Crm) -> None:
    crm.customers.create({"first_name": "Prospect"})  # no orders
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        screen = await switch_quintiles_on_and_save(pilot)
        await settle(pilot)
        error = str(screen.query_one("#error-set-rfm-mode", Static).render())
        assert "rfm.mode" in error and "orders" in error
        assert crm.ctx.settings.rfm.mode != "quintile"
        assert "Ranking" not in status(screen)


async def test_a_setting_edited_while_the_customers_are_ranked_is_saved_too(
        crm: Crm, people: dict[str, int], ranking: Gate) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        screen = await switch_quintiles_on_and_save(pilot)
        await ranking.held(pilot)
        screen.query_one("#set-lifecycle-vip_orders", Input).value = "7"  # typed meanwhile
        await pilot.pause()
        ranking.gate.set()
        await settle(pilot)
        settings = crm.ctx.settings
        assert settings.rfm.mode == "quintile" and settings.rfm.quintile_breaks is not None
        assert settings.lifecycle.vip_orders == 7
        assert screen.query_one("#set-lifecycle-vip_orders", Input).value == "7"
