"""Showing a main screen: its data read once, its stylesheet already there."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.color import Color
from textual.css.stylesheet import Stylesheet

from crm_tui.services.crm import Crm
from crm_tui.tui.app import CrmApp
from crm_tui.tui.screens.products import ProductsScreen

from .conftest import NARROW, WIDE, make_app, settle

SCREENS = Path(__file__).parents[2] / "crm_tui" / "tui" / "screens"


async def test_a_screen_asks_for_its_data_once_as_it_is_first_shown_and_again_on_return(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []
    refresh = ProductsScreen.refresh_data

    def counted(screen: ProductsScreen) -> None:
        reads.append(1)
        refresh(screen)

    monkeypatch.setattr(ProductsScreen, "refresh_data", counted)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("6")  # Textual resumes a screen twice as it is first shown
        await settle(pilot)
        assert isinstance(app.screen, ProductsScreen) and len(reads) == 1
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("6")  # shown again: read again
        await settle(pilot)
        assert len(reads) == 2


def stylesheet_files(app: CrmApp) -> set[str]:
    return {Path(path).name for path, _ in app.stylesheet.source if path.endswith(".tcss")}


async def test_every_screens_stylesheet_is_read_with_the_apps(
        crm: Crm, people: dict[str, int]) -> None:
    # A screen bringing its own would have every stylesheet parsed again as it is shown.
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        at_start = stylesheet_files(app)
        assert at_start == {"app.tcss"} | {path.name for path in SCREENS.glob("*.tcss")}
        for key in "13456782":
            await pilot.press(key)
            await settle(pilot)
        assert stylesheet_files(app) == at_start


async def test_showing_the_screens_parses_no_stylesheet_again(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[int] = []
    reparse = Stylesheet.reparse

    def counted(sheet: Stylesheet) -> None:
        parsed.append(1)
        reparse(sheet)

    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Stylesheet, "reparse", counted)
        for key in "13456782":  # each made as it is first shown (twice before)
            await pilot.press(key)
            await settle(pilot)
        assert parsed == []


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
async def test_a_theme_chosen_colours_the_screens_shown_before_and_after(
        crm: Crm, people: dict[str, int], size: tuple[int, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("6", "8")  # products shown before the change
        await settle(pilot)
        app.theme = "crm-light"
        await settle(pilot)
        for key in "63":  # one shown before, one made after
            await pilot.press(key)
            await settle(pilot)
            background = Color.parse(app.current_theme.background or "")
            assert app.screen.styles.background == background
