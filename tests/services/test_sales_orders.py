"""Orders with lines through the sales service: recorded, edited and refunded as one order,
points on the total, and how the 360 view lists them."""

from __future__ import annotations

from crm_tui.services.crm import Crm
from crm_tui.services.customer_view import customer_detail, purchase_lines

from .conftest import day

ITEMS = "2 x Mug @ 12.50 [MUG-01]\n1 x Teapot @ 45.00\n3 x Spoon @ 2.00"


def test_an_order_of_several_lines_counts_once_with_points_on_its_total(
        crm: Crm, john: int) -> None:
    order = crm.sales.record({"customer_id": john, "lines": ITEMS, "shipping": "6.90",
                              "tax": "15.20", "discount": "5", "date": day(-3)})
    stored = crm.sales.get(order)
    assert [(line["item"], line["quantity"], line["unit_price"], line["sku"])
            for line in stored["lines"]] == [("Mug", 2, 1250, "MUG-01"),
                                              ("Teapot", 1, 4500, None),
                                              ("Spoon", 3, 200, None)]
    assert stored["total"] == 2500 + 4500 + 600 + 690 + 1520 - 500 == 9310
    profile = crm.customers.profile(john)
    assert (profile.totals.order_count, profile.totals.total_spent_cents) == (1, 9310)
    assert (profile.loyalty_points, profile.lifecycle.segment) == (9, "new")
    assert profile.rfm is not None and profile.rfm.f == 1
    # New lines reprice the order; the points follow its new total.
    crm.sales.update(order, {"lines": "2 x Mug @ 12.50\n1 x Teapot @ 95"})
    assert crm.sales.get(order)["total"] == 2500 + 9500 + 690 + 1520 - 500
    profile = crm.customers.profile(john)
    assert (profile.totals.order_count, profile.loyalty_points) == (1, 13)
    crm.sales.refund(order)
    profile = crm.customers.profile(john)
    assert (profile.totals.order_count, profile.loyalty_points) == (0, 0)


def test_a_one_line_purchase_is_recorded_as_before(crm: Crm, john: int) -> None:
    purchase = crm.sales.record({"customer_id": john, "item": "Laptop", "total": "1200"})
    stored = crm.sales.get(purchase)
    for name in ("lines", "shipping", "tax", "discount", "note"):
        assert name not in stored
    assert (stored["quantity"], stored["unit_price"], stored["total"]) == (1, 120000, 120000)
    assert crm.customers.profile(john).loyalty_points == 120
    crm.sales.update(purchase, {"quantity": 2})  # reprices as it always did
    assert crm.sales.get(purchase)["total"] == 240000
    assert "lines" not in crm.sales.get(purchase)


def test_the_360_view_lists_an_orders_lines(crm: Crm, john: int) -> None:
    crm.sales.record({"customer_id": john, "lines": ITEMS, "shipping": "6.90", "tax": "15.20",
                      "discount": "5", "date": day(-3), "external_id": "#1001",
                      "note": "gift wrap"})
    crm.sales.record({"customer_id": john, "item": "Laptop", "total": "1200",
                      "date": day(-10), "status": "refunded"})
    detail = customer_detail(crm, john)
    assert [purchase_lines(p) for p in detail.purchases] == [
        [f"{day(-3)}  #1001  3 items  $93.10",
         "  2 x Mug @ 12.50 [MUG-01]", "  1 x Teapot @ 45.00", "  3 x Spoon @ 2.00",
         "  shipping $6.90, tax $15.20, discount -$5.00", "  note: gift wrap"],
        [f"{day(-10)}  Laptop x1  $1,200.00  [refunded]"],
    ]


def test_an_order_number_is_taken_while_a_purchase_has_it(crm: Crm, john: int) -> None:
    first = crm.sales.record({"customer_id": john, "item": "Pen", "total": "4",
                              "external_id": "#1001"})
    with crm.db.transaction():  # asked under the store's lock, as imports do
        assert crm.sales.order_taken("#1001") and not crm.sales.order_taken("#1002")
        assert crm.sales.ids_of_order("#1001") == {first}
    crm.sales.delete(first)
    with crm.db.transaction():
        assert not crm.sales.order_taken("#1001")
        assert crm.sales.ids_of_order("#1001") == frozenset()
