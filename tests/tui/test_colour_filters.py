"""Every screen draws through Textual's line filters: NO_COLOR's monochrome (with a truecolor
and with the ANSI theme) and TEXTUAL_FILTERS=dim; every other test draws through the default
ANSI-to-truecolor one. The filters read the style of each segment a widget draws: one without
a style crashed the app under NO_COLOR."""

from __future__ import annotations

import pytest
import textual.constants
from rich.segment import Segment
from textual.filter import DimFilter, Monochrome
from textual.widgets import Select
from textual.widgets._select import SelectCurrent

from crm_tui.services.crm import Crm
from crm_tui.tui.app import CrmApp
from crm_tui.tui.config import UserConfig
from crm_tui.tui.widgets.customer_table import CustomerTable
from crm_tui.tui.widgets.pipeline_board import StageColumn

from .conftest import NARROW, WIDE, make_app, settle

SCREEN_KEYS = ["2", "1", "3", "4", "5", "6", "7", "8", "2"]


@pytest.fixture
def deal(crm: Crm, people: dict[str, int]) -> None:
    """A deal, so the pipeline board draws a card."""
    crm.pipeline.create({"customer_id": people["cyan"], "name": "Rack", "value": "900"})


@pytest.mark.parametrize(("setting", "theme", "expected", "size"), [
    ("NO_COLOR", "crm-dark", Monochrome, NARROW),
    ("NO_COLOR", "crm-dark", Monochrome, WIDE),
    ("NO_COLOR", "textual-ansi", Monochrome, NARROW),
    ("TEXTUAL_FILTERS", "crm-dark", DimFilter, WIDE),
])
async def test_every_screen_draws_through_the_filter(
        crm: Crm, deal: None, monkeypatch: pytest.MonkeyPatch, setting: str, theme: str,
        expected: type, size: tuple[int, int]) -> None:
    if setting == "NO_COLOR":
        monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    else:
        monkeypatch.setattr(textual.constants, "FILTERS", "dim")
    app = CrmApp(crm, config=UserConfig(), theme_name=theme)
    assert any(isinstance(f, expected) for f in app.get_line_filters())
    async with app.run_test(size=size) as pilot:  # re-raises what crashed the app
        await settle(pilot)
        for key in SCREEN_KEYS:
            await pilot.press(key)
            await settle(pilot)
            await pilot.pause()  # a frame is drawn, through the filters
        assert type(app.screen).__name__ == "CustomersScreen"


def unstyled(segments: list[Segment]) -> list[str]:
    return [s.text for s in segments if s.style is None]


async def test_line_widgets_style_every_segment(crm: Crm, deal: None) -> None:
    """The widgets that draw their own lines give each segment a style (the filters need
    one), and the customers header keeps its own: bold on the header background."""
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        for y in range(table.size.height):
            assert unstyled(list(table.render_line(y))) == [], y
        header = table.get_component_rich_style("customer-table--header")
        assert all(s.style is not None and s.style.bold and s.style.bgcolor == header.bgcolor
                   for s in table.render_line(0))
        await pilot.press("3")
        await settle(pilot)
        columns = list(app.screen.query(StageColumn))
        assert columns
        for column in columns:
            for y in range(column.size.height):
                assert unstyled(list(column.render_line(y))) == [], (column.stage.name, y)


@pytest.fixture
def monochrome_app(crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> CrmApp:
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    return make_app(crm)


async def test_the_cursor_row_stands_out_without_colour(monochrome_app: CrmApp) -> None:
    app = monochrome_app
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        table.focus()
        await settle(pilot)
        assert all(s.style is not None and s.style.reverse for s in table.render_line(1))
        assert not any(s.style is not None and s.style.reverse for s in table.render_line(2))


async def test_the_cursor_row_follows_focus(crm: Crm, people: dict[str, int]) -> None:
    """Drawn rows are cached: a focus change must still restyle the cursor row."""
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        for focused in (True, False, True):
            if focused:
                table.focus()
            else:
                app.screen.query_one("#search").focus()
            await settle(pilot)
            assert table.has_focus is focused
            cursor = table.get_component_rich_style("customer-table--cursor")
            assert next(iter(table.render_line(1))).style.bgcolor == cursor.bgcolor, focused


async def test_a_focused_list_stands_out_without_colour(monochrome_app: CrmApp) -> None:
    app = monochrome_app
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("n")  # the new customer form
        await settle(pilot)
        kind = app.screen.query_one("#field-kind", Select)
        kind.focus()
        await settle(pilot)
        assert kind.query_one(SelectCurrent).rich_style.reverse
        await pilot.press("tab")
        await settle(pilot)
        assert not kind.query_one(SelectCurrent).rich_style.reverse
