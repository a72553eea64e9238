"""The customers table draws what it must and no more: cells cut by terminal cells (a
Chinese name or an emoji is two cells a character), a cursor move redraws its two lines;
and the customer picker of a form searches off the UI thread."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from rich.cells import cell_len
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Input

from crm_tui.services.crm import Crm
from crm_tui.tui.forms.fields import CustomerPicker
from crm_tui.tui.screens import customers as customers_screen
from crm_tui.tui.widgets.customer_table import CustomerTable, fit_columns

from .conftest import AT_BOTH_SIZES, make_app, settle

WIDE_NAMES = {  # first name, last name, email
    "cjk": ("山田", "太郎電機株式会社営業本部第一課長代理補佐", "yamada@den.jp"),
    "emoji": ("Zoë", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", "zoe@smile.io"),
    "plain": ("Ann", "Lee", "ann@acme.io"),
}


def text_of(strip: Strip) -> str:
    return "".join(segment.text for segment in strip)


@AT_BOTH_SIZES
async def test_cells_are_cut_by_terminal_cells_so_columns_line_up(
        crm: Crm, size: tuple[int, int]) -> None:
    for first, last, email in WIDE_NAMES.values():
        crm.customers.create({"first_name": first, "last_name": last, "email": email})
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        width = table.scrollable_content_region.width
        columns = fit_columns(width)
        starts, offset = {}, 0
        for column, cells in columns:
            starts[column.key] = (offset, cells)
            offset += cells + 1
        name_at, name_cells = starts["name"]
        email_at, email_cells = starts["email"]
        emails = {}
        for y in range(1, len(table.ids) + 1):
            line = table.render_line(y)
            assert line.cell_length == width
            name = text_of(line.crop(name_at, name_at + name_cells))
            emails[text_of(line.crop(email_at, email_at + email_cells)).strip()] = name
            assert cell_len(name) == name_cells
        assert set(emails) == {email for _, _, email in WIDE_NAMES.values()}
        for first, last, email in WIDE_NAMES.values():
            shown = emails[email]
            if cell_len(f"{first} {last}") > name_cells:  # cut, with a sign it was
                assert shown.rstrip().endswith("…") and shown.startswith(first)
            else:
                assert shown.rstrip() == f"{first} {last}"


@AT_BOTH_SIZES
async def test_a_cursor_move_redraws_only_its_two_lines(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch,
        size: tuple[int, int]) -> None:
    for n in range(30):
        crm.customers.create({"first_name": f"Extra{n:02}", "last_name": "Row",
                              "email": f"extra{n}@rows.example"})
    drawn: list[int] = []  # the lines the table was asked to draw
    render_line = CustomerTable.render_line

    def probe(self: CustomerTable, y: int) -> Strip:
        drawn.append(y)
        return render_line(self, y)

    monkeypatch.setattr(CustomerTable, "render_line", probe)
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        await pilot.press("escape")  # the list has the keys
        await settle(pilot)
        assert app.screen.focused is table and table.cursor == 0
        visible = table.scrollable_content_region.height
        assert visible > 10
        for old in range(3):
            drawn.clear()
            await pilot.press("down")
            await settle(pilot)
            assert table.cursor == old + 1
            assert sorted(set(drawn)) == [old + 1, old + 2]  # line 0 is the header


@AT_BOTH_SIZES
async def test_search_keystrokes_lay_nothing_out_once_the_filter_line_shows(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch,
        size: tuple[int, int]) -> None:
    """A keystroke redraws the box, the count and the rows: no layout of the whole screen
    (a new count or a longer search text asked Textual for one)."""
    layouts: list[int] = []
    refresh_layout = Screen._refresh_layout

    def counted(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        layouts.append(1)
        refresh_layout(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        # The detail pane shows the customer the cursor rests on a moment later: its own
        # redraw, not the keystroke's.
        monkeypatch.setattr(customers_screen, "DETAIL_DELAY", 60.0)
        table = app.screen.query_one(CustomerTable)
        await pilot.press("slash", "c")  # the filter line appears: the rows move down
        await settle(pilot)
        assert len(table.ids) == 2
        layouts.clear()
        for key, count in (("y", 1), ("backspace", 2), ("o", 1), ("backspace", 2)):
            await pilot.press(key)
            await settle(pilot)
            assert len(table.ids) == count
            assert "customer" in table.app.screen.query_one("#count").render().plain
        assert layouts == []
        assert app.screen.query_one(Input).value == "c"


@AT_BOTH_SIZES
async def test_the_scrollbar_follows_the_number_of_rows(
        demo: Crm, size: tuple[int, int]) -> None:
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        total = len(table.ids)
        await pilot.press("escape", "end")  # the last row: scrolled to the bottom
        await settle(pilot)
        assert table.show_vertical_scrollbar and table.scroll_offset.y > 0
        assert table.vertical_scrollbar.window_virtual_size == total + 1
        name = table._row_of(table.ids[0]).name.split()[0]
        await pilot.press("slash", *name)
        await settle(pilot)
        few = len(table.ids)
        assert 0 < few < table.scrollable_content_region.height - 1
        assert not table.show_vertical_scrollbar and table.scroll_offset.y == 0
        assert table.virtual_size.height == few + 1
        assert name in table.render_line(1).text  # the first match under the header
        for _ in name:
            await pilot.press("backspace")
        await settle(pilot)
        assert len(table.ids) == total and table.show_vertical_scrollbar
        assert table.vertical_scrollbar.window_virtual_size == total + 1
        assert table.scroll_offset.y <= table.max_scroll_y


@AT_BOTH_SIZES
async def test_back_to_the_first_row_shows_it_under_the_header(
        demo: Crm, size: tuple[int, int]) -> None:
    """From the bottom of the list, g (and k from the second row) scroll the first row
    back into view below the column titles, not under them (where the cursor rested
    unseen, its customer in the detail pane)."""
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        first = table._row_of(table.ids[0]).name
        await pilot.press("escape", "G")
        await settle(pilot)
        assert table.scroll_offset.y > 0
        await pilot.press("g")
        await settle(pilot)
        assert table.cursor == 0 and table.scroll_offset.y == 0
        assert table.render_line(1).text.startswith(first)
        await pilot.press("G", "pageup", "pageup", "pageup", "pageup", "pageup", "j", "k")
        await settle(pilot)
        top = table.scroll_offset.y
        assert table.render_line(table.cursor - top + 1).text.startswith(
            table._row_of(table.ids[table.cursor]).name[:10])


async def test_the_picker_searches_off_the_ui_thread(crm: Crm, people: dict[str, int],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(crm)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_form("note")  # no customer given: it starts on the picker
        await settle(pilot)
        picker = app.screen.query_one(CustomerPicker)
        listing = picker.listing
        query = listing.query
        gate = threading.Event()
        searched_in: list[threading.Thread] = []

        def slow_query(q: Any) -> list[int]:
            searched_in.append(threading.current_thread())
            gate.wait(10)  # a big database, slow to answer
            return query(q)

        monkeypatch.setattr(listing, "query", slow_query)
        await pilot.press(*"stone")
        # The keys were taken while the searches wait: the UI did not.
        assert picker.query_one(Input).value == "stone"
        await pilot.press("enter")  # before the answer: it picks the answer's first
        assert picker.value is None and not gate.is_set()
        gate.set()
        await settle(pilot)
        assert picker.value == people["bob"]
        assert picker.query_one(Input).value == "Bob Stone"
        assert searched_in and threading.main_thread() not in searched_in
