"""Orders with lines: the one line parser, totals from lines, shipping, tax and discount, a
given total kept, one-line purchases stored as before, and an order counting once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from crm_tui.domain.entities.order_lines import (
    lines_text,
    order_lines,
    parse_lines_text,
)
from crm_tui.domain.entities.purchase import order_amounts, validate_purchase
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.lifecycle import lifecycle_segment
from crm_tui.domain.rules.loyalty import points_for_purchase
from crm_tui.domain.rules.rfm import rfm_score
from crm_tui.domain.rules.totals import EMPTY_TOTALS, NewOrders, add_purchase, compute_totals

TODAY = dt.date(2024, 5, 1)
ITEMS = "2 x Mug @ 12.50 [MUG-01]\nTea towel @ 4.00\n3x Spoon, silver @ $1,000.10"


def order(**fields: Any) -> dict[str, Any]:
    return validate_purchase({"customer_id": 1, "date": "2024-04-01", **fields}, today=TODAY)


def test_the_line_parser_reads_quantity_item_price_and_sku() -> None:
    assert parse_lines_text(ITEMS) == [
        {"sku": "MUG-01", "quantity": "2", "item": "Mug", "unit_price": "12.50"},
        {"item": "Tea towel", "unit_price": "4.00"},
        {"quantity": "3", "item": "Spoon, silver", "unit_price": "$1,000.10"},
    ]
    # One cell of a CSV file holds the lines separated by ";"; "@" in a name is kept.
    assert parse_lines_text("1 x Box 2x4 @ home @ 3; 2x4 plank @ 1") == [
        {"quantity": "1", "item": "Box 2x4 @ home", "unit_price": "3"},
        {"item": "2x4 plank", "unit_price": "1"},
    ]


def test_lines_are_written_back_as_they_are_typed() -> None:
    stored = order(lines=ITEMS)["lines"]
    text = lines_text(stored, "\n")
    assert text == ("2 x Mug @ 12.50 [MUG-01]\n1 x Tea towel @ 4.00\n"
                    "3 x Spoon, silver @ 1000.10")
    assert order(lines=text)["lines"] == stored


def test_total_is_lines_plus_shipping_plus_tax_less_discount() -> None:
    values = order(lines=ITEMS, shipping="5", tax="2.10", discount="3.00")
    assert values["lines"] == [
        {"item": "Mug", "product_id": None, "quantity": 2, "unit_price": 1250, "sku": "MUG-01"},
        {"item": "Tea towel", "product_id": None, "quantity": 1, "unit_price": 400, "sku": None},
        {"item": "Spoon, silver", "product_id": None, "quantity": 3, "unit_price": 100010,
         "sku": None},
    ]
    assert (values["shipping"], values["tax"], values["discount"]) == (500, 210, 300)
    assert values["total"] == 2500 + 400 + 300030 + 500 + 210 - 300
    # Several lines: the purchase's own item names the order, quantity counts the units.
    assert (values["item"], values["product_id"], values["quantity"], values["unit_price"]) == (
        "Mug (+2 more)", None, 6, None)
    amounts = order_amounts(values)
    assert (amounts.subtotal, amounts.difference) == (302930, 0)


def test_a_given_total_is_kept_and_its_difference_shown() -> None:
    values = order(lines="2 x Mug @ 12.50", shipping="4.99", total="30.00")
    assert values["total"] == 3000  # what the customer was charged
    assert order_amounts(values).difference == 3000 - 2500 - 499


def test_a_discount_beyond_the_order_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        order(lines="Mug @ 10", shipping="2", discount="12.01")
    assert err.value.errors == {"discount": "is more than the order is worth ($12.00)"}
    assert order(lines="Mug @ 10", shipping="2", discount="12")["total"] == 0  # free: valid


def test_bad_lines_are_named_by_line_and_field() -> None:
    with pytest.raises(ValidationError) as err:
        order(lines="Mug\n2 x Tea @ abc\n0 x Cup @ 1")
    assert set(err.value.errors) == {"lines[0]"}  # unreadable: said before any other check
    with pytest.raises(ValidationError) as err:
        order(lines=[{"item": "Tea", "unit_price": "abc"}, {"item": "", "quantity": 0,
                                                            "unit_price": "1"}])
    assert set(err.value.errors) == {"lines[0].unit_price", "lines[1].item",
                                     "lines[1].quantity"}


def test_a_one_line_purchase_is_stored_as_it_always_was() -> None:
    plain = order(item="Laptop", quantity=2, unit_price="600")
    assert set(plain) == {"customer_id", "product_id", "item", "quantity", "unit_price",
                          "total", "date", "payment_method", "status", "external_id"}
    # The same purchase typed as one line (no SKU) is the same document.
    assert order(lines="2 x Laptop @ 600") == plain
    # A SKU has no field of its own: the line is kept, and the purchase's fields mirror it.
    with_sku = order(lines="2 x Laptop @ 600 [LT-1]")
    assert with_sku == {**plain, "lines": [{"item": "Laptop", "product_id": None,
                                            "quantity": 2, "unit_price": 60000,
                                            "sku": "LT-1"}]}
    assert order_lines(plain) == [{"item": "Laptop", "product_id": None, "quantity": 2,
                                   "unit_price": 60000, "sku": None}]
    # Shipping on a one-line purchase adds to its total like on any order.
    assert order(item="Laptop", unit_price="600", shipping="10")["total"] == 61000


def test_a_total_alone_leaves_the_unit_price_of_the_goods() -> None:
    values = order(item="Laptop", quantity=2, total="1210", shipping="10")
    assert (values["unit_price"], values["total"]) == (60000, 121000)


def test_edits_reprice_from_new_lines_and_keep_a_total_otherwise() -> None:
    stored = order(lines=ITEMS, shipping="5")
    assert validate_purchase({"status": "refunded"}, today=TODAY, partial=True,
                             current=stored) == {"status": "refunded"}
    assert validate_purchase({}, today=TODAY, partial=True, current=stored) == {}
    edit = validate_purchase({"lines": "Mug @ 10"}, today=TODAY, partial=True, current=stored)
    # One line left: it lives in the purchase's own fields again.
    assert edit == {"lines": None, "item": "Mug", "quantity": 1, "unit_price": 1000,
                    "total": 1500}
    plain = order(item="Pen", unit_price="2")
    assert validate_purchase({"status": "pending"}, today=TODAY, partial=True,
                             current=plain) == {"status": "pending"}


def test_an_order_counts_once_and_earns_points_on_its_total() -> None:
    big = order(lines="2 x Desk @ 400\nLamp @ 150\nChair @ 250", shipping="20",
                date="2024-04-20")
    assert big["total"] == 122000
    totals = compute_totals([big])
    assert (totals.order_count, totals.total_spent_cents) == (1, 122000)
    assert add_purchase(EMPTY_TOTALS, big) == totals
    pending = NewOrders()
    pending.add(big["date"], big["total"], big["status"])
    assert pending.stored_after({})["order_count"] == 1
    assert points_for_purchase(big["total"]) == 122  # floor($1,220 / 10)
    score = rfm_score(totals, TODAY)
    assert score is not None and score.f == 1 and score.m == 3
    assert lifecycle_segment(totals, TODAY) == "vip"  # one order of $1,220 (>= $500)
