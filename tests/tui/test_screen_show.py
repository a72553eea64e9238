"""Showing a main screen: its data read once, its stylesheet already there."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.services.crm import Crm
from crm_tui.tui.app import CrmApp
from crm_tui.tui.screens.products import ProductsScreen

from .conftest import NARROW, make_app, settle

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
