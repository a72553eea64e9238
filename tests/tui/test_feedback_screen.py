"""Feedback inbox, keyboard only: newest unresolved first with the NPS, resolve with notes,
reopen, open the customer's 360 view; how it looks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from textual.pilot import Pilot

from crm_tui.services.crm import Crm
from crm_tui.tui.screens.customer_detail import CustomerDetailScreen
from crm_tui.tui.screens.feedback import FeedbackScreen, ResolveScreen

from .conftest import AT_BOTH_SIZES, NARROW, SnapCompare, cell, make_app, pressing, settle


@asynccontextmanager
async def inbox(crm: Crm) -> AsyncIterator[tuple[Pilot[None], FeedbackScreen]]:
    """The app at 80x24 on the feedback screen, its rows listed."""
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        yield pilot, app.screen


async def test_feedback_inbox_resolve_reopen_and_customer(
        crm: Crm, people: dict[str, int]) -> None:
    old = crm.feedback.submit({"customer_id": people["cyan"], "rating": 5,
                               "recommend_score": 10, "date": "2026-06-01"})
    late = crm.feedback.submit({"customer_id": people["ann"], "rating": 1, "recommend_score": 2,
                                "comments": "Parcel arrived broken", "date": "2026-06-10"})
    async with inbox(crm) as (pilot, screen):
        app = pilot.app
        assert screen.current_id() == late  # newest unresolved first
        assert "NPS +0" in str(screen.query_one("#list-summary").render())
        assert cell(screen, str(late), "Sentiment").strip() == "negative"
        await pilot.press("enter")
        assert isinstance(app.screen, ResolveScreen)
        await pilot.press(*"Sent a new one", "ctrl+s")
        await settle(pilot)
        resolved = crm.feedback.get(late)
        assert resolved["resolved"] and resolved["resolution_notes"] == "Sent a new one"
        assert resolved["resolved_by"] == "alice"
        assert [k for k, _ in screen._listing.rows] == [str(old), str(late)]
        assert screen.select(str(late))
        await pilot.press("o")
        await settle(pilot)
        assert not crm.feedback.get(late)["resolved"]
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == people["ann"]


@AT_BOTH_SIZES
def test_the_feedback_screen_looks_right(demo: Crm, snap_compare: SnapCompare,
                                         size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=pressing("7"))


async def test_equal_cells_of_the_inbox_are_held_once(
        crm: Crm, people: dict[str, int]) -> None:
    """A long inbox repeats dates, stars, badges and states: the rows share one object of
    each (as listed and as the table holds them), and still show their own."""
    ids = [crm.feedback.submit({"customer_id": people[who], "rating": 4, "recommend_score": 9,
                                "comments": f"Fine {n}", "date": "2026-06-01"})
           for n, who in enumerate(("ann", "cyan", "ann"))]
    async with inbox(crm) as (_, screen):
        table = screen.query_one("#records")
        rows = [table.get_row(str(i)) for i in ids]
        for column in range(6):  # date, customer (ann twice), rating, sentiment, NPS, state
            shared = {id(row[column]) for row in rows if str(row[column]) == str(rows[0][column])}
            assert len(shared) == 1, column
        assert [cell(screen, str(i), "Comments").strip() for i in ids] == [
            "Fine 0", "Fine 1", "Fine 2"]
        listed = dict(screen._listing.rows)
        assert listed[str(ids[0])][2] is listed[str(ids[2])][2]  # the stars
