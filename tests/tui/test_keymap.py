"""A keymap in the user's config moves a key everywhere it is named: the binding itself,
the footer, Help, and every hint written in a screen, a form or a question; entries that
clash or name no binding are reported at start and left out."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from crm_tui.services.crm import Crm
from crm_tui.tui.app import CrmApp
from crm_tui.tui.config import UserConfig
from crm_tui.tui.forms.base import RecordForm
from crm_tui.tui.keymap import key_hint
from crm_tui.tui.screens.confirm import ConfirmScreen
from crm_tui.tui.screens.customers import CustomersScreen
from crm_tui.tui.screens.help import HelpScreen
from crm_tui.tui.screens.pipeline import PipelineScreen

from .conftest import AT_BOTH_SIZES, settle

REMAP = {"customers.search": "f2", "customers.trash": "T", "customers.restore": "U",
         "form.save": "f9", "undo": "ctrl+y", "pipeline.next": "f7", "confirm.yes": "j"}


def app_with(crm: Crm, keymap: dict[str, Any]) -> CrmApp:
    return CrmApp(crm, config=UserConfig(keymap=keymap), theme_name="crm-dark")


def footer(app: CrmApp) -> dict[str, str]:
    """What each footer key does -> the key it shows."""
    return {key.description: key.key_display for key in app.screen.query(FooterKey)}


def help_keys(app: CrmApp) -> dict[str, str]:
    """What each key does -> its keys, from the open Help, every section."""
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return {row.does: row.keys for _, rows in screen.sections for row in rows}


def texts(app: CrmApp) -> str:
    return "\n".join(str(static.render()) for static in app.screen.query(Static))


def notices(app: CrmApp) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


@AT_BOTH_SIZES
async def test_a_remapped_key_works_and_is_named_everywhere(
        crm: Crm, people: dict[str, int], size: tuple[int, int]) -> None:
    app = app_with(crm, REMAP)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomersScreen)
        assert "Keymap entries left out" not in notices(app)
        # The search box's hint and the footer name the new key; it works, / does not.
        assert screen.query_one("#search", Input).placeholder.startswith("f2 search")
        assert footer(app)["Search"] == "f2"
        assert next(iter(footer(app))) == "Search"  # first as declared, not moved last
        await pilot.press("slash")
        await settle(pilot)
        assert screen.focused is not screen.query_one("#search")
        await pilot.press("f2")
        await settle(pilot)
        assert screen.focused is screen.query_one("#search")
        await pilot.press("escape", "f1")
        await settle(pilot)
        listed = help_keys(app)
        assert (listed["Search"], listed["Trash"], listed["Restore"]) == ("f2", "T", "U")
        assert listed["Undo"] == "^y"
        assert next(iter(listed)) == "Search"  # in its place, not moved last
        await pilot.press("escape", "d")  # delete asks, naming the trash's keys as mapped
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = texts(app)
        assert "T shows it, U restores" in question and "x shows it" not in question
        assert "j: yes" in question and "y: yes" not in question
        await pilot.press("escape", "e")  # a form: its hint, Help in it
        await settle(pilot)
        assert isinstance(app.screen, RecordForm)
        assert "f9 save" in str(app.screen.query_one("#form-keys", Static).render())
        await pilot.press("f1")
        await settle(pilot)
        assert help_keys(app)["Save"] == "f9"
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("3")  # the pipeline: > moved to f7, in the footer too
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)
        assert footer(app)["Next stage"] == "f7"
        assert list(footer(app))[:4] == ["Customer", "New deal", "Edit", "Next stage"]


async def test_a_clash_is_reported_and_both_keys_stay_as_they_were(
        crm: Crm, people: dict[str, int]) -> None:
    app = app_with(crm, {"customers.new": "e", "customers.search": "f2"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        said = notices(app)
        assert "Keymap entries left out" in said
        assert "customers.new: e is already the key of customers.edit" in said
        assert "customers.search" not in said  # the good entry applies
        assert footer(app)["New"] == "n" and footer(app)["Search"] == "f2"
        await pilot.press("escape", "n")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm)
        assert app.screen.record_id is None  # a new customer, not an edit


async def test_an_unknown_id_is_reported(crm: Crm, people: dict[str, int]) -> None:
    app = app_with(crm, {"customers.fly": "f9"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "customers.fly: no such key binding" in notices(app)
        assert app.keymap == {}


def test_a_binding_of_two_keys_is_hinted_with_both() -> None:
    assert key_hint({}, "import.run") == "ctrl+r / f5"
    assert key_hint({"import.run": "f9"}, "import.run") == "f9"
