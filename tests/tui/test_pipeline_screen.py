"""Pipeline board, keys only: moves change probability and forecast, closing asks first;
c shows the closed deals; one customer's deals opened from their 360 view; a move checked
against what the board keeps of each deal."""

from __future__ import annotations

import re

import pytest
from textual.widgets._footer import FooterKey

from crm_tui.services.crm import Crm
from crm_tui.services.pipeline import DealRow
from crm_tui.tui.screens.confirm import ConfirmScreen
from crm_tui.tui.screens.conflict import ConflictScreen
from crm_tui.tui.screens.customer_detail import CustomerDetailScreen
from crm_tui.tui.screens.pipeline import PipelineScreen
from crm_tui.tui.widgets.pipeline_board import PipelineBoard

from ..conftest import open_session
from .conftest import (
    AT_BOTH_SIZES,
    NARROW,
    WIDE,
    SnapCompare,
    make_app,
    pressing,
    settle,
)

FIGURE = re.compile(r"(Open|Weighted|Best case|Win rate) (\S+)")


def header(app: object) -> dict[str, str]:
    """The figures of the header as shown: {"Weighted": "$1,200.00", "Win rate": "50%"...}."""
    text = str(app.screen.query_one("#pipeline-summary").render())  # type: ignore[attr-defined]
    return dict(FIGURE.findall(text))


def cents(shown: str) -> int:
    return int(shown.replace("$", "").replace(",", "").replace(".", ""))


def board(app: object) -> PipelineBoard:
    return app.screen.query_one(PipelineBoard)  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def deals(crm: Crm, people: dict[str, int]) -> dict[str, int]:
    """One deal in Prospecting, one in Proposal ($4,800), one lost (win rate 0%)."""
    pipeline = crm.pipeline
    return {
        "cables": pipeline.create({"customer_id": people["ann"], "name": "Cables",
                                   "value": "120"}),
        "server": pipeline.create({"customer_id": people["cyan"], "name": "Server upgrade",
                                   "stage": "Proposal", "value": "4800"}),
        "old": pipeline.create({"customer_id": people["bob"], "name": "Old quote",
                                "stage": "Closed Lost", "value": "300"}),
    }


