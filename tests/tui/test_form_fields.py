"""Forms do what a daily user expects, at 80x24 and 120x40: a hint never passes for a value,
a chosen customer survives coming back to its field, a form opens on the field one types in,
and a checkbox says yes or no in full."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Checkbox, Input, TextArea

from crm_tui.services.crm import Crm
from crm_tui.tui.forms.base import RecordForm, field_id
from crm_tui.tui.forms.fields import CustomerPicker

from .conftest import NARROW, WIDE, make_app, settle

SIZES = pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
People = dict[str, int]


async def open_form(pilot: Any, key: str) -> RecordForm:
    """The form `key` opens over the customers table (the cursor on Ann)."""
    await settle(pilot)
    await pilot.press("escape")  # the table has the keys (see test_forms.open_case)
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, RecordForm)
    return form


def form_text(form: RecordForm) -> str:
    """The form as drawn on the terminal, line by line."""
    return "\n".join(strip.text for strip in form._compositor.render_strips())


@SIZES
async def test_a_hint_is_a_placeholder_not_a_value(crm: Crm, people: People,
                                                   size: tuple[int, int]) -> None:
    async with make_app(crm).run_test(size=size) as pilot:
        form = await open_form(pilot, "n")
        for name, hint in (("tags", "e.g. vip, newsletter"), ("preferences.language", "e.g. en")):
            field = form.query_one(f"#{field_id(name)}", Input)
            assert field.value == "" and field.placeholder == hint
            style = field.get_component_rich_style("input--placeholder")
            assert style.italic  # told apart from a value even without colour
        assert form.values()["tags"] is None and form.values()["preferences.language"] is None


@SIZES
async def test_coming_back_to_a_chosen_customer_keeps_it(crm: Crm, people: People,
                                                         size: tuple[int, int]) -> None:
    async with make_app(crm).run_test(size=size) as pilot:
        form = await open_form(pilot, "p")  # Ann's purchase: it opens on the item
        picker = form.query_one(f"#{field_id('customer_id')}", CustomerPicker)
        text = picker.query_one(Input)
        assert picker.value == people["ann"] and text.value == "Ann Lee"
        back = ("shift+tab", "shift+tab")  # past the product, into the customer field
        await pilot.press(*back, *"Bob")
        await settle(pilot)
        assert pilot.app.focused is text
        assert picker.value == people["ann"]  # typing only searches
        assert picker.has_class("open")
        await pilot.press("tab")  # left without picking: Ann, shown again
        await settle(pilot)
        assert pilot.app.focused is form.query_one(f"#{field_id('product_id')}")
        assert picker.value == people["ann"] and text.value == "Ann Lee"
        assert not picker.has_class("open")
        await pilot.press("shift+tab", *"Bob", "enter")  # picking another is deliberate
        await settle(pilot)
        assert picker.value == people["bob"] and text.value == "Bob Stone"
        await pilot.press("ctrl+u")  # and so is emptying the field
        await settle(pilot)
        assert picker.value is None


@SIZES
@pytest.mark.parametrize(("key", "field", "kind"), [
    ("a", "text", TextArea),  # the note's text, not its type drop-down
    ("n", "first_name", Input),  # not the kind drop-down
    ("p", "item", Input),  # the customer given, the product optional
    ("f", "rating", Input),  # the first required field still empty
])
async def test_a_form_opens_on_the_field_one_types_in(
        crm: Crm, people: People, size: tuple[int, int], key: str, field: str,
        kind: type) -> None:
    async with make_app(crm).run_test(size=size) as pilot:
        form = await open_form(pilot, key)
        assert pilot.app.focused is form.query_one(f"#{field_id(field)}", kind)


@SIZES
async def test_a_checkbox_reads_yes_or_no_in_full(crm: Crm, people: People,
                                                  size: tuple[int, int]) -> None:
    async with make_app(crm).run_test(size=size) as pilot:
        form = await open_form(pilot, "n")
        name = "preferences.email_opt_in"
        box = form.query_one(f"#{field_id(name)}", Checkbox)
        box.focus()  # scrolled into view
        await settle(pilot)
        line = next(line for line in form_text(form).splitlines() if "Email opt-in" in line)
        assert "▐ ▌ no" in line and "…" not in line
        await pilot.press("space")
        await settle(pilot)
        line = next(line for line in form_text(form).splitlines() if "Email opt-in" in line)
        assert box.value and "▐X▌ yes" in line and "…" not in line
