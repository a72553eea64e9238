"""Purchases (orders): who bought what, how many, for how much, and when.

An order has one or more lines (see order_lines.py), optional shipping, tax and discount,
and its total. Left blank, the total is the lines plus shipping plus tax less the
discount; given, it is kept as given: it is what the customer was charged (a source's
rounding, a gift card), and the difference from the lines is shown where the order is
(`OrderAmounts.difference`), never silently changed. An order counts once and earns its
points on its total, however many lines it has. Only completed purchases count towards
totals (the rules decide that); a zero-amount purchase is a valid order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from crm_tui.domain import money
from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.order_lines import (
    LINES,
    MAX_QUANTITY,
    order_lines,
    subtotal,
    summary_item,
)
from crm_tui.domain.entities.schema import Field

PURCHASE_STATUSES = ("completed", "refunded", "pending")
PAYMENT_METHODS = (
    "cash",
    "card",
    "credit_card",
    "debit_card",
    "bank_transfer",
    "check",
    "paypal",
    "other",
)
# Stored only when an order has them: a one-line purchase is the document it always was.
ORDER_EXTRAS = ("lines", "shipping", "tax", "discount", "note")
# Fields whose change, without a new total, reprices the order.
_PRICING = frozenset({"quantity", "unit_price", "lines", "shipping", "tax", "discount"})


PURCHASE_FIELDS: dict[str, Field] = {
    "customer_id": Field(schema.RECORD_ID, required=True),
    "product_id": Field(schema.RECORD_ID),
    "item": Field(schema.text(common.MEDIUM_TEXT)),
    "quantity": Field(schema.whole(1, MAX_QUANTITY), default=1),
    "unit_price": Field(schema.amount()),
    "total": Field(schema.amount()),
    "date": Field(schema.DAY, default_factory=schema.today_iso),
    "payment_method": Field(
        schema.choice(
            PAYMENT_METHODS,
            free_form=True,
            aliases={"cheque": "check", "transfer": "bank_transfer"},
        )
    ),
    "status": Field(
        schema.choice(
            PURCHASE_STATUSES,
            # Other tools' words, Shopify's financial statuses among them: a partly
            # refunded order stays completed (an import notes the refund on it).
            aliases={"complete": "completed", "paid": "completed", "refund": "refunded",
                     "voided": "refunded", "void": "refunded", "authorized": "pending",
                     "partially_paid": "pending", "partially_refunded": "completed"},
        ),
        default="completed",
    ),
    # The order number in another system: lets a re-import recognise rows it already has.
    "external_id": Field(schema.text(common.SHORT_TEXT)),
    "lines": Field(LINES, omitted=True),
    "shipping": Field(schema.amount(), omitted=True),
    "tax": Field(schema.amount(), omitted=True),
    "discount": Field(schema.amount(), omitted=True),
    "note": Field(schema.text(common.MEDIUM_TEXT), omitted=True),
}


def validate_purchase(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise a purchase. It names a product or a free-text item, or gives its lines
    (which then fill item, product, quantity and unit price: see `_mirror_lines`). The
    total is the lines (quantity x unit price) plus shipping and tax less the discount,
    unless given; given only a total, the unit price is what is left of it once shipping
    and tax are taken off and the discount put back, over the quantity, rounded. In an
    edit, changing what prices the order without a new total recomputes the total.

    Shipping, tax, discount, note and lines are left out of the result when the order has
    none (and the stored purchase had none), so a one-line purchase is stored as it
    always was.
    """
    values = schema.validate_record(
        data, PURCHASE_FIELDS, _purchase_rules, today=today, partial=partial, current=current
    )
    if current is None:
        if values.get("lines", ()) is None:  # one line, now in the purchase's own fields
            del values["lines"]
    else:  # an edit clears what the stored purchase has, and adds no empty field to it
        for name in ORDER_EXTRAS:
            if name in values and values[name] is None and current.get(name) is None:
                del values[name]
    return values


