"""Help lists every key of the screen it was opened over and the keys that work
everywhere, named as the footer names them (">" not "greater_than_sign"); F1 opens it in
a form too, with the form's keys."""

from __future__ import annotations

from typing import Any

import pytest

from crm_tui.services.crm import Crm
from crm_tui.tui.commands.actions import ActionCommands
from crm_tui.tui.config import UserConfig
from crm_tui.tui.forms.base import RecordForm
from crm_tui.tui.screens.help import HelpScreen

from .conftest import AT_BOTH_SIZES, NARROW, WIDE, SnapCompare, make_app, settle


def listed(app: Any) -> dict[str, dict[str, str]]:
    """section title -> {what a key does: its keys}, from the open Help."""
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return {title: {row.does: row.keys for row in rows} for title, rows in screen.sections}


async def test_help_names_keys_as_the_footer_does(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("3")  # the pipeline: > and < move a deal
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        sections = listed(app)
        pipeline, everywhere = sections["Pipeline"], sections["Everywhere"]
        assert pipeline["Next stage"] == ">, shift+→"
        assert pipeline["Stage back"] == "<, shift+←"
        assert everywhere["Quit"] == "^q" and everywhere["Undo"] == "^z"
        assert everywhere["Help"] == "f1, ?"
        assert everywhere["Customers"] == "2"
        every_key = " ".join(keys for rows in sections.values() for keys in rows.values())
        assert "greater_than_sign" not in every_key and "ctrl+" not in every_key
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)


async def test_every_binding_of_the_screen_even_those_idle_now(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("slash")  # in the search box letters type: s does not sort now
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        customers = listed(app)["Customers"]
        for does, keys in {"Sort by…": "s", "Trash": "x", "Restore": "u", "Note": "a",
                           "Deal": "o", "Feedback": "f", "Redeem": "r", "Search": "/",
                           "Delete": "d, del"}.items():
            assert customers[does] == keys


async def test_f1_in_a_form_shows_the_forms_keys(crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("n")  # a new customer
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        await pilot.press("f1")
        await settle(pilot)
        sections = listed(app)
        keys = next(rows for title, rows in sections.items() if title != "Everywhere")
        assert keys["Save"] == "^s" and keys["Cancel"] == "esc" and keys["Help"] == "f1"
        assert sections["Everywhere"] == {"Quit": "^q"}  # goto keys do not work in a form
        await pilot.press("escape")  # closes Help, back in the form as it was
        await settle(pilot)
        assert app.screen is form


@pytest.mark.parametrize("keymap", [{"dashboard.refresh": "f5"}])
async def test_remapped_keys_are_listed_as_remapped(crm: Crm, people: dict[str, int],
                                                    keymap: dict[str, str]) -> None:
    app = type(make_app(crm))(crm, config=UserConfig(keymap=keymap), theme_name="crm-dark")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "1")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert listed(app)["Dashboard"]["Refresh"] == "f5"


@AT_BOTH_SIZES
def test_help_looks_right(crm: Crm, people: dict[str, int], snap_compare: SnapCompare,
                          size: tuple[int, int]) -> None:
    async def open_help(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("escape", "f1")  # over the customers table
        await settle(pilot)

    assert snap_compare(make_app(crm), terminal_size=size, run_before=open_help)


async def test_the_palette_offers_help_and_themes_once(crm: Crm, people: dict[str, int]
                                                      ) -> None:
    """Help stands in for Textual's "Keys" panel (raw key names, no keymap ids); themes
    are Textual's "Theme" command alone, not a second list of the app's own."""
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        system = [command.title for command in app.get_system_commands(app.screen)]
        assert "Help" in system and "Keys" not in system and "Theme" in system
        actions = [title for title, _, _ in ActionCommands(app.screen)._actions()]
        assert not [t for t in actions if t.startswith("theme") or t == "help"]
        help_command = next(c for c in app.get_system_commands(app.screen)
                            if c.title == "Help")
        help_command.callback()
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_the_screens_main_actions_come_first(crm: Crm, people: dict[str, int]) -> None:
    """The keys the footer shows lead, in its order; the list's movement keys come last."""
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("escape", "f1")
        await settle(pilot)
        customers = list(listed(app)["Customers"])
        assert customers[:6] == ["Search", "New", "Edit", "Purchase", "Interaction", "Task"]
        assert customers.index("Open the customer") > customers.index("Bulk…")
