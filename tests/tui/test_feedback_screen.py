"""Feedback inbox, keyboard only: newest unresolved first with the NPS, resolve with notes,
reopen, open the customer's 360 view; how it looks."""

from __future__ import annotations

from crm_tui.services.crm import Crm
from crm_tui.tui.screens.customer_detail import CustomerDetailScreen
from crm_tui.tui.screens.feedback import FeedbackScreen, ResolveScreen

from .conftest import AT_BOTH_SIZES, NARROW, SnapCompare, cell, make_app, pressing, settle


async def test_feedback_inbox_resolve_reopen_and_customer(
        crm: Crm, people: dict[str, int]) -> None:
    old = crm.feedback.submit({"customer_id": people["cyan"], "rating": 5,
                               "recommend_score": 10, "date": "2026-06-01"})
    late = crm.feedback.submit({"customer_id": people["ann"], "rating": 1, "recommend_score": 2,
                                "comments": "Parcel arrived broken", "date": "2026-06-10"})
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FeedbackScreen)
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
