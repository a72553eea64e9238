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
from crm_tui.tui.keymap import binding_scopes, check_keymap, key_hint, widget_places
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


def problems_with(keymap: dict[str, Any]) -> str:
    """What the start-up check says of `keymap`, widgets' places included."""
    return "\n".join(check_keymap(keymap, binding_scopes(), [], widget_places()).problems)


def test_widgets_are_placed_on_the_screens_that_show_them() -> None:
    places = {widget.rsplit(".", 1)[1]: {screen.rsplit(".", 1)[1] for screen in screens}
              for widget, screens in widget_places().items()}
    assert {"CustomersScreen"} <= places["CustomerTable"]
    assert {"CustomersScreen", "CustomerDetailScreen"} <= places["DetailList"]  # in the pane
    assert "CustomerForm" in places["CustomerPicker"]
    assert "PipelineScreen" not in places["CustomerTable"]


def test_a_widget_key_moved_onto_its_screens_key_is_a_clash() -> None:
    """The table's enter moved to o would silently take the customers screen's Deal key."""
    said = problems_with({"table.open": "o"})
    assert "table.open: o is already the key of customers.opportunity" in said
    said = problems_with({"customers.opportunity": "enter"})  # the other way round
    assert "customers.opportunity: enter is already the key of detail.open and table.open" in said
    said = problems_with({"detail.void": "e"})  # the 360 pane: the customers and 360 screens
    assert "detail.void: e is already the key of customers.edit" in said


def test_keys_that_a_widget_and_its_screen_share_by_design_can_stay() -> None:
    """In the 360 pane y copies the record, elsewhere on the screen the customer: keeping y
    while adding a key is no clash; a key of a widget on another screen is free."""
    assert problems_with({"customers.yank": "y,f6", "detail.copy": "y,f7"}) == ""
    assert problems_with({"table.open": "enter,l", "dashboard.next": "enter"}) == ""


async def test_a_widget_clash_is_reported_at_start_and_the_keys_stay(
        crm: Crm, people: dict[str, int]) -> None:
    app = app_with(crm, {"table.open": "o"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "table.open: o is already the key of customers.opportunity" in notices(app)
        assert app.keymap == {}


def test_a_binding_of_two_keys_is_hinted_with_both() -> None:
    assert key_hint({}, "import.run") == "ctrl+r / f5"
    assert key_hint({"import.run": "f9"}, "import.run") == "f9"
