"""The footer: its keys rebuilt as bindings change leave nothing behind."""

from __future__ import annotations

import gc
import re
from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey

from crm_tui.services.crm import Crm
from crm_tui.tui.widgets.footer import Footer

from .conftest import NARROW, make_app, settle


async def test_forms_opened_and_closed_leave_no_footer_keys_behind(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        for _ in range(6):  # each form shown and closed rebuilds the customers' footer
            await pilot.press("n")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        assert type(app.screen).__name__ == "CustomersScreen"
        shown = set(footer.query(FooterKey))
        watching = [node for node, _ in getattr(footer, "__watchers")["compact"]]
        assert shown and set(watching) <= shown  # the palette key is not bound
        gc.collect()
        removed = [key for key in gc.get_objects()
                   if isinstance(key, FooterKey) and not key.is_attached]
        assert removed == []


def test_every_screen_uses_the_apps_footer() -> None:
    """Textual's own Footer would bring the leak back on the screen that used it."""
    package = Path(__file__).parents[2] / "crm_tui" / "tui"
    users = [path.relative_to(package).as_posix() for path in package.rglob("*.py")
             if re.search(r"from textual\.widgets import[^\n]*\bFooter\b", path.read_text())]
    assert users == ["widgets/footer.py"]


async def test_the_keys_are_rebuilt_only_when_the_bindings_shown_change(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        keys = list(footer.query(FooterKey))
        app.screen.refresh_bindings()  # what a focus move to the same keys signals
        await settle(pilot)
        assert list(footer.query(FooterKey)) == keys  # the same widgets: not rebuilt
        await pilot.press("slash")  # the search box: its own keys
        await settle(pilot)
        in_search = list(footer.query(FooterKey))
        assert in_search != keys and not set(in_search) & set(keys)
        await pilot.press("escape")  # back to the table: its keys shown again
        await settle(pilot)
        assert [key.description for key in footer.query(FooterKey)] == [
            key.description for key in keys]


async def test_keys_are_built_in_the_footers_style_not_restyled_once_shown(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    restyled: list[FooterKey] = []
    watch = FooterKey._watch_compact

    def restyle(key: FooterKey, compact: bool) -> None:
        classes = key.classes
        watch(key, compact)
        if key.classes != classes:  # a class changed: the key is styled again
            restyled.append(key)

    monkeypatch.setattr(FooterKey, "_watch_compact", restyle)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("slash")  # the search box's keys: a second set built
        await settle(pilot)
        keys = list(app.screen.query_one(Footer).query(FooterKey).exclude(".-command-palette"))
        assert keys and all(not key.compact and not key.has_class("-compact") for key in keys)
        assert all(key.has_class("-command-palette") for key in restyled)  # its own style
