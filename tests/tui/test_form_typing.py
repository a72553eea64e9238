"""Forms typed into fast, as over SSH or from tmux send-keys: a whole burst of keys read
at once. Every key lands where it lands typed slowly, whether it comes while the form
opens, right behind a tab or right before ctrl+s; a message under a field goes when the
value it refused is changed (a customer picked: test_forms); ctrl+s twice saves once."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App
from textual.widgets import Static

from crm_tui.services.crm import Crm
from crm_tui.tui.forms.base import RecordForm
from crm_tui.tui.screens.customers import CustomersScreen

from .conftest import NARROW, WIDE, make_app, settle
from .test_forms import CASES, Case, People, count, open_case, records


def burst(app: App[object], *keys: str) -> None:
    """Keys as a terminal hands over a line typed or pasted at once: all read before the
    app handles the first (pilot.press waits for each to be handled)."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)  # type: ignore[union-attr]


def error_under(form: RecordForm, name: str) -> str:
    shown = form.query_one(f"#error-field-{name}", Static)
    return str(shown.render()) if shown.has_class("shown") else ""


# Left out: a fill that opens a drop-down with enter and types in it (the interaction's
# channel). Textual answers enter there from the app's side, after the letters behind it
# have reached the closed drop-down.
TYPED = [case for case in CASES if "enter" not in case.fill]
# Each case typed in one burst: with the key that opens its form (the keys typed while it
# opens; those opened from the palette, which searches as typed, are opened first), and
# into the form once open; ctrl+s pressed twice at the end.
BURSTS = [(case, True) for case in TYPED if len(case.opens) == 1] + [
    (case, False) for case in TYPED]


@pytest.mark.parametrize(("case", "with_opening"), BURSTS,
                         ids=[f"{c.name}-{'opening' if o else 'open'}" for c, o in BURSTS])
async def test_a_burst_saves_what_it_typed_once(crm: Crm, people: People, case: Case,
                                                with_opening: bool) -> None:
    before = count(crm, case.name, people)
    app = make_app(crm)
    async with app.run_test(size=NARROW if with_opening else WIDE) as pilot:
        if with_opening:
            await settle(pilot)
            await pilot.press("escape")  # the table has the keys (see open_case)
            await settle(pilot)
        else:
            await open_case(pilot, case)
        burst(app, *(case.opens if with_opening else ()), *case.fill, "ctrl+s", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
    assert count(crm, case.name, people) == before + 1
    saved = records(crm, case.name, people)[0]
    assert {k: saved.get(k) for k in case.expect} == case.expect


async def test_a_line_pasted_while_the_form_opens_is_kept(crm: Crm, people: People) -> None:
    line = "Call back about the delivery of the oak table and the six chairs " * 3
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # the table has the keys (see open_case)
        await settle(pilot)
        burst(app, "t")  # a task: its title first
        paste = events.Paste(line)
        paste.set_sender(app)
        app._driver.send_message(paste)  # type: ignore[union-attr]
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        assert form.values()["title"] == line.strip()


async def test_a_tab_typed_fast_moves_before_the_next_key(crm: Crm, people: People) -> None:
    feedback = next(case for case in CASES if case.name == "feedback")
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        form = await open_case(pilot, feedback)
        burst(app, "4", "tab", *"10", "tab", *"Quick", "shift+tab", "shift+tab", "5")
        await settle(pilot)
        # Back in a field, what it holds is selected: the 5 replaces the 4, as typed slowly.
        assert [form.values()[name] for name in ("rating", "recommend_score", "comments")
                ] == ["5", "10", "Quick"]


async def test_a_space_typed_fast_ticks_its_own_box(crm: Crm, people: People) -> None:
    feedback = next(case for case in CASES if case.name == "feedback")
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        form = await open_case(pilot, feedback)
        form.focus_field("date")
        await settle(pilot)
        # Into the yes/no box, tick it, and on: the space is the box's, not the next field's.
        burst(app, "tab", "space", "tab", *"Called back")
        await settle(pilot)
        values = form.values()
        assert (values["resolved"], values["resolution_notes"]) == (True, "Called back")


async def test_a_correction_typed_fast_is_kept(crm: Crm, people: People) -> None:
    """backspace, then the right figure, read at once: the figure stays."""
    feedback = next(case for case in CASES if case.name == "feedback")
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await open_case(pilot, feedback)
        burst(app, *"47", "backspace", "backspace", "3", "tab", *"9x", "backspace", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
    saved = crm.feedback.for_customer(people["ann"])[0]
    assert (saved["rating"], saved["recommend_score"]) == (3, 9)


async def test_a_message_goes_when_its_value_is_changed(crm: Crm, people: People) -> None:
    feedback = next(case for case in CASES if case.name == "feedback")
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        form = await open_case(pilot, feedback)
        await pilot.press("7", "tab", *"12", "ctrl+s")
        await settle(pilot)
        assert "1 to 5" in error_under(form, "rating")
        assert "0 to 10" in error_under(form, "recommend_score")
        assert form.focused is form.query_one("#field-rating")  # the first bad field
        await pilot.press("3")  # replaces the 7 (selected when focused): good now
        await settle(pilot)
        assert error_under(form, "rating") == ""
        assert "0 to 10" in error_under(form, "recommend_score")  # still about its value
        await pilot.press("tab", "backspace")  # "1": good
        await settle(pilot)
        assert error_under(form, "recommend_score") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
