"""Settings screen, keyboard only: a change applies live and is undone like any other, a bad
value is refused inline naming its field, the theme applies at once and is remembered; how
it looks."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widgets import Input, Label, Select

from crm_tui.services.crm import Crm
from crm_tui.services.settings_service import SETTINGS
from crm_tui.tui.config import UserConfig
from crm_tui.tui.screens.settings import SettingsScreen, widget_id
from crm_tui.tui.widgets.customer_table import CustomerTable

from .conftest import AT_BOTH_SIZES, NARROW, SnapCompare, make_app, pressing, settle


async def test_a_settings_change_applies_live(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        assert table._row_of(people["ann"]).standing.lifecycle == "new"
        await pilot.press("8")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        field = app.screen.query_one("#set-lifecycle-vip_orders", Input)
        field.focus()
        await pilot.press("end", "backspace", "0")
        await settle(pilot)
        error = app.screen.query_one("#error-set-lifecycle-vip_orders")
        assert "lifecycle.vip_orders" in str(error.render())  # inline, naming the field
        status = str(app.screen.query_one("#settings-status").render())
        assert status == "1 problem: fix it to save"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert crm.ctx.settings.lifecycle.vip_orders == 3  # refused
        await pilot.press("backspace", "1")
        await settle(pilot)
        assert not error.has_class("shown")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert crm.ctx.settings.lifecycle.vip_orders == 1
        await pilot.press("escape", "2")  # leave the field, then go to Customers
        await settle(pilot)
        assert table._row_of(people["ann"]).standing.lifecycle == "vip"
        await pilot.press("ctrl+z")  # settings changes are undone like any other
        await settle(pilot)
        assert crm.ctx.settings.lifecycle.vip_orders == 3


async def test_the_theme_applies_at_once_and_is_remembered(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        select = app.screen.query_one("#theme", Select)
        assert "crm-high-contrast" in [value for _, value in select._options]
        await pilot.press("tab", "enter", *"crm-light", "enter")  # type to search
        await settle(pilot)
        assert select.value == app.theme == "crm-light"
    assert UserConfig.load().theme == "crm-light"


@AT_BOTH_SIZES
def test_the_settings_screen_looks_right(demo: Crm, snap_compare: SnapCompare,
                                         size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=pressing("8"))


async def test_the_form_is_checked_once_as_it_is_filled(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[int] = []
    check = SettingsScreen.check

    def counted(screen: SettingsScreen) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        checks.append(1)
        return check(screen)

    monkeypatch.setattr(SettingsScreen, "check", counted)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        # Mounted, shown, and the RFM mode's list taking its first choice: not once more
        # for each of the fields filled.
        assert len(checks) <= 3
        # Nor restyled by Input's own validation as they are filled (no validator: its
        # -valid class on every field).
        assert not any(field.has_class("-valid") for field in app.screen.query(Input))
        shown = len(checks)
        field = app.screen.query_one("#set-lifecycle-vip_orders", Input)
        field.focus()
        await pilot.press("end", "backspace", "0")  # each edit is checked as typed
        await settle(pilot)
        assert len(checks) == shown + 2
        assert "lifecycle.vip_orders" in str(
            app.screen.query_one("#error-set-lifecycle-vip_orders").render())


@AT_BOTH_SIZES
async def test_each_field_is_styled_once_as_the_screen_is_first_shown(
        crm: Crm, people: dict[str, int], size: tuple[int, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    styled: Counter[int] = Counter()
    apply = Stylesheet.apply

    def counted(sheet: Stylesheet, node: DOMNode, *args: Any, **kwargs: Any) -> None:
        if isinstance(node, Input | Label):
            styled[id(node)] += 1
        apply(sheet, node, *args, **kwargs)

    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Stylesheet, "apply", counted)
        await pilot.press("8")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        fields = list(app.screen.query(Input)) + list(app.screen.query(Label))
        # Not again as each is made compact, as the form takes the focus, and as Textual
        # shows the screen (twice for a screen of its own key).
        assert fields and all(styled[id(field)] == 1 for field in fields)


@AT_BOTH_SIZES
async def test_tab_moves_through_every_setting_in_order(
        crm: Crm, people: dict[str, int], size: tuple[int, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#settings-form")
        order = []
        for _ in SETTINGS:
            await pilot.press("tab")
            order.append(app.screen.focused.id if app.screen.focused else None)
        assert order == ["theme", *(widget_id(s.path) for s in SETTINGS[:-1])]
        await pilot.press("tab", "tab")
        assert app.screen.focused is app.screen.query_one("#settings-form")
