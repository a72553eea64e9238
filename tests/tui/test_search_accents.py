"""Typing in the customers search and in the command palette folds accents and case:
"chloe" finds "Chloé Garnier" in both (one folding, in the customers list)."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette

from crm_tui.services.crm import Crm
from crm_tui.tui.widgets.customer_table import CustomerTable

from .conftest import NARROW, WIDE, make_app, settle


def add_people(crm: Crm) -> None:
    for first, last in (("Chloé", "Garnier"), ("Jürgen", "Müller"), ("Ann", "Lee")):
        crm.customers.create({"first_name": first, "last_name": last,
                              "email": f"{first[0].lower()}{len(last)}@example.com"})


async def test_typing_chloe_finds_chloe_with_its_accent(crm: Crm) -> None:
    add_people(crm)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        await pilot.press("slash", *"chloe")
        await settle(pilot)
        assert [table._row_of(i).name for i in table.ids] == ["Chloé Garnier"]
        await pilot.press(*["backspace"] * 5, *"MULLER")
        await settle(pilot)
        assert [table._row_of(i).name for i in table.ids] == ["Jürgen Müller"]


async def test_the_palette_finds_a_customer_typed_without_accents(crm: Crm) -> None:
    add_people(crm)
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"muller")
        options = app.screen.query_one(CommandList)
        prompts: list[str] = []
        for _ in range(100):  # the palette searches in a worker: poll, no fixed sleep
            await settle(pilot)
            prompts = [str(options.get_option_at_index(i).prompt)
                       for i in range(options.option_count)]
            if any("Müller" in p for p in prompts):
                break
        assert [p.splitlines()[0] for p in prompts] == ["customer: Jürgen Müller"]
