"""Customers: create, edit, soft delete and restore, notes, tags, segment override, profile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from crm_tui.domain.entities.customer import display_name, validate_customer
from crm_tui.domain.entities.note import validate_note
from crm_tui.domain.errors import ValidationError
from crm_tui.store import StoreTable
from crm_tui.store.indexes import Held, add_id, discard_id, id_set

from . import customer_fields, tables
from .changes import Changes
from .context import ServiceContext
from .customer_records import NAME_ORDER, list_order
from .edits import check_edit
from .profiles import CustomerProfile, profile_of
from .records import documents_of, ensure_unique, fetch, stamped_new, with_id

TABLE = tables.CUSTOMERS
# Kept by the services (totals, loyalty counters, lifecycle of the record), never typed in.
SERVICE_FIELDS = (
    "created_at", "updated_at", "created_by", "deleted_at", "erased", "order_count",
    "total_spent", "first_order_date", "last_order_date", "order_days", "loyalty_points",
    "points_earned", "import_batch",
)
ZERO_TOTALS = {"order_count": 0, "total_spent": 0, "first_order_date": None,
               "last_order_date": None, "loyalty_points": 0,
               "points_earned": 0}


def email_key(doc: Mapping[str, Any]) -> str | None:
    email = doc.get("email")
    return email.lower() if isinstance(email, str) and email else None


def external_key(doc: Mapping[str, Any]) -> str | None:
    return doc.get("external_id") or None


def _describe(doc: Mapping[str, Any]) -> str:
    return display_name(doc)


def _least(held: Held | None) -> int | None:
    """The lowest id under a key, as `min(id_set(held))` without making the set."""
    if held is None:
        return None
    return held if isinstance(held, int) else min(held)


class CustomerKeys:
    """Who has which email and external id, kept in step with the customers table by the
    store (an observer, see DocObserver), for imports: a purchase row names its customer
    by one of them, and asking the table costs several store calls per row. Built on the
    first question after the table (re)loads, like the table's own indexes.
    """

    def __init__(self) -> None:
        self.name = f"customer_keys:{id(self)}"  # unique: a taken name would replace one
        self._email: dict[str, Held] = {}
        self._external: dict[str, Held] = {}
        self._deleted: set[int] = set()
        self._pending: Mapping[int, Mapping[str, Any]] | None = None
        self._live = False  # only once the table is loaded (never after an unload)

    # ----- observer (called by the store under its lock; must not read the store) --------
    def add(self, doc_id: int, doc: Mapping[str, Any]) -> None:
        if self._pending is not None:
            return  # the pending build sees this document (the mapping is the live table)
        for keys, key in ((self._email, email_key(doc)), (self._external, external_key(doc))):
            if key is not None:
                add_id(keys, key, doc_id)
        if doc.get("deleted_at"):
            self._deleted.add(doc_id)

    def discard(self, doc_id: int, doc: Mapping[str, Any]) -> None:
        if self._pending is not None:
            return
        for keys, key in ((self._email, email_key(doc)), (self._external, external_key(doc))):
            if key is not None:
                discard_id(keys, key, doc_id)
        self._deleted.discard(doc_id)

    def replace(self, doc_id: int, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        if (old.get("email") == new.get("email")
                and old.get("external_id") == new.get("external_id")
                and old.get("deleted_at") == new.get("deleted_at")):
            return  # keys and standing as they were (a purchase moving the totals, say)
        if (email_key(old) != email_key(new) or external_key(old) != external_key(new)
                or bool(old.get("deleted_at")) != bool(new.get("deleted_at"))):
            self.discard(doc_id, old)
            self.add(doc_id, new)

    def rebuild(self, docs: Mapping[int, Mapping[str, Any]]) -> None:
        self._email, self._external, self._deleted = {}, {}, set()
        self._pending, self._live = docs, True

    def clear(self) -> None:
        self.rebuild({})
        self._live = False

    # ----- questions ---------------------------------------------------------------------
    def _ready(self) -> bool:
        """Whether the keys hold the table, built first if a build is pending."""
        if not self._live:
            return False
        if self._pending is not None:
            docs, self._pending = self._pending, None
            for doc_id, doc in docs.items():
                self.add(doc_id, doc)
        return True

    def ids(self, email: str | None, external_id: str | None
            ) -> tuple[set[int], set[int]] | None:
        """The customers (deleted ones too) with this email key and with this external id,
        as the table's indexes would answer; None when the table is not loaded (ask it).
        Ask inside a transaction (the store's lock keeps the answer current); the sets are
        the caller's own."""
        if not self._ready():
            return None
        return (id_set(self._email.get(email)) if email else set(),
                id_set(self._external.get(external_id)) if external_id else set())

    def taken(self, email: str | None, external_id: str | None, *,
              exclude: int | None = None) -> bool | None:
        """Whether a customer (deleted ones too) other than `exclude` has this email key or
        this external id; None when the table is not loaded (ask it). Ask as for `ids`."""
        if not self._ready():
            return None
        for keys, key in ((self._email, email), (self._external, external_id)):
            held = keys.get(key) if key else None
            if held is not None and (held != exclude if held.__class__ is int
                                     else bool(held - {exclude})):  # type: ignore[operator]
                return True
        return False

    def live(self, email: str | None, external_id: str | None) -> int | None:
        """The live customer these keys name for sure (one has the email, one the external
        id, and they agree), or None: ask the table (not loaded, nobody, a conflict, a
        deleted customer: the long way says which). Ask as for `ids`."""
        if not self._ready():
            return None
        by_email = _least(self._email.get(email)) if email else None
        by_external = _least(self._external.get(external_id)) if external_id else None
        if by_email is not None and by_external is not None and by_email != by_external:
            return None
        found = by_email if by_email is not None else by_external
        return None if found is None or found in self._deleted else found

    def deleted(self, customer_id: int) -> bool:
        """Whether the customer is soft-deleted (valid right after `ids` answered)."""
        return customer_id in self._deleted


class CustomerService:
    def __init__(self, ctx: ServiceContext, changes: Changes) -> None:
        self.ctx = ctx
        self.changes = changes
        self.table: StoreTable = ctx.db.table(TABLE)
        self.table.create_index("email", email_key)
        self.table.create_index("external_id", external_key)
        # Ids only on disk (names are personal data): the list's first rows at start-up.
        self.table.create_index(NAME_ORDER, list_order, kind="order")
        self._keys: CustomerKeys | None = None

    def keys(self) -> CustomerKeys:
        """Emails and external ids -> customers, for imports (observed from the first call
        on, so sessions that never import never pay for it)."""
        if self._keys is None:
            self._keys = CustomerKeys()
            self.ctx.db.observe(TABLE, self._keys)
        return self._keys

    # ----- reading -----------------------------------------------------------------------
    def get(self, customer_id: int, *, include_deleted: bool = False) -> dict[str, Any]:
        return with_id(fetch(self.table, "customer", customer_id,
                             include_deleted=include_deleted))

    def display_names(self, ids: Iterable[int | None]) -> dict[int, str]:
        """Each customer's display name (deleted ones' too; "" for no such customer), the
        customers read all at once: for lists naming the customer of each record."""
        wanted = {int(i) for i in ids if i is not None}
        found = {doc.doc_id: display_name(doc) for doc in documents_of(self.table, wanted)}
        return {i: found.get(i, "") for i in wanted}

    def find_by_email(self, email: str) -> dict[str, Any] | None:
        ids = self.table.find_ids("email", email.strip().lower())
        return self.get(min(ids), include_deleted=True) if ids else None

    def find_by_external_id(self, external_id: str) -> dict[str, Any] | None:
        ids = self.table.find_ids("external_id", external_id)
        return self.get(min(ids), include_deleted=True) if ids else None

    def all(self, *, include_deleted: bool = False) -> Iterator[dict[str, Any]]:
        for doc in self.table:
            if include_deleted or not doc.get("deleted_at"):
                yield with_id(doc)

    def profile(self, customer_id: int, as_of: dt.date | None = None) -> CustomerProfile:
        doc = fetch(self.table, "customer", customer_id, include_deleted=True)
        return profile_of(doc.doc_id, doc, self.ctx.as_of(as_of), self.ctx.settings)

    # ----- writing -----------------------------------------------------------------------
    def _validated(self, data: Mapping[str, Any], *, exclude: int | None = None) -> dict[str, Any]:
        values = validate_customer(data, today=self.ctx.clock.today())
        if self._surely_unique(values, exclude):
            return values
        ensure_unique(self.table, "email", email_key(values), "email",
                      exclude=exclude, describe=_describe)
        ensure_unique(self.table, "external_id", external_key(values), "external_id",
                      exclude=exclude, describe=_describe)
        return values

    def _surely_unique(self, values: Mapping[str, Any], exclude: int | None) -> bool:
        """Whether `keys` (kept during imports) shows nobody else has the email or the
        external id: then the uniqueness checks, two store reads, can be skipped."""
        keys = self._keys
        return keys is not None and keys.taken(email_key(values), external_key(values),
                                               exclude=exclude) is False

    def create(self, data: Mapping[str, Any], *, stamp: Mapping[str, Any] | None = None) -> int:
        """Add a customer; returns its id. Raises ValidationError naming every bad field.
        `stamp`: bookkeeping fields to write with it (an import's batch)."""
        with self.changes.change("New customer"):
            values = self._validated(data)
            doc = stamped_new({**values, **ZERO_TOTALS}, self.ctx.clock.stamp(), self.ctx.staff)
            if stamp:
                doc.update(stamp)
            # The validator built every value afresh, of JSON types only (a test holds it
            # to that): the store may take the document without copying it.
            return self.table.insert_owned(doc)

    def update(self, customer_id: int, changes: Mapping[str, Any], *,
               base: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Edit fields; the whole record is re-validated so cross-field rules hold.

        `changes` may name parts of the default address and single preferences as a form
        does (`address.city`, `preferences.sms_opt_in`: see `customer_fields`). With
        `base` (the record as the editor read it) the edit is refused with EditConflict
        when it changes a field someone else changed since (see `edits`)."""
        with self.changes.change("Edit customer"):
            current = fetch(self.table, "customer", customer_id)
            editable = {k: v for k, v in current.items() if k not in SERVICE_FIELDS}
            merged = customer_fields.apply(editable, changes)
            values = self._validated(merged, exclude=current.doc_id)
            # Notes keep their numbers (the note validator does not know about them).
            for note, given in zip(values.get("notes") or [], merged.get("notes") or [],
                                   strict=False):
                if isinstance(given, dict) and given.get("id") is not None:
                    note["id"] = given["id"]
            kept = {k: current[k] for k in SERVICE_FIELDS if k in current}
            after = {**values, **kept, "updated_at": self.ctx.clock.stamp()}
            if base is not None:
                flat = customer_fields.flat
                check_edit(self.ctx, TABLE, current.doc_id, flat(base), flat(current),
                           flat(after), shown=with_id(current), source=customer_fields.source)
            self.table.replace(current.doc_id, after)
        return self.get(customer_id)

    def _patch(self, label: str, customer_id: int, fields: Mapping[str, Any], *,
               include_deleted: bool = False) -> None:
        with self.changes.change(label):
            doc = fetch(self.table, "customer", customer_id, include_deleted=include_deleted)
            self.table.update({**fields, "updated_at": self.ctx.clock.stamp()},
                              doc_ids=[doc.doc_id])

    def delete(self, customer_id: int) -> None:
        """Soft delete: hidden everywhere, kept (with its history) until restored or erased."""
        self._patch("Delete customer", customer_id, {"deleted_at": self.ctx.clock.stamp()})

    def restore(self, customer_id: int) -> None:
        doc = fetch(self.table, "customer", customer_id, include_deleted=True)
        if not doc.get("deleted_at"):
            raise ValidationError("customer", f"#{customer_id} is not deleted")
        if doc.get("erased"):
            raise ValidationError("customer", f"#{customer_id} was erased (GDPR) for good")
        with self.changes.change("Restore customer"):
            self._validated(
                {k: v for k, v in doc.items() if k not in SERVICE_FIELDS}, exclude=doc.doc_id
            )
            self._patch("Restore customer", customer_id, {"deleted_at": None},
                        include_deleted=True)

    def set_tags(self, customer_id: int, tags: Any) -> list[str]:
        values = validate_customer({"tags": tags}, today=self.ctx.clock.today(), partial=True)
        self._patch("Set tags", customer_id, {"tags": values["tags"]})
        return list(values["tags"])

    # ----- notes -------------------------------------------------------------------------
    def add_note(self, customer_id: int, data: Mapping[str, Any]) -> int:
        """Add a note (type, priority, pinned, text); returns the note's number."""
        today = self.ctx.clock.today()
        note = validate_note({"author": self.ctx.staff, **data, "created_at":
                              self.ctx.clock.stamp()}, today=today)
        with self.changes.change("Add note"):
            doc = fetch(self.table, "customer", customer_id)
            notes = list(doc.get("notes") or [])
            note["id"] = max((n.get("id", 0) for n in notes), default=0) + 1
            self._patch("Add note", customer_id, {"notes": [*notes, note]})
            return int(note["id"])

    def update_note(self, customer_id: int, note_id: int, changes: Mapping[str, Any], *,
                    base: Mapping[str, Any] | None = None) -> None:
        """Edit a note's fields; with `base` (the note as the editor read it), refused with
        EditConflict when another session changed the same fields since (see `edits`)."""
        with self.changes.change("Edit note"):
            doc = fetch(self.table, "customer", customer_id)
            notes = [dict(n) for n in doc.get("notes") or []]
            for i, note in enumerate(notes):
                if note.get("id") == note_id:
                    merged = validate_note({**note, **changes}, today=self.ctx.clock.today())
                    notes[i] = {**merged, "id": note_id}
                    if base is not None:
                        check_edit(self.ctx, TABLE, customer_id, base, note, notes[i],
                                   shown={**note, "customer_id": customer_id},
                                   source=lambda _: "notes")
                    break
            else:
                raise ValidationError("note", f"customer #{customer_id} has no note {note_id}")
            self._patch("Edit note", customer_id, {"notes": notes})

    def notes(self, customer_id: int) -> list[dict[str, Any]]:
        """Pinned first, then newest first."""
        notes = list(self.get(customer_id, include_deleted=True).get("notes") or [])
        notes.sort(key=lambda n: n.get("created_at") or "", reverse=True)
        return sorted(notes, key=lambda n: not n.get("pinned"))
