"""The palette finds deals, tasks and products by name (accents and case folded), as it
finds customers, and enter opens what was found: a deal on the board with its card
selected, a task in its form, a product on the products screen. Opening the palette again
and again adds no store observer."""

from __future__ import annotations

from typing import Any

import pytest

from crm_tui.services.crm import Crm
from crm_tui.tui.app import CrmApp
from crm_tui.tui.forms.task_form import TaskForm
from crm_tui.tui.screens.pipeline import PipelineScreen
from crm_tui.tui.screens.products import ProductsScreen
from crm_tui.tui.widgets.pipeline_board import PipelineBoard

from .conftest import NARROW, WIDE, make_app, settle
from .test_observers import found, hits, observers

SIZES = pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])


@pytest.fixture
def records(crm: Crm, people: dict[str, int]) -> dict[str, int]:
    chloe = crm.customers.create({"first_name": "Chloé", "last_name": "Garnier"})
    won = crm.pipeline.create({"customer_id": people["ann"], "name": "Cable renewal",
                               "value": "80"})
    crm.pipeline.move(won, "Closed Won")
    return {
        "chloe": chloe,
        "renewal": crm.pipeline.create({"customer_id": chloe, "name": "Renewal 2027",
                                        "value": "1200"}),
        "won": won,
        "other": crm.pipeline.create({"customer_id": chloe, "name": "Showroom", "value": "50"}),
        "task": crm.tasks.create({"customer_id": people["ann"], "title": "Send the invoice",
                                  "due_date": "2026-06-20"}),
        "lantern": crm.products.create({"name": "Brass Lantern", "price": "45"}),
        "desk": crm.products.create({"name": "Desk", "price": "99"}),
    }


async def choose(pilot: Any, app: CrmApp, typed: str, title: str) -> None:
    """Type into the palette, wait for `title` to be the best hit, take it."""
    await pilot.press("ctrl+p", *typed)
    await found(pilot, lambda: hits(app).split("\n", 1)[0] == title)
    await pilot.press("enter")
    await settle(pilot)


@SIZES
async def test_a_deal_by_name_or_customer_without_accents(crm: Crm, records: dict[str, int],
                                                          size: tuple[int, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await choose(pilot, app, "chloe renewal", "deal: Renewal 2027 — Chloé Garnier")
        assert isinstance(app.screen, PipelineScreen)
        board = app.screen.query_one(PipelineBoard)
        assert board.current is not None and board.current.deal_id == records["renewal"]
        assert sorted(c.name for s in board.stages for c in s.cards) == ["Renewal 2027",
                                                                         "Showroom"]
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PipelineScreen)
        # A closed deal: the board shows the closed deals, with it selected.
        await choose(pilot, app, "cable ren", "deal: Cable renewal — Ann Lee")
        board = app.screen.query_one(PipelineBoard)
        assert [s.name for s in board.stages] == ["Closed Won", "Closed Lost"]
        assert board.current is not None and board.current.deal_id == records["won"]


@SIZES
async def test_a_task_opens_in_its_form(crm: Crm, records: dict[str, int],
                                        size: tuple[int, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await choose(pilot, app, "invoice", "task: Send the invoice — Ann Lee")
        assert isinstance(app.screen, TaskForm) and app.screen.record_id == records["task"]


@SIZES
async def test_a_product_is_selected_on_the_products_screen(crm: Crm, records: dict[str, int],
                                                            size: tuple[int, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await choose(pilot, app, "lantern", "product: Brass Lantern")
        assert isinstance(app.screen, ProductsScreen)
        assert app.screen.current_id() == records["lantern"]


async def test_deal_lists_deals_and_no_observer_is_added(crm: Crm,
                                                         records: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        before = observers(crm)
        for _ in range(10):
            await pilot.press("ctrl+p", *"deal")
            await found(pilot, lambda: "deal: Showroom — Chloé Garnier" in hits(app))
            await pilot.press("escape")
            await settle(pilot)
        assert observers(crm) == before


@SIZES
def test_the_palette_looks_right(crm: Crm, records: dict[str, int], size: tuple[int, int],
                                 snap_compare: Any) -> None:
    """'deal' typed: every deal with its customer, the closed one among them."""
    async def search_deals(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("ctrl+p", *"deal")
        await found(pilot, lambda: hits(pilot.app).count("deal: ") == 3)
        await settle(pilot)

    assert snap_compare(make_app(crm), terminal_size=size, run_before=search_deals)
