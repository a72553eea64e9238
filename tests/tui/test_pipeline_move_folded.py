"""A move on the whole board, this session's or another's, is drawn from what the board
holds: the moved card and its two columns, not every deal read again; the columns and the
header still equal a board read afresh, and the cursor stays on the moved card."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from crm_tui.domain.money import display_money
from crm_tui.services.crm import Crm
from crm_tui.services.pipeline import DealRow
from crm_tui.tui.screens.pipeline import BoardView, PipelineScreen, board_data
from crm_tui.tui.widgets.pipeline_board import PipelineBoard, Stage

from ..conftest import open_session
from .conftest import AT_BOTH_SIZES, make_app, settle
from .test_pipeline_first_paint import until

STAGES = ("Prospecting", "Qualification", "Proposal")
DEALS = 60


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[tuple[Crm, Crm]]:
    """Two sessions on one database holding many deals across stages (some closed)."""
    path = tmp_path / "crm.db"
    with closing(open_session(path)) as other:
        yield from _filled(path, other)


def _filled(path: Path, other: Crm) -> Iterator[tuple[Crm, Crm]]:
    people = [other.customers.create({"first_name": f"P{n}", "last_name": "Lee"})
              for n in range(6)]
    for n in range(DEALS):
        other.pipeline.create({"customer_id": people[n % 6], "name": f"Deal {n:02}",
                               "value": 1000 + 37 * (n % 11), "stage": STAGES[n % 3],
                               "owner": "dave" if n % 2 else "erin"})
    other.pipeline.create({"customer_id": people[0], "name": "Won one", "value": 500,
                           "stage": "Closed Won"})
    with closing(open_session(path)) as mine:
        yield mine, other


def drawn(stages: list[Stage]) -> list[tuple[str, int, int, list[Any]]]:
    return [(s.name, s.count, s.total_cents, list(s.cards)) for s in stages]


def stage_of(app: Any, deal_id: int) -> str | None:
    board = app.screen.query_one(PipelineBoard)
    return next((s.name for s in board.stages for c in s.cards if c.deal_id == deal_id), None)


def agrees_with_a_fresh_board(app: Any, crm: Crm) -> None:
    """The board drawn equals `crm`'s (another session's) board read afresh."""
    fresh = board_data(crm, BoardView())
    assert drawn(app.screen.query_one(PipelineBoard).stages) == drawn(fresh.stages)
    shown = str(app.screen.query_one("#pipeline-summary").render())
    s = fresh.summary
    assert s == crm.pipeline.board_summary()  # the dashboard's figures too
    assert f"Open {display_money(s.total_cents)} ({s.open_count:,})" in shown
    assert f"Weighted {display_money(s.weighted_cents)}" in shown
    assert f"Best case {display_money(s.best_case_cents)}" in shown
    assert f"won {s.won_count:,}" in shown and f"lost {s.lost_count:,}" in shown


@AT_BOTH_SIZES
async def test_a_move_is_folded_in_without_reading_every_deal(
        sessions: tuple[Crm, Crm], monkeypatch: pytest.MonkeyPatch,
        size: tuple[int, int]) -> None:
    mine, other = sessions
    reads: list[int | None] = []
    rows = mine.pipeline.rows

    def counted(customer_id: int | None = None) -> list[DealRow]:
        reads.append(customer_id)
        return rows(customer_id)

    monkeypatch.setattr(mine.pipeline, "rows", counted)
    app = make_app(mine)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await until(pilot, lambda: isinstance(app.screen, PipelineScreen)
                    and sum(len(s.cards) for s in app.screen.query_one(PipelineBoard).stages)
                    == DEALS)
        await settle(pilot)
        assert reads == [None]  # every deal read once, after the first screenful
        board = app.screen.query_one(PipelineBoard)
        await pilot.press("down", "down")
        card = board.current
        assert card is not None and stage_of(app, card.deal_id) == "Prospecting"
        await pilot.press("greater_than_sign")
        await until(pilot, lambda: stage_of(app, card.deal_id) == "Qualification")
        await settle(pilot)
        assert reads == [None]  # not read again
        current = board.current
        assert current is not None and current.deal_id == card.deal_id  # the cursor followed
        assert board.current_stage is not None
        assert board.current_stage.name == "Qualification"
        agrees_with_a_fresh_board(app, other)

        # Another session's move arrives the same way.
        moved = next(c for c in board.stages[2].cards)
        other.pipeline.move(moved.deal_id, "Prospecting")
        await until(pilot, lambda: stage_of(app, moved.deal_id) == "Prospecting")
        await settle(pilot)
        assert reads == [None]
        agrees_with_a_fresh_board(app, other)
        current = board.current
        assert current is not None and current.deal_id == card.deal_id  # still on it

        # A deal won leaves the board, its column's count and value with it.
        other.pipeline.move(card.deal_id, "Closed Won")
        await until(pilot, lambda: stage_of(app, card.deal_id) is None)
        await settle(pilot)
        assert reads == [None]
        agrees_with_a_fresh_board(app, other)
