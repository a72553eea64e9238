"""Feedback inbox, keyboard only: newest unresolved first with the NPS, resolve with notes,
reopen, open the customer's 360 view; a long inbox drawn a screenful at a time; another
session's feedback showing up; how it looks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import pytest
from textual.pilot import Pilot

from crm_tui.services.crm import Crm
from crm_tui.services.feedback import FeedbackService, InboxRow
from crm_tui.tui.screens.customer_detail import CustomerDetailScreen
from crm_tui.tui.screens.feedback import FeedbackScreen, ResolveScreen
from crm_tui.tui.widgets.paged_list import PagedList

from ..conftest import open_session
from .conftest import AT_BOTH_SIZES, NARROW, SnapCompare, make_app, pressing, settle


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


def line(screen: FeedbackScreen, feedback_id: int) -> str:
    """The inbox's line of one feedback, as drawn."""
    index = screen.inbox.ids.index(feedback_id)
    return screen.query_one(PagedList).line_text(index)


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
        assert " negative " in line(screen, late)
        assert "Ann Lee" in line(screen, late) and "Parcel arrived br…" in line(screen, late)
        await pilot.press("enter")
        assert isinstance(app.screen, ResolveScreen)
        await pilot.press(*"Sent a new one", "ctrl+s")
        await settle(pilot)
        resolved = crm.feedback.get(late)
        assert resolved["resolved"] and resolved["resolution_notes"] == "Sent a new one"
        assert resolved["resolved_by"] == "alice"
        assert screen.inbox.ids == [old, late]
        assert screen.current_id() == late  # the cursor followed it
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


@AT_BOTH_SIZES
async def test_a_long_inbox_reads_the_comments_on_screen_only(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch,
        size: tuple[int, int]) -> None:
    """300 feedback: the screen holds their ids and reads the feedback of the rows it
    draws; the end of the list is one key away and opens like the first row."""
    who = list(people.values())
    ids = [crm.feedback.submit({"customer_id": who[n % 3], "rating": 1 + n % 5,
                                "comments": f"Note {n}", "date": f"2026-05-{1 + n % 28:02d}"})
           for n in range(300)]
    read: list[int] = []
    rows = FeedbackService.rows

    def counted(self: FeedbackService, feedback_ids: Iterable[int]) -> dict[int, InboxRow]:
        wanted = list(feedback_ids)
        read.extend(wanted)
        return rows(self, wanted)

    monkeypatch.setattr(FeedbackService, "rows", counted)
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FeedbackScreen)
        assert sorted(screen.inbox.ids) == ids
        rows_on_screen = size[1]
        assert 0 < len(set(read)) <= rows_on_screen
        read.clear()
        await pilot.press("G")
        await settle(pilot)
        last = screen.inbox.ids[-1]
        assert screen.current_id() == last
        assert 0 < len(set(read)) <= rows_on_screen and last in read
        listing = screen.query_one(PagedList)
        shown = "\n".join(listing.render_line(y).text for y in range(listing.size.height))
        assert f"Note {ids.index(last)}" in shown  # the last row is drawn, with its comments
        await pilot.press("enter")
        assert isinstance(app.screen, ResolveScreen)
        assert f"Note {ids.index(last)}" in str(app.screen.query_one("#resolve-about").render())


async def test_another_sessions_feedback_shows_up(crm: Crm, people: dict[str, int]) -> None:
    crm.feedback.submit({"customer_id": people["ann"], "rating": 4, "date": "2026-06-01"})
    async with inbox(crm) as (pilot, screen):
        assert len(screen.inbox.ids) == 1
        other = open_session(crm.db.path)
        try:
            new = other.feedback.submit({"customer_id": people["bob"], "rating": 2,
                                         "comments": "Where is my order?",
                                         "date": "2026-06-12"})
        finally:
            other.close()
        pilot.app.poll()  # what the app's timer does every second
        await settle(pilot)
        assert screen.inbox.ids[0] == new
        assert "Where is my ord" in line(screen, new) and "Bob Stone" in line(screen, new)
        assert "2 open of 2" in str(screen.query_one("#list-summary").render())


@AT_BOTH_SIZES
async def test_back_to_the_first_row_it_is_drawn_under_the_header(
        crm: Crm, people: dict[str, int], size: tuple[int, int]) -> None:
    """Scrolling up to a row scrolls far enough for the header line above it: the first
    row was left hidden under the header after the end of a long inbox."""
    who = list(people.values())
    for n in range(100):
        crm.feedback.submit({"customer_id": who[n % 3], "rating": 1 + n % 5,
                             "comments": f"Note {n}", "date": f"2026-05-{1 + n % 28:02d}"})
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FeedbackScreen)
        listing = screen.query_one(PagedList)
        first = listing.render_line(1).text
        await pilot.press("G")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert screen.current_id() == screen.inbox.ids[0]
        assert listing.scroll_offset.y == 0
        assert listing.render_line(1).text == first
