"""Opening a customer's 360 screen: it is shown with the customer's view read already,
so its first drawing is the customer, not an empty pane; a slow read (a busy store)
still opens it at once; two customers asked for in a row open one screen, the second's."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from crm_tui.services import customer_view
from crm_tui.services.crm import Crm
from crm_tui.tui.screens import customer_detail as detail_screen
from crm_tui.tui.screens.customer_detail import CustomerDetailScreen
from crm_tui.tui.widgets.detail_pane import DetailPane

from .conftest import AT_BOTH_SIZES, NARROW, make_app, settle


def title(screen: object) -> str:
    return str(screen.query_one("#detail-title", Static).render())  # type: ignore[attr-defined]


async def until(pilot: Pilot[Any], condition: Any, what: str) -> None:
    """Let the app run until `condition()` holds (a deadline, never a fixed sleep)."""
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        await pilot.pause()


def opened(app: Any) -> list[CustomerDetailScreen]:
    return [s for s in app.screen_stack if isinstance(s, CustomerDetailScreen)]


def first_titles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each 360 screen's title first says when drawn (filled as the test runs)."""
    first_drawn: list[str] = []
    render = Static.render

    def drawn(self: Static) -> Any:
        if (self.id == "detail-title" and isinstance(self.screen, CustomerDetailScreen)
                and not first_drawn):
            first_drawn.append(str(render(self)))
        return render(self)

    monkeypatch.setattr(Static, "render", drawn)
    return first_drawn


@AT_BOTH_SIZES
async def test_the_360_screen_is_first_drawn_with_its_customer(
        crm: Crm, people: dict[str, int], size: tuple[int, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    first_drawn = first_titles(monkeypatch)
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_customer(people["bob"])
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert title(app.screen).startswith("Bob Stone")
        # Shown at once and then filled, its first drawing said "Select a customer…".
        assert first_drawn and first_drawn[0].startswith("Bob Stone")


async def test_enter_on_a_narrow_list_opens_the_screen_drawn_with_its_customer(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    first_drawn = first_titles(monkeypatch)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:  # no pane beside the list
        await settle(pilot)
        await pilot.press("enter")  # on Ann, the first row
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert first_drawn and first_drawn[0].startswith("Ann Lee")


@AT_BOTH_SIZES
async def test_a_slow_read_still_opens_the_screen_at_once(
        crm: Crm, people: dict[str, int], size: tuple[int, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    held: list[int] = []

    def slow(session: Crm, customer_id: int) -> customer_view.CustomerDetail:
        if not held:  # the opener's read: the store busy
            held.append(customer_id)
            release.wait(10)
        return customer_view.customer_detail(session, customer_id)

    monkeypatch.setattr(detail_screen, "customer_detail", slow)
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_customer(people["ann"])
        try:
            await until(pilot, lambda: isinstance(app.screen, CustomerDetailScreen),
                        "the 360 screen")
            await until(pilot, lambda: title(app.screen).startswith("Ann Lee"),
                        "the screen's own read")
        finally:
            release.set()
        await settle(pilot)
        assert held == [people["ann"]]
        assert len(opened(app)) == 1  # the opener's late read opened nothing more


@AT_BOTH_SIZES
async def test_two_customers_asked_for_in_a_row_open_one_screen(
        crm: Crm, people: dict[str, int], size: tuple[int, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_customer(people["ann"])
        app.open_customer(people["bob"])
        await settle(pilot)
        await until(pilot, lambda: bool(opened(app)), "the 360 screen")
        await settle(pilot)
        assert [s.customer_id for s in opened(app)] == [people["bob"]]
        assert title(app.screen.query_one(DetailPane)).startswith("Bob Stone")
