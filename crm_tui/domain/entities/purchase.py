"""Purchases (sales transactions): who bought what, how many, for how much, and when.

Only completed purchases count towards totals (the rules decide that); a zero-amount
purchase is a valid order.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from crm_tui.domain import money
from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.schema import Field, StoredDoc

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
MAX_QUANTITY = 1_000_000


class PurchaseDoc(StoredDoc):
    customer_id: int
    product_id: int | None
    item: str | None
    quantity: int
    unit_price: int
    total: int
    date: str
    payment_method: str | None
    status: str
    external_id: str | None


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
            aliases={"complete": "completed", "paid": "completed", "refund": "refunded"},
        ),
        default="completed",
    ),
    # The order number in another system: lets a re-import recognise rows it already has.
    "external_id": Field(schema.text(common.SHORT_TEXT)),
}


# For validating many purchases (an import): see `schema.remembering`.
BULK_PURCHASE_FIELDS = schema.remembering(PURCHASE_FIELDS)


def validate_purchase(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
    fields: Mapping[str, Field] = PURCHASE_FIELDS,
) -> dict[str, Any]:
    """Normalise a purchase. It names a product or a free-text item. The total is quantity
    x unit price unless given (a discount, a legacy "amount"); given only a total, the unit
    price is total / quantity, rounded. In an edit, changing the quantity or unit price
    without a new total recomputes the total. `fields`: BULK_PURCHASE_FIELDS for many rows.
    """
    return schema.validate_record(
        data, fields, _settle_amounts, today=today, partial=partial, current=current
    )


def _settle_amounts(
    values: dict[str, Any], errors: dict[str, str], today: date, changed: frozenset[str]
) -> None:
    if (
        schema.present(values, "product_id", "item")
        and values["product_id"] is None
        and values["item"] is None
    ):
        errors["item"] = "is required when no product is given: say what was bought"
    if not schema.present(values, "quantity", "unit_price", "total"):
        return
    quantity, unit_price, total = values["quantity"], values["unit_price"], values["total"]
    repriced = "total" not in changed and bool(changed & {"quantity", "unit_price"})
    if unit_price is None and total is None:
        errors["unit_price"] = f"is required (or give the total): expected {money.MONEY_HINT}"
    elif unit_price is not None and (total is None or repriced):
        total = quantity * unit_price
        if total >= money.MAX_CENTS:
            errors["total"] = f"quantity x unit price is too large ({money.display_money(total)})"
        values["total"] = total
    elif unit_price is None:
        # Round half up to the cent: the unit price is informative, the total is what counts.
        values["unit_price"] = (total + quantity // 2) // quantity
