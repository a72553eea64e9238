"""The person's settings file: one that cannot be read is said at start and never written
over (the keymap in it survives a theme change); a good one keeps everything it holds when
the theme is remembered; keymap entries that name nothing, or give a key something else in
the same place already answers, are named at start and left out, the rest applies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from crm_tui.services.crm import Crm
from crm_tui.tui.app import CrmApp
from crm_tui.tui.config import UserConfig, config_path
from crm_tui.tui.forms.customer_form import CustomerForm
from crm_tui.tui.keymap import binding_scopes, check_keymap
from crm_tui.tui.screens.customers import CustomersScreen

from .conftest import NARROW, settle

KEYMAP = {"customers.search": "f2", "quit": "ctrl+q"}
BROKEN = {
    "not JSON": b'{"theme": "crm-light", "keymap": {"customers.search": "f2",}',
    "not an object": b'["crm-light"]',
}


def messages(app: CrmApp) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def make_config(content: bytes | None) -> Path:
    path = config_path()
    if content is not None:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("content", list(BROKEN.values()), ids=list(BROKEN))
def test_a_broken_file_is_reported_and_never_saved_over(content: bytes) -> None:
    path = make_config(content)
    config = UserConfig.load()
    assert not config.readable and config.keymap == {}
    assert str(path) in config.problems[0] and "nothing is saved" in config.problems[0]
    config.theme = "crm-light"
    assert config.save() is False
    assert path.read_bytes() == content


def test_a_file_that_cannot_be_opened_is_reported_and_left_alone() -> None:
    path = config_path()
    path.mkdir()  # reading it fails (as a file without read permission does for its owner)
    config = UserConfig.load()
    assert not config.readable and str(path) in config.problems[0]
    assert config.save() is False and path.is_dir()


def test_a_file_broken_since_start_is_not_saved_over() -> None:
    path = make_config(orjson.dumps({"keymap": KEYMAP}))
    config = UserConfig.load()
    path.write_bytes(b"{oops")  # edited by hand while the app runs
    config.theme = "crm-light"
    assert config.save() is False and path.read_bytes() == b"{oops"


def test_saving_the_theme_keeps_the_rest_of_the_file() -> None:
    path = make_config(orjson.dumps({"theme": "crm-dark", "keymap": KEYMAP, "later": [1]}))
    config = UserConfig.load()
    config.theme = "crm-light"
    assert config.save() is True
    assert orjson.loads(path.read_bytes()) == {"theme": "crm-light", "keymap": KEYMAP,
                                               "later": [1]}


def test_wrong_types_are_reported() -> None:
    make_config(orjson.dumps({"theme": 7, "keymap": ["f2"]}))
    config = UserConfig.load()
    assert config.readable and (config.theme, config.keymap) == (None, {})
    assert any('"theme"' in p for p in config.problems)
    assert any('"keymap"' in p for p in config.problems)


async def test_at_start_the_app_says_the_file_is_unreadable_and_keeps_it(crm: Crm) -> None:
    content = BROKEN["not JSON"]
    path = make_config(content)
    app = CrmApp(crm, theme_name="crm-dark")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert "could not be read" in messages(app)
        assert "for this session only" not in messages(app)  # nothing chosen yet
        app.theme = "crm-light"
        await settle(pilot)
        assert "for this session only" in messages(app)
    assert path.read_bytes() == content


# ----- the keymap --------------------------------------------------------------------------
def checked(keymap: dict[str, Any]) -> tuple[dict[str, str], str]:
    everywhere = [b for b in CrmApp.BINDINGS if not isinstance(b, tuple) and b.priority]
    result = check_keymap(keymap, binding_scopes(), everywhere)  # type: ignore[arg-type]
    return result.keymap, "\n".join(result.problems)


def test_a_key_answered_everywhere_first_is_a_clash() -> None:
    applied, problems = checked({"customers.edit": "ctrl+q"})
    assert applied == {} and "customers.edit: ctrl+q is already the key of quit" in problems


def test_two_ids_given_one_key_in_one_place_both_fail() -> None:
    applied, problems = checked({"customers.edit": "f5", "customers.new": "f5",
                                 "pipeline.new": "f5"})  # another screen: no clash
    assert applied == {"pipeline.new": "f5"}
    assert "customers.edit: f5 is already the key of customers.new" in problems
    assert "customers.new: f5 is already the key of customers.edit" in problems


def test_a_default_key_of_another_binding_is_a_clash_unless_it_moves() -> None:
    applied, problems = checked({"customers.edit": "n"})
    assert applied == {} and "already the key of customers.new" in problems
    applied, problems = checked({"customers.edit": "n", "customers.new": "m"})
    assert applied == {"customers.edit": "n", "customers.new": "m"} and not problems


def test_unknown_ids_and_bad_keys_are_named() -> None:
    applied, problems = checked({"customers.fly": "f9", "customers.search": 5,
                                 "customers.task": "f6"})
    assert applied == {"customers.task": "f6"}
    assert "customers.fly: no such key binding" in problems
    assert "customers.search: 5 is not a key" in problems


async def test_at_start_bad_entries_are_listed_and_good_ones_apply(crm: Crm,
                                                                   people: dict[str, int]
                                                                   ) -> None:
    make_config(orjson.dumps({"keymap": {"customers.edit": "ctrl+q",
                                         "customers.nothing": "f4",
                                         "customers.search": "f2"}}))
    app = CrmApp(crm, theme_name="crm-dark")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        text = messages(app)
        assert "Keymap entries left out" in text
        assert "customers.edit: ctrl+q" in text and "customers.nothing" in text
        assert "customers.search" not in text
        screen = app.screen
        assert isinstance(screen, CustomersScreen)
        await pilot.press("escape", "f2")  # the remapped search key works
        await settle(pilot)
        assert screen.focused is screen.query_one("#search")
        await pilot.press("escape", "e")  # edit keeps its own key (ctrl+q still quits)
        await settle(pilot)
        assert isinstance(app.screen, CustomerForm)
