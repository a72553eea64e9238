"""The product catalog: unique names, prices in cents, active or retired."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from crm_tui.domain.entities.product import product_key, validate_product
from crm_tui.store import StoreTable

from . import tables
from .changes import Changes
from .context import ServiceContext
from .edits import check_edit
from .records import ensure_unique, fetch, stamped_new, with_id

TABLE = tables.PRODUCTS


def _name_key(doc: Mapping[str, Any]) -> str | None:
    name = doc.get("name")
    return product_key(name) if isinstance(name, str) and name.strip() else None


class ProductService:
    def __init__(self, ctx: ServiceContext, changes: Changes) -> None:
        self.ctx = ctx
        self.changes = changes
        self.table: StoreTable = ctx.db.table(TABLE)
        self.table.create_index("name", _name_key)

    def get(self, product_id: int) -> dict[str, Any]:
        return with_id(fetch(self.table, "product", product_id))

    def find_by_name(self, name: str) -> dict[str, Any] | None:
        ids = self.table.find_ids("name", product_key(name))
        return self.get(min(ids)) if ids else None

    def all(self, *, active_only: bool = False) -> Iterator[dict[str, Any]]:
        for doc in self.table:
            if not doc.get("deleted_at") and (doc.get("active", True) or not active_only):
                yield with_id(doc)

    def _validated(self, data: Mapping[str, Any], exclude: int | None = None) -> dict[str, Any]:
        values = validate_product(data, today=self.ctx.clock.today())
        ensure_unique(self.table, "name", _name_key(values), "name", exclude=exclude,
                      describe=lambda d: f"product #{d.doc_id}")
        return values

    def create(self, data: Mapping[str, Any]) -> int:
        with self.changes.change("New product"):
            values = self._validated(data)
            return self.table.insert(stamped_new(values, self.ctx.clock.stamp(), self.ctx.staff))

    def update(self, product_id: int, changes: Mapping[str, Any], *,
               base: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Edit fields; with `base` (the product as the editor read it), refused with
        EditConflict when another session changed the same fields since (see `edits`)."""
        with self.changes.change("Edit product"):
            current = fetch(self.table, "product", product_id)
            edit = validate_product(changes, today=self.ctx.clock.today(), partial=True,
                                    current=current)
            if base is not None:
                check_edit(self.ctx, TABLE, current.doc_id, base, current,
                           {**current, **edit}, shown=with_id(current))
            ensure_unique(self.table, "name", _name_key({**current, **edit}), "name",
                          exclude=current.doc_id, describe=lambda d: f"product #{d.doc_id}")
            self.table.update({**edit, "updated_at": self.ctx.clock.stamp()},
                              doc_ids=[current.doc_id])
        return self.get(product_id)

    def retire(self, product_id: int) -> None:
        """Products with sales are never deleted (revenue by product must stay right)."""
        self.update(product_id, {"active": False})