async def test_move_to_negotiation_then_win(crm: Crm, deals: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("3")
        await settle(pilot)
        before = header(app)
        assert cents(before["Weighted"]) == crm.pipeline.summary().weighted_cents
        assert before["Win rate"] == "0%"

        await pilot.press("l", "l")  # Prospecting -> Qualification -> Proposal
        await settle(pilot)
        assert board(app).current.deal_id == deals["server"]  # type: ignore[union-attr]
        await pilot.press("greater_than_sign")
        await settle(pilot)
        deal = crm.pipeline.get(deals["server"])
        assert (deal["stage"], deal["probability"]) == ("Negotiation", 75)
        after = header(app)
        assert cents(after["Weighted"]) - cents(before["Weighted"]) == 4800_00 * 25 // 100
        assert cents(after["Weighted"]) == crm.pipeline.summary().weighted_cents
        assert board(app).current_stage.name == "Negotiation"  # type: ignore[union-attr]

        await pilot.press("w")  # closing asks first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert crm.pipeline.get(deals["server"])["status"] == "won"
        assert crm.pipeline.summary().win_rate == 0.5
        assert header(app)["Win rate"] == "50%"
        assert "won 1" in str(app.screen.query_one("#pipeline-summary").render())


async def test_back_a_stage_and_no_close_without_yes(crm: Crm, deals: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("right", "right", "less_than_sign")
        await settle(pilot)
        assert crm.pipeline.get(deals["server"])["stage"] == "Qualification"
        assert header(app)["Best case"] == "$0.00"  # nothing open at 50% or more now
        await pilot.press("L", "n")  # lost? no
        await settle(pilot)
        assert crm.pipeline.get(deals["server"])["status"] == "open"
        await pilot.press("right", "right", "greater_than_sign")  # empty Negotiation column
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert crm.pipeline.get(deals["server"])["stage"] == "Qualification"


async def test_last_open_stage_forward_asks_before_closing(crm: Crm,
                                                           deals: dict[str, int]) -> None:
    crm.pipeline.move(deals["server"], "Negotiation")
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("l", "l", "l", "greater_than_sign")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert crm.pipeline.get(deals["server"])["status"] == "open"


async def test_filter_by_customer_and_open_the_customer(crm: Crm, people: dict[str, int],
                                                        deals: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("slash", *"cyan", "enter")
        await settle(pilot)
        shown = [c.deal_id for s in board(app).stages for c in s.cards]
        assert shown == [deals["server"]]
        assert header(app)["Open"] == "$4,800.00"
        assert header(app)["Win rate"] == "–"  # Cyan has closed nothing
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "CustomerDetailScreen"
        assert app.screen.customer_id == people["cyan"]  # type: ignore[attr-defined]


async def test_filter_by_owner(crm: Crm, people: dict[str, int], deals: dict[str, int]) -> None:
    dave = crm.pipeline.create({"customer_id": people["bob"], "name": "Dave's lead",
                                "value": "999", "owner": "dave"})
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("o", "enter", "d", "enter")  # the owner list, typed to "dave"
        await settle(pilot)
        shown = [c.deal_id for s in board(app).stages for c in s.cards]
        assert shown == [dave]
        assert header(app)["Open"] == "$999.00"
        await pilot.press("escape")  # back on the board: keys move cards again
        assert app.focused is board(app)


# ----- closed deals; one customer's deals -------------------------------------------
SIZES = pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])




@pytest.fixture
def with_won(crm: Crm, people: dict[str, int], deals: dict[str, int]) -> dict[str, int]:
    """The deals above, and a deal Ann won."""
    return {**deals, "won": crm.pipeline.create({"customer_id": people["ann"],
                                                "name": "Big order", "stage": "Closed Won",
                                                "value": "900"})}


def shown(app: object) -> dict[str, list[str]]:
    return {s.name: [c.name for c in s.cards] for s in board(app).stages}


@SIZES
async def test_c_shows_won_and_lost_deals_and_back(crm: Crm, with_won: dict[str, int],
                                                   size: tuple[int, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await pilot.press("3")
        await settle(pilot)
        assert "Closed Won" not in shown(app)
        assert ("c", "Won/lost") in [(k.key, k.description)
                                     for k in app.screen.query(FooterKey) if k.region]
        await pilot.press("c")
        await settle(pilot)
        assert shown(app) == {"Closed Won": ["Big order"], "Closed Lost": ["Old quote"]}
        assert board(app).current.name == "Big order"  # type: ignore[union-attr]
        await pilot.press("l", "less_than_sign")  # the lost deal reopens at the last stage
        await settle(pilot)
        assert crm.pipeline.get(with_won["old"])["stage"] == "Negotiation"
        await pilot.press("c")
        await settle(pilot)
        assert "Old quote" in shown(app)["Negotiation"]


@SIZES
async def test_from_a_customer_to_their_deals_and_back(crm: Crm, people: dict[str, int],
                                                       with_won: dict[str, int],
                                                       size: tuple[int, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_customer(people["ann"])
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)
        assert [c for cards in shown(app).values() for c in cards] == ["Cables"]
        assert "Deals of Ann Lee" in str(app.screen.query_one("#pipeline-summary").render())
        await pilot.press("c")
        await settle(pilot)
        assert shown(app) == {"Closed Won": ["Big order"], "Closed Lost": []}
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == people["ann"]


@AT_BOTH_SIZES
def test_pipeline_board(demo: Crm, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    # Cursor one column right and one card down: the highlight shows off the first column.
    assert snap_compare(make_app(demo), terminal_size=size, run_before=pressing("3", "l", "j"))


@AT_BOTH_SIZES
def test_pipeline_closed_deals(demo: Crm, snap_compare: SnapCompare,
                               size: tuple[int, int]) -> None:
    # c: the Won and Lost columns; the cursor one card down the Won column.
    assert snap_compare(make_app(demo), terminal_size=size, run_before=pressing("3", "c", "j"))


@AT_BOTH_SIZES
async def test_a_move_is_checked_against_what_the_board_keeps_of_the_deal(
        crm: Crm, people: dict[str, int], size: tuple[int, int]) -> None:
    """The board keeps a row per deal, not its document: another session's change to what
    a move does not write lets the move through, a stage moved meanwhile still asks."""
    deal = crm.pipeline.create({"customer_id": people["ann"], "name": "Renewal",
                                "value": "900", "expected_close_date": "2026-07-01"})
    app = make_app(crm)
    other = open_session(crm.db.path)
    try:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press("3")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PipelineScreen)
            kept = screen._deals[deal]
            assert isinstance(kept, DealRow) and not hasattr(kept, "__dict__")
            other.pipeline.update(deal, {"value": "950", "expected_close_date": "2026-08-01"})
            await pilot.press("greater_than_sign")  # Prospecting -> Qualification
            await settle(pilot)
            assert app.screen is screen  # nothing a move writes was changed: no question
            moved = crm.pipeline.get(deal)
            assert (moved["stage"], moved["value"]) == ("Qualification", 95_000)
            other.pipeline.move(deal, "Negotiation")
            await pilot.press("greater_than_sign")
            await settle(pilot)
            assert isinstance(app.screen, ConflictScreen)
            assert crm.pipeline.get(deal)["stage"] == "Negotiation"  # nothing overwritten
    finally:
        other.close()


def test_the_board_header_groups_thousands_as_every_other_count() -> None:
    from crm_tui.domain.rules.pipeline import PipelineSummary
    from crm_tui.tui.screens.pipeline import summary_markup

    header = summary_markup(PipelineSummary(100, 50, 80, 16543, 6566, 4421, 0.6))
    assert "(16,543)" in header and "won 6,566" in header and "lost 4,421" in header
