"""Edits that know what they started from: the one rule every edit with a base goes through.

A form remembers the record as it read it (its base). Its save sends only the fields the
person changed; the service works out the record as the save would leave it (after) from
the record as stored now (current), inside the save's transaction, and asks `check_edit`:

    a field clashes when the save would change it (after != current) and someone else
    changed it since the base was read (base != current).

So a field only someone else changed is kept (the save does not touch it), a field only
this save changes is written, and the same change made twice is no clash. A clash writes
nothing: `EditConflict` says, per field, what the base held, what is stored now (theirs),
what this save would write (mine), and who changed it and when (the audit log's entry, or
the import that did). The caller then chooses: send again without those fields (keep
theirs), send again with the current record as its base (overwrite), or reload.

Edits without a base (scripts, imports, one-key actions) write their fields as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from crm_tui.domain.errors import ValidationError

from . import tables
from .context import ServiceContext

Record = Mapping[str, Any]
# Kept by the services as a record is written, never what a person changes.
BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "created_by", "import_batch",
                         "stage_changed_at"})


@dataclass(frozen=True)
class Clash:
    """One field two sessions changed: what it was, theirs now, and what this save wrote."""

    field: str
    base: Any
    theirs: Any
    mine: Any
    who: str | None  # who changed it (None: nothing in the audit log says)
    at: str | None  # when, as the audit log stamps it
    action: str | None = None  # what they did ("Edit customer", "Import customers")


class EditConflict(ValidationError):
    """Another session changed fields this save also changes; nothing was written.

    `current` is the record as stored now, in the shape the base was given in: the next
    save's base when the person chooses to overwrite or reload.
    """

    def __init__(self, entity: str, record_id: int, clashes: list[Clash],
                 current: dict[str, Any]) -> None:
        self.entity = entity
        self.record_id = record_id
        self.clashes = clashes
        self.current = current
        first, *rest = clashes
        super().__init__(first.field, describe(first),
                         more={c.field: describe(c) for c in rest})


def describe(clash: Clash) -> str:
    """One line naming who changed the field, when, and both values."""
    by = f" by {clash.who}" if clash.who else ""
    when = f" at {clash.at.replace('T', ' ')}" if clash.at else ""
    return (f"changed{by}{when} since you opened it: now {clash.theirs!r}, "
            f"yours {clash.mine!r}")


def clashing(base: Record, current: Record, after: Record) -> list[str]:
    """The fields the save would change that someone else changed since `base`."""
    names = (set(current) | set(after)) - BOOKKEEPING
    return sorted(name for name in names
                  if after.get(name) != current.get(name)
                  and base.get(name) != current.get(name))


def check_edit(ctx: ServiceContext, table: str, record_id: int, base: Record,
               current: Record, after: Record, *, shown: dict[str, Any] | None = None,
               source: Callable[[str], str] = str) -> None:
    """Raise EditConflict when the save (current -> after) clashes with changes made since
    `base`. `table`/`record_id` name the stored record the audit log tells about; `source`
    maps a field to the stored field holding it ("address.city" -> "addresses"); `shown`
    is `current` as the caller gave the base (default: `current`). Call inside the save's
    transaction, so nobody can write between the check and the save."""
    names = clashing(base, current, after)
    if not names:
        return
    history = _History(ctx, table, record_id, base, current)
    clashes = [Clash(name, base.get(name), current.get(name), after.get(name),
                     *history.last_change(source(name))) for name in names]
    raise EditConflict(table, record_id, clashes,
                       dict(shown if shown is not None else current))


class _History:
    """Who last changed a stored field of one record: its newest audit entry naming the
    field, or the import that changed the record since the base (imports write one entry
    for the whole batch, naming no record)."""

    def __init__(self, ctx: ServiceContext, table: str, record_id: int, base: Record,
                 current: Record) -> None:
        # The audit service indexes entries by record (every Crm session builds it).
        entries = ctx.db.table(tables.AUDIT).find("entity", (table, record_id))
        self.entries = sorted(entries, key=lambda d: d.doc_id, reverse=True)
        self.imported = self._import(ctx, base, current)

    @staticmethod
    def _import(ctx: ServiceContext, base: Record, current: Record) -> tuple[str, str, str] | None:
        batch = current.get("import_batch")
        if not batch or batch == base.get("import_batch"):
            return None
        for doc in ctx.db.table(tables.IMPORTS):
            if doc.get("batch") == batch:
                when = current.get("updated_at") or doc.get("at")
                return str(doc.get("who") or ""), str(when or ""), f"Import {doc.get('kind')}"
        return None

    def last_change(self, field: str) -> tuple[str | None, str | None, str | None]:
        entry = next((e for e in self.entries if field in (e.get("changes") or {})), None)
        found = None if entry is None else (entry.get("who"), entry.get("at"),
                                             entry.get("action"))
        imported = self.imported
        if imported is not None and (found is None or str(found[1] or "") <= imported[1]):
            return imported
        return found if found is not None else (None, None, None)