def _purchase_rules(
    values: dict[str, Any], errors: dict[str, str], today: date, changed: frozenset[str]
) -> None:
    _settle_amounts(values, errors, today, changed)
    _not_ahead(values, errors, today)


def _not_ahead(values: dict[str, Any], errors: dict[str, str], today: date) -> None:
    """A completed or refunded purchase happened: it cannot be dated after today. Only a
    pending one (an order taken for later) may be."""
    if (schema.present(values, "date", "status") and values["status"] != "pending"
            and str(values["date"] or "") > today.isoformat()):
        errors["date"] = (f"is after today ({today.isoformat()}): only a pending purchase "
                          "can be dated ahead")


def _settle_amounts(
    values: dict[str, Any], errors: dict[str, str], today: date, changed: frozenset[str]
) -> None:
    if errors and any(name.startswith("lines") for name in errors):
        return  # refused on its own: what it would have set is not known
    lines = values.get("lines")
    if lines:
        _mirror_lines(values, lines)
    elif (
        schema.present(values, "product_id", "item")
        and values["product_id"] is None
        and values["item"] is None
    ):
        errors["item"] = "is required when no product is given: say what was bought"
    if not schema.present(values, "quantity", "unit_price", "total"):
        return
    quantity, unit_price, total = values["quantity"], values["unit_price"], values["total"]
    repriced = "total" not in changed and bool(changed & _PRICING)
    goods = subtotal(lines) if lines else (
        None if unit_price is None else quantity * unit_price)
    if goods is None and total is None:
        errors["unit_price"] = f"is required (or give the total): expected {money.MONEY_HINT}"
    elif goods is not None and (total is None or repriced):
        extras = _extras(values)
        total = goods + extras
        if total < 0:
            worth = goods + extras + _get(values, "discount")
            errors["discount"] = f"is more than the order is worth ({money.display_money(worth)})"
        elif total >= money.MAX_CENTS:
            errors["total"] = f"quantity x unit price is too large ({money.display_money(total)})"
        values["total"] = total
    elif goods is None:
        # Round half up to the cent: the unit price is informative, the total is what counts.
        values["unit_price"] = (max(total - _extras(values), 0) + quantity // 2) // quantity


def _get(values: Mapping[str, Any], name: str) -> int:
    return values.get(name) or 0


def _extras(values: Mapping[str, Any]) -> int:
    """What the order adds to its lines: shipping and tax, less the discount (cents)."""
    return _get(values, "shipping") + _get(values, "tax") - _get(values, "discount")


def _mirror_lines(values: dict[str, Any], lines: list[dict[str, Any]]) -> None:
    """An order's lines fill its item, product, quantity and unit price: those of its one
    line, or for several the first item's name "(+N more)", no product, the units bought
    and no unit price. A single line without a SKU is all the purchase's own fields say:
    it is not kept twice."""
    if len(lines) == 1:
        line = lines[0]
        values.update(item=line["item"], product_id=line["product_id"],
                      quantity=line["quantity"], unit_price=line["unit_price"])
        if line["sku"] is None:
            values["lines"] = None
        return
    values.update(item=summary_item(lines), product_id=None, unit_price=None,
                  quantity=min(sum(line["quantity"] for line in lines), MAX_QUANTITY))


@dataclass(frozen=True)
class OrderAmounts:
    """How an order's total is made up, for the screens and exports that show it (cents)."""

    lines: list[dict[str, Any]]
    subtotal: int
    shipping: int
    tax: int
    discount: int
    total: int

    @property
    def difference(self) -> int:
        """The total less what its parts add up to: 0 unless the total was given as
        something else (a source's own rounding, a gift card)."""
        return self.total - (self.subtotal + self.shipping + self.tax - self.discount)


def order_amounts(purchase: Mapping[str, Any]) -> OrderAmounts:
    """A stored purchase's lines and amounts (see order_lines.order_lines)."""
    lines = order_lines(purchase)
    return OrderAmounts(lines, subtotal(lines), _get(purchase, "shipping"),
                        _get(purchase, "tax"), _get(purchase, "discount"),
                        _get(purchase, "total"))
