"""Purchases: recording, editing, refunding, with totals and loyalty kept on the customer.

Each change updates the customer's denormalised totals (order count, total spent,
first/last order, per-day histogram) and loyalty counters from the one purchase that
changed, in the same commit: the cost never depends on how many customers or purchases
there are, and segment badges recompute from the customer document alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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
    NewOrders,
    add_purchase,
    compute_totals,
    remove_purchase,
)
from crm_tui.domain.settings import LoyaltySettings
from crm_tui.store import Index

from . import tables
from .base import CustomerRecords
from .changes import Changes
from .context import ServiceContext
from .edits import check_edit
from .loyalty import LoyaltyService
from .products import ProductService
from .records import Record, newest_first, stamped_new, with_id

TABLE = tables.PURCHASES


def order_key(doc: Mapping[str, Any]) -> Any:
    return doc.get("external_id") or None


class OrderNumbers(Index):
    """Purchases by their external id (the order number an import matches on), kept in
    step with the purchases table by the store while it is loaded (an observer): an
    import asks for every row, and asking the table costs several store calls a time.
    `live` says whether it holds the table (False before the table loads and after an
    unload: load the table, then ask)."""

    def __init__(self) -> None:
        super().__init__(f"order_numbers:{id(self)}", order_key)  # unique, as an observer
        self.live = False

    def rebuild(self, docs: Mapping[int, Mapping[str, Any]]) -> None:
        super().rebuild(docs)
        self.live = True

    def clear(self) -> None:
        super().clear()
        self.live = False

    def taken(self, order: str) -> bool:
        """Whether a purchase has this external id (`ids` without making its set)."""
        return order in self._built()


class SalesService(CustomerRecords):
    table_name = TABLE
    entity = "purchase"

    def __init__(self, ctx: ServiceContext, changes: Changes, products: ProductService,
                 loyalty: LoyaltyService) -> None:
        super().__init__(ctx, changes)
        self.products = products
        self.loyalty = loyalty
        self._orders: OrderNumbers | None = None

    # ----- reading -----------------------------------------------------------------------
    def for_customer(self, customer_id: int) -> list[Record]:
        """The customer's purchases, newest first."""
        return newest_first(self._customer_documents(customer_id))

    def ids_of_order(self, order: str) -> frozenset[int]:
        """The purchases whose external id is `order`. Ask inside a transaction: the
        store's lock keeps the answer current. The first question loads the purchases
        table (observed from then on, so sessions that never import never pay for it)."""
        return self._order_numbers().ids(order)

    def order_taken(self, order: str) -> bool:
        """Whether a purchase has the external id `order` (asked as `ids_of_order`)."""
        return self._order_numbers().taken(order)

    def _order_numbers(self) -> OrderNumbers:
        orders = self._orders
        if orders is None:
            orders = self._orders = OrderNumbers()
            self.ctx.db.observe(TABLE, orders)
        if not orders.live:
            self.ctx.db.preload(TABLE)
        return orders

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
            values = self._validated_purchase(data)
            self._customer(values["customer_id"])
            points = self.points(values)
            writer = self.writer()
            purchase_id = writer.add(values, points)
            writer.flush()
            return purchase_id

    def checked(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        """A new purchase as `record` would store it, and the points it earns; nothing is
        written (ValidationError naming the field if it cannot be recorded). The customer
        is the caller's to check: see `writer`."""
        values = self._validated_purchase(data)
        return values, self.points(values)

    def writer(self) -> PurchaseWriter:
        """Records many checked purchases in one commit: see `PurchaseWriter`."""
        return PurchaseWriter(self)

    def _validated_purchase(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return validate_purchase(self._with_product(data), today=self.ctx.clock.today())

    def update(self, purchase_id: int, changes: Mapping[str, Any],
               base: Mapping[str, Any] | None = None) -> Record:
        """Edit a purchase (amount, date, status...). A refund is `{"status": "refunded"}`.
        With `base` (the purchase as the editor read it), refused with EditConflict when it
        changes a field someone else changed since (see `edits`)."""
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
            if base is not None:
                check_edit(self.ctx, TABLE, old.doc_id, base, old, values, shown=with_id(old))
            points = self.points(values)
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

    def points(self, purchase: Mapping[str, Any]) -> int:
        """The loyalty points a purchase (validated) earns; ValidationError naming `total`
        when more than one ledger entry can hold."""
        return earned_points(purchase, self.ctx.settings.loyalty)

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
        self._store_totals(customer_id, totals.to_dict())

    def _store_totals(self, customer_id: int, totals: Mapping[str, Any], earned: int = 0,
                      current: Mapping[str, Any] | None = None) -> None:
        """Put totals fields (`CustomerTotals.to_dict()`, or `NewOrders.stored_after`) on
        the customer, without the per-day histogram: it would make every customer document
        (and so loading 100k of them) several times bigger, and the purchases index answers
        the rare question it exists for. `earned`: loyalty points new purchases earned,
        added to the balance and the lifetime points in the same write (their ledger
        entries are the writer's). `current`: the customer document, when the caller holds
        it as stored."""
        if current is None:
            current = self.customers.get(doc_id=customer_id)
        if current is None:  # removed since (a revert settling a purchase): nothing to keep
            return
        # A new dict of the stored one's values and numbers: the store takes it as it is
        # (an import rewrites a customer per purchase; a JSON copy was most of that cost).
        doc = {**current, **totals}
        doc.pop("order_days", None)
        if earned:
            doc["loyalty_points"] = (doc.get("loyalty_points") or 0) + earned
            doc["points_earned"] = (doc.get("points_earned") or 0) + earned
        self.customers.replace_owned(customer_id, doc)

    def rebuild_totals(self, customer_id: int) -> None:
        """Recompute one customer's totals from scratch (used after imports and reverts)."""
        with self.changes.change("Rebuild totals", audit="none", undoable=False):
            totals = compute_totals(self._customer_documents(customer_id))
            self._store_totals(int(customer_id), totals.to_dict())


def earned_points(purchase: Mapping[str, Any], loyalty: LoyaltySettings) -> int:
    """`SalesService.points` under these loyalty settings."""
    if purchase.get("status") != COMPLETED:
        return 0
    points = points_for_purchase(purchase["total"], loyalty)
    if points > MAX_POINTS:
        raise ValidationError("total", "is too large: it would earn more loyalty points "
                                       f"than one entry can hold ({MAX_POINTS:,})")
    return points


@dataclass
class _Pending:
    """A customer's purchases the writer has written and not yet added to their totals,
    and the points those earned."""

    orders: NewOrders = field(default_factory=NewOrders)
    earned: int = 0


class PurchaseWriter:
    """Records checked purchases (`SalesService.checked`) about live customers, many in one
    commit, leaving exactly the documents `record` leaves one purchase at a time.

    Each purchase and its ledger entry are written at once (ids in order, and a later row
    of the same commit finds the purchase). The customer's totals and points are added up
    and written once per customer by `flush`, which must run in the same commit, before
    anything else reads or writes those customers: a customer document is the largest
    thing a purchase rewrites, so writing it once per batch rather than two or three times
    per purchase is most of the saving.
    """

    def __init__(self, sales: SalesService) -> None:
        self.sales = sales
        self._pending: dict[int, _Pending] = {}
        self._stamp: str | None = None
        self._loyalty: LoyaltySettings | None = None

    def points(self, values: Mapping[str, Any]) -> int:
        """`SalesService.points`, the loyalty settings read once per commit: the commit
        holds the store's lock, so no session changes them meanwhile."""
        loyalty = self._loyalty
        if loyalty is None:
            loyalty = self._loyalty = self.sales.ctx.settings.loyalty
        return earned_points(values, loyalty)

    def add(self, values: Mapping[str, Any], points: int,
            extra: Mapping[str, Any] | None = None) -> int:
        """Write one purchase and its ledger entry; returns its id. `extra`: fields set
        over `values` (its customer and product when the caller settled them apart, the
        import batch): the document is built in one copy, once per imported row."""
        sales = self.sales
        stamp = self._stamp
        if stamp is None:  # one time for the batch: it is saved in one commit
            stamp = self._stamp = sales.ctx.clock.stamp()
        doc = stamped_new(values, stamp, sales.ctx.staff)
        doc["points"] = points
        if extra:
            doc.update(extra)
        purchase_id = sales.table.insert_owned(doc)
        customer_id = doc["customer_id"]
        pending = self._pending.get(customer_id)
        if pending is None:
            pending = self._pending[customer_id] = _Pending()
        pending.orders.add(doc["date"], doc["total"], doc["status"])
        if points:
            sales.loyalty.purchase_earning(customer_id, points, doc["date"], purchase_id,
                                           stamp)
            pending.earned += points
        return purchase_id

    def flush(self) -> None:
        """Write each customer's totals and points (inside the purchases' commit)."""
        sales = self.sales
        for customer_id, pending in self._pending.items():
            customer = sales.customers.stored(customer_id)
            if customer is not None:
                sales._store_totals(customer_id, pending.orders.stored_after(customer),
                                    pending.earned, customer)
        self.discard()

    def discard(self) -> None:
        """Forget what was added: the commit it was written in rolled back."""
        self._pending.clear()
        self._stamp = None
        self._loyalty = None
