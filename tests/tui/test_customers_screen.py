"""Customers screen, keyboard only: the table, search as you type, live badges, forms."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widgets import Static

from crm_tui.services import customer_records
from crm_tui.services.crm import Crm
from crm_tui.tui.app import CrmApp
from crm_tui.tui.config import UserConfig
from crm_tui.tui.screens import customers as customers_screen
from crm_tui.tui.widgets.customer_table import CustomerTable
from crm_tui.tui.widgets.detail_pane import DetailPane

from ..conftest import open_session
from .conftest import AT_BOTH_SIZES, NARROW, WIDE, SnapCompare, make_app, settle


def table_names(app: object) -> list[str]:
    table = app.screen.query_one(CustomerTable)  # type: ignore[attr-defined]
    return [table._row_of(i).name for i in table.ids]


def count_text(app: Any) -> str:
    return str(app.screen.query_one("#count", Static).render())


async def test_search_narrows_the_table_as_you_type(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert table_names(app) == ["Ann Lee", "Bob Stone", "Cyan Corp"]
        await pilot.press("slash", "c")
        await settle(pilot)
        assert app.screen.query_one("#search").value == "c"
        assert table_names(app) == ["Ann Lee", "Cyan Corp"]  # acme, cyan
        await pilot.press("y")
        await settle(pilot)
        assert table_names(app) == ["Cyan Corp"]
        assert count_text(app) == "1 customer"  # not "1 customers"
        await pilot.press("backspace", "backspace")
        await settle(pilot)
        assert len(table_names(app)) == 3
        assert count_text(app) == "3 customers"


async def test_a_search_keystroke_and_its_rows_share_a_frame(
        crm: Crm, people: dict[str, int]) -> None:
    """The rows answering a keystroke are ready before the screen draws the echoed letter:
    no message hop (and frame) separates the box's new text from the table's new ids."""
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        box = app.screen.query_one("#search")
        box.insert_text_at_cursor("cy")  # what a keystroke does; nothing awaited after it
        assert app.screen.query_state.text == "cy"  # type: ignore[attr-defined]
        assert table.ids == [people["cyan"]]
        box.value = ""  # cleared by code (escape): the whole list again, as promptly
        assert len(table.ids) == 3


async def test_create_a_customer_then_purchases_flip_the_badge(crm: Crm) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Dana", "tab", *"Ray", "tab", "tab", *"dana@ray.example")
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        assert table_names(app) == ["Dana Ray"]
        dana = table.ids[0]
        assert table._row_of(dana).standing.lifecycle == "prospect"
        crm.sales.record({"customer_id": dana, "item": "Pen", "total": "5"})
        app.data_changed()
        await settle(pilot)
        assert table._row_of(dana).standing.lifecycle == "new"
        crm.sales.record({"customer_id": dana, "item": "Pen", "total": "5"})
        app.data_changed()
        await settle(pilot)
        assert table._row_of(dana).standing.lifecycle == "returning"
        pane = app.screen.query_one(DetailPane)
        assert "returning" in str(pane.query_one("#detail-title").render())


async def test_a_bad_email_is_refused_with_the_reason(crm: Crm) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("n", *"Eve", "tab", "tab", "tab", *"not-an-email", "ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "CustomerForm"
        error = app.screen.query_one("#error-field-email")
        assert "email" in str(error.render()).lower() or "valid" in str(error.render())
        assert app.focused is app.screen.query_one("#field-email")
        assert crm.customers.find_by_email("not-an-email") is None


async def test_every_theme_draws_the_customers_screen(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        for theme in sorted(app.available_themes):
            app.theme = theme
            await settle(pilot)
            table = app.screen.query_one(CustomerTable)
            table.invalidate()
            await settle(pilot)
            assert table.render_line(1).text.startswith("Ann Lee"), theme


async def test_a_screenful_of_rows_is_fetched_in_one_request(crm: Crm) -> None:
    for n in range(60):
        crm.customers.create({"first_name": f"P{n:02d}", "last_name": "Row",
                              "email": f"p{n}@rows.example"})
    app = make_app(crm)
    asked: list[int] = []
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        fetch = table._rows_now

        def counted(ids: object) -> object:
            found = fetch(ids)  # type: ignore[arg-type]
            asked.append(len(found))
            return found

        table._rows_now = counted  # type: ignore[assignment]
        table.invalidate()
        await settle(pilot)
        visible = table.size.height - 1  # less the header line
        assert asked[:1] == [visible], "the first row drawn should fetch the whole screenful"
        assert len(asked) == 1  # and the other rows come from that one request


async def test_the_first_360_view_says_it_is_loading(crm: Crm, people: dict[str, int],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real = customers_screen.customer_detail

    def slow_detail(*args: Any) -> Any:
        assert release.wait(30)  # the event tables of a big database take seconds
        return real(*args)

    monkeypatch.setattr(customers_screen, "customer_detail", slow_detail)
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        title = app.screen.query_one(DetailPane).query_one("#detail-title")
        for _ in range(500):  # polls for the state (bounded); times nothing
            if str(title.render()) != DetailPane.EMPTY:
                break
            await pilot.pause(0.01)
        assert str(title.render()) == DetailPane.LOADING
        release.set()
        await settle(pilot)
        assert str(title.render()).startswith("Ann Lee")


async def test_a_new_session_draws_the_first_rows_before_reading_every_customer(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    crm.db.compact()  # the store's order of the customers is written with the snapshot
    session = open_session(crm.db.path)  # a fresh start: nothing of its customers read
    release = threading.Event()
    scan = customer_records.documents

    def slow_scan(db: Any) -> Any:  # every customer's record, on a big database
        assert release.wait(30)
        return scan(db)

    monkeypatch.setattr(customer_records, "documents", slow_scan)
    fetched: list[int] = []
    detail = customers_screen.customer_detail

    def counted(crm: Crm, customer_id: int) -> Any:
        fetched.append(customer_id)
        return detail(crm, customer_id)

    monkeypatch.setattr(customers_screen, "customer_detail", counted)
    app = CrmApp(session, config=UserConfig(), theme_name="crm-dark")
    try:
        async with app.run_test(size=WIDE) as pilot:
            table = app.screen.query_one(CustomerTable)
            for _ in range(500):  # polls for the state (bounded); times nothing
                if table.ids:
                    break
                await pilot.pause(0.01)
            listing = app.screen.listing  # type: ignore[attr-defined]
            in_order = [people["ann"], people["bob"], people["cyan"]]
            assert not listing.filled  # the records are still being read...
            assert table.ids == in_order  # ...and the first rows are on screen
            assert table.has_focus
            assert "Ann Lee" in table.render_line(1).text
            release.set()
            await settle(pilot)
            assert listing.filled and table.ids == in_order
            assert "Ann Lee" in table.render_line(1).text
            assert session.db.engine.state("customers").docs is None  # never loaded
            # The same customer under the cursor both times: its 360 view is read once.
            assert fetched == [people["ann"]]
    finally:
        release.set()
        session.close()


async def test_a_new_session_asks_for_its_list_once_and_reads_the_records_after_drawing(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """One first page and one query as the app opens (a second, from the screen's first
    showing, read every customer again beside the first); and every customer's record is
    read only once the first rows are drawn (reading them holds the interpreter's lock that
    frame needs)."""
    crm.db.compact()
    session = open_session(crm.db.path)
    asked: list[str] = []
    listing = session.customer_list
    for name in ("first_page", "query"):
        real = getattr(listing, name)

        def counted(*args: Any, real: Any = real, name: str = name) -> Any:
            asked.append(name)
            return real(*args)

        monkeypatch.setattr(listing, name, counted)
    drawn: list[int] = []
    row_strip = CustomerTable._row_strip

    def drawing(table: CustomerTable, index: int, width: int) -> Any:
        strip = row_strip(table, index, width)
        if strip is not None:
            drawn.append(table.ids[index])
        return strip

    monkeypatch.setattr(CustomerTable, "_row_strip", drawing)
    drawn_at_scan: list[int] = []
    scan = customer_records.documents

    def scanning(db: Any) -> Any:
        drawn_at_scan.append(len(drawn))
        return scan(db)

    monkeypatch.setattr(customer_records, "documents", scanning)
    app = CrmApp(session, config=UserConfig(), theme_name="crm-dark")
    try:
        async with app.run_test(size=NARROW) as pilot:
            await settle(pilot)
            assert asked == ["first_page", "query"]
            assert len(drawn_at_scan) == 1 and drawn_at_scan[0] >= 3  # the three rows
            assert app.screen.query_one(CustomerTable).ids == [
                people["ann"], people["bob"], people["cyan"]]
    finally:
        session.close()


async def test_typing_while_a_new_session_reads_the_records_reads_them_once(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    crm.db.compact()
    session = open_session(crm.db.path)
    release = threading.Event()
    scans: list[int] = []
    scan = customer_records.documents

    def slow_scan(db: Any) -> Any:  # every customer's record, on a big database
        scans.append(1)
        assert release.wait(30)
        return scan(db)

    monkeypatch.setattr(customer_records, "documents", slow_scan)
    app = CrmApp(session, config=UserConfig(), theme_name="crm-dark")
    try:
        async with app.run_test(size=NARROW) as pilot:
            table = app.screen.query_one(CustomerTable)
            for _ in range(500):  # polls for the state (bounded); times nothing
                if scans:
                    break
                await pilot.pause(0.01)
            await pilot.press("slash", "b", "o")  # each keystroke asks for its rows
            await pilot.pause()
            release.set()
            await settle(pilot)
            assert scans == [1]
            assert table.ids == [people["bob"]]
    finally:
        release.set()
        session.close()


@AT_BOTH_SIZES
def test_customers_screen_looks_right(crm: Crm, people: dict[str, int],
                                      snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    async def on_the_table(pilot: Any) -> None:
        await settle(pilot)
        # Escape: focus on the table, not the search box's blinking cursor. The detail pane
        # colours its headings with the theme as it is when shown, which may be before the
        # app applied its theme: down and up show it again.
        await pilot.press("escape", "down", "up")
        await settle(pilot)

    assert snap_compare(make_app(crm), terminal_size=size, run_before=on_the_table)


async def test_a_change_reported_as_the_app_shuts_down_is_ignored(
        crm: Crm, people: dict[str, int]) -> None:
    """A save's refresh or another session's commit can arrive after the last screen has
    gone (the app quitting): it has nothing to refresh, and no error to raise."""
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        app.data_changed(0)  # the poll's first look: a baseline
    assert not app.screen_stack
    app.data_changed()
    app.data_changed(1)
