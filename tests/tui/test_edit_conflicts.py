"""A form saving over another session's change: the conflict dialog shows who, when and
both values, and keep theirs / overwrite / reload each do what they say; a deal moved on
the board after another session moved it asks the same way. Nothing is overwritten
silently."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.tui.app import CrmApp
from crm_tui.tui.forms.customer_form import CustomerForm
from crm_tui.tui.screens.conflict import ConflictScreen
from crm_tui.tui.screens.customers import CustomersScreen
from crm_tui.tui.screens.pipeline import PipelineScreen

from .conftest import NARROW, WIDE, make_app, settle

SIZES = pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])


@pytest.fixture
def bob(db_path: Path, crm: Crm) -> Iterator[Crm]:
    """Another person's session on the same database."""
    session = Crm.open(db_path, clock=Clock.at("2026-06-15T12:30:00"), staff="bob")
    yield session
    session.close()


@pytest.fixture(autouse=True)
def no_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """The other session's change stays off screen until the test acts (as it is in the
    second before the app's poll sees it)."""
    monkeypatch.setattr("crm_tui.tui.app.POLL_SECONDS", 3600)


def screen_text(app: CrmApp) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query(Static))


async def type_into(pilot: Any, form: CustomerForm, field: str, text: str) -> None:
    widget = form.query_one(f"#field-{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)


async def conflicting_save(pilot: Any, app: CrmApp, bob: Crm, ann: int) -> CustomerForm:
    """Open Ann's form, let Bob set her industry meanwhile, type another industry and a
    phone, and save: the conflict dialog is up."""
    await settle(pilot)
    app.open_form("customer", customer_id=ann)
    await settle(pilot)
    form = app.screen
    assert isinstance(form, CustomerForm)
    bob.customers.update(ann, {"industry": "Retail"}, base=bob.customers.get(ann))
    await type_into(pilot, form, "industry", "Finance")
    await type_into(pilot, form, "phone", "+1 555 0142")
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(app.screen, ConflictScreen)
    return form


@SIZES
async def test_the_dialog_shows_who_when_and_both_values(crm: Crm, bob: Crm,
                                                         people: dict[str, int],
                                                         size: tuple[int, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await conflicting_save(pilot, app, bob, people["ann"])
        text = screen_text(app)
        for words in ("Industry", "bob, 2026-06-15 12:30", "theirs: Retail", "yours:  Finance",
                      "t keep theirs", "o overwrite", "r reload"):
            assert words in text
        assert "Phone" not in text  # nobody else changed it
    assert crm.customers.get(people["ann"])["industry"] == "Retail"  # nothing written yet


@pytest.mark.parametrize("key, industry", [("t", "Retail"), ("o", "Finance")],
                         ids=["keep-theirs", "overwrite"])
async def test_keep_theirs_or_overwrite_then_save_the_rest(
        crm: Crm, bob: Crm, people: dict[str, int], key: str, industry: str) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await conflicting_save(pilot, app, bob, people["ann"])
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
    saved = bob.customers.get(people["ann"])
    assert (saved["industry"], saved["phone"]) == (industry, "+1 555 0142")


async def test_reload_shows_theirs_and_keeps_the_other_typing(crm: Crm, bob: Crm,
                                                             people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        form = await conflicting_save(pilot, app, bob, people["ann"])
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#field-industry", Input).value == "Retail"
        assert form.query_one("#field-phone", Input).value == "+1 555 0142"
        under = str(form.query_one("#error-field-industry", Static).render())
        assert "bob" in under and "Finance" in under
        await pilot.press("ctrl+s")  # saved over the record as it is now: no conflict
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
    saved = bob.customers.get(people["ann"])
    assert (saved["industry"], saved["phone"]) == ("Retail", "+1 555 0142")


async def test_escape_goes_back_to_the_form(crm: Crm, bob: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        form = await conflicting_save(pilot, app, bob, people["ann"])
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#field-industry", Input).value == "Finance"
    assert bob.customers.get(people["ann"])["industry"] == "Retail"


async def test_a_field_only_the_other_session_changed_is_kept(crm: Crm, bob: Crm,
                                                              people: dict[str, int]) -> None:
    """The issue's case through the form: no dialog, both changes saved."""
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        app.open_form("customer", customer_id=people["ann"])
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CustomerForm)
        bob.customers.update(people["ann"], {"industry": "Retail"},
                             base=bob.customers.get(people["ann"]))
        await type_into(pilot, form, "phone", "+1 555 0142")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
    saved = bob.customers.get(people["ann"])
    assert (saved["industry"], saved["phone"]) == ("Retail", "+1 555 0142")


@pytest.mark.parametrize("theirs, key, stage", [
    ("Negotiation", "o", "Qualification"),  # moved meanwhile; moved again as asked
    ("Closed Won", "t", "Closed Won"),  # closed meanwhile; left as they closed it
], ids=["moved-overwrite", "closed-keep-theirs"])
async def test_a_deal_changed_meanwhile_asks_before_moving(
        crm: Crm, bob: Crm, people: dict[str, int], theirs: str, key: str, stage: str) -> None:
    deal = crm.pipeline.create({"customer_id": people["ann"], "name": "Renewal",
                                "value": "900"})
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)
        bob.pipeline.move(deal, theirs)
        await pilot.press("greater_than_sign")  # Prospecting -> Qualification, as shown
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        text = screen_text(app)
        assert f"theirs: {theirs}" in text and "yours:  Qualification" in text
        assert "bob" in text and "since the board showed it" in text.lower()
        assert "Probability" not in text  # it follows from the stage: not asked about
        assert crm.pipeline.get(deal)["stage"] == theirs
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)
    assert bob.pipeline.get(deal)["stage"] == stage


@SIZES
def test_the_conflict_dialog_looks_right(snap_compare: Any, crm: Crm, bob: Crm,
                                         people: dict[str, int], size: tuple[int, int]) -> None:
    async def run_before(pilot: Any) -> None:
        await pilot.press("escape", "down", "up")  # as the form snapshots do
        await conflicting_save(pilot, pilot.app, bob, people["ann"])

    assert snap_compare(make_app(crm), terminal_size=size, run_before=run_before)
