"""Palette provider: "product: <name>" shows the products screen with it selected."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from crm_tui.domain.money import display_money
from crm_tui.tui.screens.products import ProductsScreen

from .records import Entry, RecordCommands

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm


class ProductCommands(RecordCommands):
    def entries(self, crm: Crm) -> list[Entry]:
        return [Entry(f"product: {p['name']}",
                      " · ".join(x for x in (p.get("category"), display_money(p["price"]),
                                             "active" if p.get("active", True) else "retired")
                                 if x),
                      partial(self._open, str(p["id"])))
                for p in crm.products.all()]

    async def _open(self, key: str) -> None:
        app = self.app
        await app.switch_mode("products")
        screen = app.get_screen_stack("products")[0]
        if isinstance(screen, ProductsScreen):
            screen.show_record(key)
