"""Record or edit a purchase: a product from the catalogue (filling item and unit price) or
a free-text item, quantity, unit price; or, for an order of several lines, its items typed
one per line ("2 x Mug @ 12.50 [SKU]", the domain's one line parser reads them, and they
replace item, quantity and unit price); shipping, tax and discount, an optional total,
date, payment, status and a note."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.widgets import Input, Select

from crm_tui.domain.entities.order_lines import lines_text
from crm_tui.domain.entities.purchase import PAYMENT_METHODS, PURCHASE_STATUSES

from .base import FormField, field_id
from .common import CustomerRecordForm, Record, customer_field, money_text, with_choices

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

PRODUCT = "product_id"
LINES = "lines"


class PurchaseForm(CustomerRecordForm):
    NOUN = "purchase"
    LOCK_CUSTOMER_ON_EDIT = True  # the service refuses to move a purchase
    FIELDS: ClassVar[list[FormField]] = [
        customer_field(),
        FormField(PRODUCT, "Product", "choice", placeholder="none: type the item"),
        FormField("item", "Item", placeholder="what was bought"),
        FormField("quantity", "Quantity", "int"),
        FormField("unit_price", "Unit price", "money", placeholder="e.g. 1,200.50"),
        FormField(LINES, "Items", "multiline",
                  placeholder="one per line, e.g. 2 x Mug @ 12.50 [SKU]"),
        FormField("shipping", "Shipping", "money"),
        FormField("tax", "Tax", "money"),
        FormField("discount", "Discount", "money"),
        FormField("total", "Total", "money", placeholder="blank: worked out from the above"),
        FormField("date", "Date", "date"),
        FormField("payment_method", "Payment", "choice", PAYMENT_METHODS),
        FormField("status", "Status", "choice", PURCHASE_STATUSES),
        FormField("note", "Note"),
    ]

    def __init__(self, crm: Crm, *, record_id: int | None = None,
                 customer_id: int | None = None) -> None:
        super().__init__(crm, record_id=record_id, customer_id=customer_id)
        # Products are chosen by name (names are unique); a retired product stays
        # choosable on the purchase that already names it.
        self.products = {p["name"]: p for p in crm.products.all(active_only=True)}
        if self.editing and self.stored.get(PRODUCT) is not None:
            current = crm.products.get(self.stored[PRODUCT])
            self.products.setdefault(current["name"], current)
        self.fields = with_choices(self.fields, PRODUCT, tuple(sorted(self.products)))

    def defaults(self) -> Record:
        return {"quantity": 1, "date": self.today.isoformat(), "status": "completed"}

    def initial_values(self) -> Record:
        values = super().initial_values()
        if self.editing:  # the stored product id, shown by its name; lines as typed
            ids = {p["id"]: name for name, p in self.products.items()}
            values[PRODUCT] = ids.get(values.get(PRODUCT))
            values[LINES] = lines_text(values.get(LINES) or [], "\n") or None
        return values

    def error_field(self, name: str) -> str:
        """A line's error ("lines[1].unit_price") shows under the items."""
        return LINES if name.startswith(f"{LINES}[") else name

    def load(self) -> Record:
        return self.crm.sales.get(self.record_id or 0)

    def _typed(self, values: Record) -> dict[str, Any]:
        """Values as the service takes them: the product's id for its name."""
        if PRODUCT not in values:
            return values
        product = self.products.get(values[PRODUCT] or "")
        return {**values, PRODUCT: product["id"] if product else None}

    def create(self, values: Record) -> object:
        return self.crm.sales.record(self._typed(values))

    def update(self, changes: Record) -> object:
        return self.crm.sales.update(self.record_id or 0, self._typed(changes), base=self.stored)

    @on(Select.Changed, f"#{field_id(PRODUCT)}")
    def _product_chosen(self, event: Select.Changed) -> None:
        """A product fills the item and its price (still editable: a discount, a variant)."""
        if event.value is Select.NULL or event.value == self._initial.get(PRODUCT):
            return  # also the change posted while the form is being filled on opening
        product = self.products[str(event.value)]
        self.query_one(f"#{field_id('item')}", Input).value = product["name"]
        price = self.query_one(f"#{field_id('unit_price')}", Input)
        price.value = money_text(product["price"]) or ""
