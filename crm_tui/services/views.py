"""Saved views of the customers list: a name for a search, its quick filters and its sort.

Kept in the database, so every session and `crm export customers --view NAME` share them.
Names are unique ignoring case; saving under a taken name replaces that view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from crm_tui.domain.errors import ChoiceError, ValidationError
from crm_tui.store import StoreTable

from . import tables
from .changes import Changes
from .context import ServiceContext
from .customer_list import ListQuery
from .records import stamped_new
from .selection import listed

TABLE = tables.VIEWS
NAME_LENGTH = 60
# What a view keeps of the list's query (the trash is a place, not a view).
KEPT = tuple(f.name for f in fields(ListQuery) if f.name != "deleted")


@dataclass(frozen=True)
class SavedView:
    id: int
    name: str
    query: ListQuery


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _query(doc: Mapping[str, Any]) -> ListQuery:
    return ListQuery(**{k: doc[k] for k in KEPT if k in doc})


class ViewService:
    def __init__(self, ctx: ServiceContext, changes: Changes) -> None:
        self.ctx = ctx
        self.changes = changes
        self.table: StoreTable = ctx.db.table(TABLE)

    def all(self) -> list[SavedView]:
        """Every view, by name."""
        views = [SavedView(doc.doc_id, str(doc.get("name")), _query(doc)) for doc in self.table]
        return sorted(views, key=lambda v: _key(v.name))

    def _find(self, name: str) -> SavedView | None:
        return next((v for v in self.all() if _key(v.name) == _key(name)), None)

    def get(self, name: str) -> SavedView:
        """The view of that name (case ignored); ChoiceError listing the views if none."""
        found = self._find(name)
        if found is not None:
            return found
        names = [v.name for v in self.all()]
        if not names:
            raise ChoiceError("view", f"no view is named {name!r}; no view has been saved yet")
        raise ChoiceError("view", f"no view is named {name!r}; the saved views are:",
                          listed(names))

    def save(self, name: str, query: ListQuery) -> int:
        """Save `query` under `name` (replacing a view of that name); returns its id."""
        name = " ".join(name.split())
        if not name:
            raise ValidationError("name", "type a name for the view")
        if len(name) > NAME_LENGTH:
            raise ValidationError("name", f"at most {NAME_LENGTH} characters")
        values = {"name": name, **{k: getattr(query, k) for k in KEPT}}
        with self.changes.change("Save view"):
            existing = self._find(name)
            stamp = self.ctx.clock.stamp()
            if existing is None:
                return self.table.insert(stamped_new(values, stamp, self.ctx.staff))
            self.table.update({**values, "updated_at": stamp}, doc_ids=[existing.id])
            return existing.id

    def delete(self, name: str) -> None:
        view = self.get(name)
        with self.changes.change("Delete view"):
            self.table.remove(doc_ids=[view.id])
