"""Purchases: recording, editing, refunding, with totals and loyalty kept on the customer.

Each change updates the customer's denormalised totals (order count, total spent,
first/last order, per-day histogram) and loyalty counters from the one purchase that
changed, in the same commit: the cost never depends on how many customers or purchases
there are, and segment badges recompute from the customer document alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm_tui.domain.entities.common import is_blank, parse_id
from crm_tui.domain.entities.ledger import MAX_POINTS
from crm_tui.domain.entities.purchase import validate_purchase
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.money import cents_to_decimal
from crm_tui.domain.rules.loyalty import points_for_purchase
from crm_tui.domain.rules.totals import (
    COMPLETED,
    CustomerTotals,
    add_purchase,
    compute_totals,
    remove_purchase,
)

from . import tables
from .base import CustomerRecords
from .changes import Changes
from .context import ServiceContext
from .loyalty import LoyaltyService
from .products import ProductService
from .records import Record, newest_first, stamped_new

TABLE = tables.PURCHASES


class SalesService(CustomerRecords):
    table_name = TABLE
    entity = "purchase"

    def __init__(self, ctx: ServiceContext, changes: Changes, products: ProductService,
                 loyalty: LoyaltyService) -> None:
        super().__init__(ctx, changes)
        self.products = products
        self.loyalty = loyalty

    # ----- reading -----------------------------------------------------------------------
    def for_customer(self, customer_id: int) -> list[Record]:
        """The customer's purchases, newest first."""
        return newest_first(self._customer_documents(customer_id))

    # ----- writing -----------------------------------------------------------------------
    def _with_product(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Fill item and unit price (typed form: dollars) from the product, if one is named."""
        values = dict(data)
        if not is_blank(values.get("product_id")):
            product = self.products.get(parse_id(values["product_id"], "product_id"))
            if is_blank(values.get("item")):
                values["item"] = product["name"]
            if is_blank(values.get("unit_price")) and is_blank(values.get("total")):
                values["unit_price"] = cents_to_decimal(product["price"])
        return values

    def record(self, data: Mapping[str, Any]) -> int:
        """Record a purchase; returns its id. Totals, loyalty and badges follow at once."""
        with self.changes.change("Record purchase"):
            values = validate_purchase(self._with_product(data), today=self.ctx.clock.today())
            customer = self._customer(values["customer_id"])
            points = self._points(values)
            doc = {**stamped_new(values, self.ctx.clock.stamp(), self.ctx.staff),
                   "points": points}
            purchase_id = self.table.insert(doc)
            self._apply_totals(customer.doc_id, new=doc)
            if points:
                self.loyalty.record_earn(customer.doc_id, points, values["date"], purchase_id)
            return purchase_id

    def update(self, purchase_id: int, changes: Mapping[str, Any]) -> Record:
        """Edit a purchase (amount, date, status...). A refund is `{"status": "refunded"}`."""
        with self.changes.change("Edit purchase"):
            old = self._fetch(purchase_id)
            typed = self._with_product(changes) if "product_id" in changes else dict(changes)
            # Edit mode: input is typed (dollars), `current` is stored (cents); derived
            # fields such as the total follow a new quantity or unit price.
            edit = validate_purchase(typed, today=self.ctx.clock.today(), partial=True,
                                     current=old)
            if edit.get("customer_id", old["customer_id"]) != old["customer_id"]:
                raise ValidationError("customer_id", "cannot change: record a new purchase")
            values = {**old, **edit}
            points = self._points(values)
            new = {**values, "points": points, "updated_at": self.ctx.clock.stamp()}
            self.table.replace(old.doc_id, new)
            self._apply_totals(old["customer_id"], old=old, new=new)
            if points != (old.get("points") or 0):
                self.loyalty.record_earn(old["customer_id"], points - (old.get("points") or 0),
                                         new["date"], old.doc_id)
        return self.get(purchase_id)

    def refund(self, purchase_id: int) -> Record:
        return self.update(purchase_id, {"status": "refunded"})

    def delete(self, purchase_id: int) -> None:
        """Remove a purchase entered by mistake (a refund keeps the record instead)."""
        with self.changes.change("Delete purchase"):
            old = self._fetch(purchase_id)
            self.table.remove(doc_ids=[old.doc_id])
            self._apply_totals(old["customer_id"], old=old)
            if old.get("points"):
                self.loyalty.record_earn(old["customer_id"], -old["points"], old["date"],
                                         old.doc_id)

    def _points(self, purchase: Mapping[str, Any]) -> int:
        if purchase.get("status") != COMPLETED:
            return 0
        points = points_for_purchase(purchase["total"], self.ctx.settings.loyalty)
        if points > MAX_POINTS:
            raise ValidationError("total", "is too large: it would earn more loyalty points "
                                           f"than one entry can hold ({MAX_POINTS:,})")
        return points

    def _apply_totals(self, customer_id: int, *, old: Mapping[str, Any] | None = None,
                      new: Mapping[str, Any] | None = None) -> None:
        customer = self._customer(customer_id, include_deleted=True)
        totals = CustomerTotals.from_dict(customer)
        try:
            if old is not None:
                totals = remove_purchase(totals, old)
            if new is not None:
                totals = add_purchase(totals, new)
        except ValidationError:
            # Removing the first or last order: the new first/last date is in this
            # customer's other purchases (found through the index, not a table scan).
            totals = compute_totals(self._customer_documents(customer_id))
        self._store_totals(customer_id, totals)

    def _store_totals(self, customer_id: int, totals: CustomerTotals) -> None:
        """Totals go on the customer without the per-day histogram: it would make every
        customer document (and so loading 100k of them) several times bigger, and the
        purchases index answers the rare question it exists for."""
        fields = {k: v for k, v in totals.to_dict().items() if k != "order_days"}

        def apply(doc: dict[str, Any]) -> None:
            doc.pop("order_days", None)
            doc.update(fields)

        self.customers.update(apply, doc_ids=[customer_id])

    def rebuild_totals(self, customer_id: int) -> None:
        """Recompute one customer's totals from scratch (used after imports and reverts)."""
        with self.changes.change("Rebuild totals", audit="none", undoable=False):
            totals = compute_totals(self._customer_documents(customer_id))
            self._store_totals(int(customer_id), totals)
