"""Segments screen, keyboard only: custom segments with live counts, the rule editor's
preview, members on the Customers screen, delete asks first; how it looks."""

from __future__ import annotations

import errno

import pytest
from textual.widgets import TextArea

from crm_tui.services.crm import Crm
from crm_tui.tui.screens.confirm import ConfirmScreen
from crm_tui.tui.screens.segments import SegmentsScreen
from crm_tui.tui.widgets.customer_table import CustomerTable
from crm_tui.tui.widgets.rule_editor import RuleEditor

from .conftest import AT_BOTH_SIZES, NARROW, WIDE, SnapCompare, make_app, pressing, settle


def members_cell(screen: SegmentsScreen, key: str) -> int:
    """The member count the screen shows for a segment."""
    table = screen.query_one("#records")
    return int(str(table.get_cell(key, "Members")).replace(",", ""))  # type: ignore[attr-defined]


def preview_text(app: object) -> str:
    return str(app.screen.query_one("#seg-preview").render())  # type: ignore[attr-defined]


async def test_custom_segment_typed_with_the_keyboard_counts_live(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RuleEditor)
        # name, then match and color keep their defaults, then the conditions
        await pilot.press(*"Big spenders", "tab", "tab", "tab", *"total_spent >= 1000")
        await settle(pilot)  # the debounced preview runs in a worker
        assert preview_text(app) == "1 customer matches"  # Cyan Corp: $4,800
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SegmentsScreen)
        segment = crm.segments.find_by_name("Big spenders")
        assert segment is not None
        key = str(segment["id"])
        assert members_cell(screen, key) == crm.segments.count(segment["id"]) == 1

        # Ann (one $20 order) crosses the line with one more purchase.
        crm.sales.record({"customer_id": people["ann"], "item": "Laptop", "total": "1000"})
        app.data_changed()
        await settle(pilot)
        assert members_cell(screen, key) == crm.segments.count(segment["id"]) == 2


async def test_the_preview_names_the_bad_line(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("5", "n", *"Odd", "tab", "tab", "tab",
                          *"tags has vip", "enter", "enter", *"spent_total > 3")
        await settle(pilot)
        text = preview_text(app)
        assert text.startswith("line 3 (field): unknown field 'spent_total'")  # blank line 2
        assert app.screen.query_one("#seg-preview").has_class("error")
        await pilot.press("ctrl+s")  # refused: nothing stored, the editor stays
        await settle(pilot)
        assert isinstance(app.screen, RuleEditor)
        assert crm.segments.find_by_name("Odd") is None
        await pilot.press("escape", "y")  # discard what was typed
        await settle(pilot)
        assert isinstance(app.screen, SegmentsScreen)


async def test_edit_a_custom_segment(crm: Crm, people: dict[str, int]) -> None:
    segment_id = crm.segments.create({"name": "Tagged", "conditions": ["tags has vip"]})
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        before = (app.focused, app.current_mode)
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SegmentsScreen), (before, app.focused, app.current_mode)
        assert screen.select(str(segment_id))
        await pilot.press("e")
        await settle(pilot)
        area = app.screen.query_one("#seg-conditions")
        assert area.text == "tags has vip"  # type: ignore[attr-defined]
        assert preview_text(app) == "1 customer matches"
        area.focus()
        await pilot.press("end", "backspace", "backspace", "backspace", *"newsletter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert crm.segments.members(segment_id) == [people["ann"]]
        assert members_cell(screen, str(segment_id)) == 1


async def test_enter_lists_the_members_on_the_customers_screen(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert app.screen.select("lifecycle:vip")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "customers"
        table = app.screen.query_one(CustomerTable)
        assert table.ids == crm.segments.members("lifecycle:vip") == [people["cyan"]]


async def test_delete_asks_first_and_built_ins_cannot_be_edited(
        crm: Crm, people: dict[str, int]) -> None:
    segment_id = crm.segments.create({"name": "Tagged", "conditions": ["tags has vip"]})
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SegmentsScreen)
        screen.select("tier:Gold")
        await pilot.press("e", "d")
        await settle(pilot)
        assert app.screen is screen  # nothing opened for a built-in segment
        screen.select(str(segment_id))
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert crm.segments.find_by_name("Tagged") is not None
        await pilot.press("d", "y")
        await settle(pilot)
        assert crm.segments.find_by_name("Tagged") is None
        assert str(segment_id) not in [k for k, _ in screen._listing.rows]


async def test_match_any_widens_the_preview(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("n", *"Either", "tab", "tab", "tab",
                          *"tags has vip", "enter", *"tags has newsletter")
        await settle(pilot)
        assert preview_text(app) == "0 customers match"  # nobody has both tags
        await pilot.press("shift+tab", "shift+tab", "enter", "down", "enter")  # match: any
        await settle(pilot)
        assert preview_text(app) == "2 customers match"  # Ann and Cyan Corp


async def test_a_segment_the_disk_refuses_stays_in_the_editor(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while saving: a message saying so, the editor and its rules kept (it
    used to end the app with a traceback)."""
    def disk_full(values: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(crm.segments, "create", disk_full)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("5", "n", *"Big", "tab", "tab", "tab", *"total_spent >= 1000")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RuleEditor)
        assert "Not saved" in preview_text(app) and "disk is full" in preview_text(app)
        assert app.screen.query_one(TextArea).text == "total_spent >= 1000"
        assert crm.segments.find_by_name("Big") is None


@AT_BOTH_SIZES
def test_the_segments_screen_looks_right(demo: Crm, snap_compare: SnapCompare,
                                         size: tuple[int, int]) -> None:
    # The demo's own segments and one switched off: the list shows both states.
    demo.segments.create({"name": "Quiet VIPs", "match": "all", "active": False,
                          "conditions": ["lifecycle_segment = vip", "last_order before -45d"]})
    assert snap_compare(make_app(demo), terminal_size=size, run_before=pressing("5"))
