"""A purchase row read from its cells alone, without the store.

A million-row purchase file is almost all one kind of row: a new order of a customer named
by email or external id, for an item named in words, with its amounts. Everything that
row's plan needs from its cells alone (the customer's keys, the order's key, the item's
name, the validated purchase) is worked out here by a pure function of the cells, which
the pipeline may run in another process (`read_ahead`) while this one writes. The handler
(`PurchaseRows.prepare_read`) then only asks the store what the cells cannot say: is the
customer live, is the order new, is the item in the catalogue.

`read_purchase_cells` answers None for any other row (an `id` of ours, a `product_id`, no item, no
amounts, an order's lines or a refunded amount, a customer named only by name, any cell
the validators refuse): the general path takes it, with its messages. Both paths leave
the same documents (a test holds them equal).

Kept because it was measured to pay, and still does: the
bench's 60,084 purchases read beforehand, imported into its 10,000 customers, took the
writing process 99-106 us of CPU a row with this path and 125-132 us with every row on
the general path (about 25% more; interleaved runs on copies of one database, load
average 6-8 on 2 cores). The difference is the validation, which runs here in the
reading process instead of in the writer; read alone, this function costs 16-18 us a
row there.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from crm_tui.domain.entities.common import is_blank
from crm_tui.domain.entities.purchase import PURCHASE_FIELDS, validate_purchase
from crm_tui.domain.errors import ValidationError

from .customer_rows import match_keys
from .mapping import REFUNDED
from .plans import PLACEHOLDER_ID, given, key_text, own_fields

PURCHASE_INPUT = own_fields(PURCHASE_FIELDS)


class PurchaseCells(NamedTuple):
    """What such a row's cells say (a tuple: it crosses processes by the million)."""

    email: str | None  # the customer's keys, as `match_keys` makes them
    external: str | None
    order: str | None  # the purchase's own external id, as a lookup key
    item: str  # the item's name, as the catalogue is looked up
    values: dict[str, Any]  # validated with PLACEHOLDER_ID and no product

    def __reduce__(self) -> tuple[Any, ...]:
        # Made again by tuple's own constructor, not the class's __new__ (a Python
        # function): the writing process unpickles one a row.
        return tuple.__new__, (PurchaseCells, tuple(self))


def read_purchase_cells(fields: Mapping[str, Any], today: date) -> PurchaseCells | None:
    """What the row's cells say, or None: the general path must read this row."""
    get = fields.get
    item, email, external = get("item"), get("customer_email"), get("customer_external_id")
    if (is_blank(item) or not is_blank(get("id")) or not is_blank(get("product_id"))
            or (is_blank(get("unit_price")) and is_blank(get("total")))
            or not is_blank(get("lines")) or not is_blank(get(REFUNDED))
            or (is_blank(email) and is_blank(external))):
        return None
    data = given(fields, PURCHASE_INPUT)
    try:
        keys = match_keys(None if is_blank(email) else email,
                          None if is_blank(external) else external, "customer_")
        order = key_text(data["external_id"], "external_id") if "external_id" in data else None
        values = validate_purchase({**data, "customer_id": PLACEHOLDER_ID}, today=today)
        return PurchaseCells(*keys, order, key_text(item, "item"), values)
    except ValidationError:
        return None
