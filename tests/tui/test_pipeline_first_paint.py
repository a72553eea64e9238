"""The whole board's first frame comes before every deal is read: each column's first
screenful of cards under its count and value of all its deals, and the header's figures,
from the pipeline figures the store keeps; the rest of the cards and the owners follow."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Select

from crm_tui.domain.money import display_money
from crm_tui.services.crm import Crm
from crm_tui.services.pipeline import DealRow
from crm_tui.tui.screens.pipeline import PipelineScreen
from crm_tui.tui.widgets.pipeline_board import PipelineBoard, Stage

from .conftest import AT_BOTH_SIZES, make_app, settle

DEALS = 40


async def until(pilot: Any, condition: Callable[[], bool], seconds: float = 20.0) -> None:
    """Poll the app until `condition` holds (a deadline, never a fixed wait)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the board never showed it"
        await pilot.pause(0.01)


def columns(app: Any) -> list[Stage]:
    if not isinstance(app.screen, PipelineScreen):
        return []
    return app.screen.query_one(PipelineBoard).stages  # type: ignore[no-any-return]


@AT_BOTH_SIZES
async def test_the_first_screenful_is_drawn_before_every_deal_is_read(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch,
        size: tuple[int, int]) -> None:
    for n in range(DEALS):
        crm.pipeline.create({"customer_id": people["ann"], "name": f"Deal {n:02}",
                             "value": 100 + n, "owner": "dave" if n % 2 else "erin"})
    crm.pipeline.create({"customer_id": people["bob"], "name": "Lost one",
                         "stage": "Closed Lost", "value": 50})
    crm.segments.membership.records.ensure()  # as the customers screen does
    every_deal = threading.Event()
    rows = crm.pipeline.rows

    def held(customer_id: int | None = None) -> list[DealRow]:
        every_deal.wait(30)
        return rows(customer_id)

    monkeypatch.setattr(crm.pipeline, "rows", held)
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        try:
            await pilot.press("3")
            await until(pilot, lambda: bool(columns(app)) and bool(columns(app)[0].cards))
            first = columns(app)[0]
            fits = size[1] // 3 + 1
            assert (first.name, first.count, len(first.cards)) == ("Prospecting", DEALS, fits)
            assert first.total_cents == sum(100 + n for n in range(DEALS)) * 100
            assert [c.name for c in first.cards] == [f"Deal {n:02}" for n in range(
                DEALS - 1, DEALS - 1 - fits, -1)]  # the biggest first
            assert {c.customer for c in first.cards} == {"Ann Lee"}
            shown = str(app.screen.query_one("#pipeline-summary").render())
            summary = crm.pipeline.summary()
            assert f"Open {display_money(summary.total_cents)} ({DEALS})" in shown
            assert f"Weighted {display_money(summary.weighted_cents)}" in shown
            assert "Win rate 0%" in shown and "lost 1" in shown
            assert not app.screen.query_one("#owner", Select)._options[1:]  # none read yet
        finally:
            every_deal.set()
        await until(pilot, lambda: len(columns(app)[0].cards) == DEALS)
        await settle(pilot)
        options = [str(label) for label, _ in app.screen.query_one("#owner", Select)._options]
        assert options[1:] == ["alice", "dave", "erin"]
        await pilot.press("greater_than_sign")  # the biggest deal moves on, from the board
        await settle(pilot)
        assert crm.pipeline.get(DEALS)["stage"] == "Qualification"
        assert columns(app)[0].count == DEALS - 1
