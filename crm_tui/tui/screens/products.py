"""Products: the catalog with what each product sold, new and edit through the product form,
retire and reactivate (products are never deleted: revenue by product must stay right)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from crm_tui.domain.money import display_money

from .record_list import Listing, RecordListScreen


class ProductsScreen(RecordListScreen):
    SUB_TITLE = "Products"
    COLUMNS: ClassVar = (("Product", None), ("Category", 12), ("Price", 10), ("Status", 7),
                         ("Sold", 5), ("Revenue", 12))
    EMPTY = "No products yet: {products.new} adds one. Purchases can also name free-text items."
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "form(False)", "New", id="products.new"),
        Binding("e,enter", "form(True)", "Edit", id="products.edit", priority=True),
        Binding("x", "retire", "Retire/reactivate", id="products.retire"),
    ]

    def fetch(self, theme: Mapping[str, str]) -> Listing:
        # Sales come from the revenue the store keeps: a session's first read loads it (or,
        # when it is not saved, scans the purchases), which is why this runs in a worker.
        sold = {r.product_id: r for r in self.crm.analytics.revenue_by_product()
                if r.product_id is not None}
        products = sorted(self.crm.products.all(),
                          key=lambda p: (not p.get("active", True), p["name"].casefold()))
        rows = []
        for p in products:
            sales = sold.get(p["id"])
            active = p.get("active", True)
            status = (Text("active", style=theme.get("success", "")) if active
                      else Text("retired", style="dim"))
            rows.append((str(p["id"]), (
                p["name"], p.get("category") or "", _right(display_money(p["price"])), status,
                _right(f"{sales.quantity:,}" if sales else "0"),
                _right(display_money(sales.revenue_cents if sales else 0)))))
        active_count = sum(1 for p in products if p.get("active", True))
        revenue = sum(r.revenue_cents for r in sold.values())
        summary = (f"{len(products)} products · {active_count} active · "
                   f"catalog revenue {display_money(revenue)}")
        return Listing(summary, rows)

    # ----- actions -----------------------------------------------------------------------
    def action_form(self, edit: bool) -> None:

        product_id = self.current_id() if edit else None
        if edit and product_id is None:
            return
        self.crm_app.open_form("product", record_id=product_id)

    def action_retire(self) -> None:
        product_id = self.current_id()
        if product_id is None:
            return
        product = self.crm.products.get(product_id)
        name = product["name"]
        if product.get("active", True):
            self.crm_app.confirm(
                f"Retire {name}? It is no longer offered for new purchases; its sales stay "
                "in every figure (x again reactivates it).",
                lambda: self.crm.products.retire(product_id), f"Retired {name}")
        else:
            self.crm_app.confirm(
                f"Reactivate {name}?",
                lambda: self.crm.products.update(product_id, {"active": True}),
                f"Reactivated {name}")


def _right(text: str) -> Text:
    return Text(text, justify="right")
