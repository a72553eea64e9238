"""An order of several lines typed in the purchase form's Items field, shown in the 360
view, and edited back from it."""

from __future__ import annotations

from textual.widgets import TextArea

from crm_tui.services.crm import Crm
from crm_tui.tui.forms.purchase_form import PurchaseForm
from crm_tui.tui.screens.customers import CustomersScreen

from .conftest import NARROW, WIDE, detail_text, make_app, settle

People = dict[str, int]
TO_ITEMS = ("tab", "tab", "tab")  # from the item (where it opens): quantity, price, items


async def test_items_typed_one_per_line_make_one_order(crm: Crm, people: People) -> None:
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "p")
        await settle(pilot)
        await pilot.press(*TO_ITEMS, *"2 x Mug @ 12.50 [MUG-1]", "enter", *"Teapot @ 30",
                          "tab", *"4.50", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
        [order, _] = crm.sales.for_customer(people["ann"])
        assert [(line["item"], line["quantity"], line["unit_price"], line["sku"])
                for line in order["lines"]] == [("Mug", 2, 1250, "MUG-1"),
                                                ("Teapot", 1, 3000, None)]
        assert (order["shipping"], order["total"]) == (450, 5950)
        assert crm.customers.profile(people["ann"]).totals.order_count == 2
        body = detail_text(app.screen)
        assert "2 items  $59.50" in body and "2 x Mug @ 12.50 [MUG-1]" in body
        assert "1 x Teapot @ 30.00" in body and "shipping $4.50" in body


async def test_an_order_opens_with_its_lines_and_a_bad_line_is_named(crm: Crm,
                                                                    people: People) -> None:
    order = crm.sales.record({"customer_id": people["ann"], "date": "2026-06-10",
                              "lines": "2 x Mug @ 12.50\nTeapot @ 30"})
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await app.push_screen(PurchaseForm(crm, record_id=order))
        await settle(pilot)
        form = app.screen
        items = form.query_one("#field-lines", TextArea)
        assert items.text == "2 x Mug @ 12.50\n1 x Teapot @ 30.00"
        items.text = "2 x Mug @ 12.50\nTeapot for 30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "no unit price" in str(form.query_one("#error-field-lines").render())
        items.text = "2 x Mug @ 12.50\n1 x Teapot @ 35"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    assert crm.sales.get(order)["total"] == 6000
