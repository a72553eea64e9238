"""Customer rows: from mapped columns to the customer service's input, and the upsert.

A customer is matched on email (case-insensitive) or external id, both through the
service's indexes, so a customer is never created twice, also when one file names them
twice; a row of our own export without either is matched on its id and creation day.
A full `Name` is split into first and last name (or is the company's name for a corporate
customer). City, region, country... fill the default address and opt-in columns fill the
preferences; on an update, only the cells given change anything.

What other tools' exports say in their own way is read here too: a second address line
joins the street ("Address2"), a whole address in one cell becomes the street (its parts,
which Mailchimp separates by two spaces, by commas), a second phone is the phone when there
is none, an opt-out is the opt-in's opposite, a subscription status ("subscribed") the
email opt-in, another CRM's stage ("Lifecycle Stage": Lead) a tag `stage: Lead` (added to
a stored customer's tags in place of their previous stage), and a creation date ("Create
Date") the new customer's `created_at` (a customer already here keeps theirs).

A customer found by email who has an external id keeps it when a row gives another: a
customer brought in from several tools (a Shopify id, then a HubSpot record id) keeps the
first, so re-importing the first tool's files still finds them by it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crm_tui.domain.dates import parse_datetime
from crm_tui.domain.entities.common import (
    TAG_MAX_LEN,
    clean_text,
    enum_key,
    is_blank,
    parse_bool,
    parse_tags,
)
from crm_tui.domain.entities.customer import display_name, split_full_name, validate_customer
from crm_tui.domain.errors import ValidationError
from crm_tui.services import tables

from .mapping import PLACE_FIELDS, PREFERENCE_FIELDS
from .plans import (
    ImportContext,
    Plan,
    RowHandler,
    duplicate_plan,
    key_text,
    renamed,
    stored_record,
    unchanged,
)

CUSTOMERS = tables.CUSTOMERS
PLAIN_FIELDS = ("kind", "first_name", "last_name", "company_name", "email", "phone", "company",
                "industry", "customer_type", "source", "status", "tags", "segment_override",
                "external_id", "owner")
SUBSCRIBED = frozenset({"subscribed", "opted_in", "optin", "yes"})
STAGE = "stage: "  # the tag keeping another CRM's stage: "stage: Lead"
_PARTS = re.compile(r"\s{2,}|\t")  # between the parts of a one-cell address
# Which group of CustomerInput each column fills: plain fields, the address, preferences.
_GROUP_OF = {**dict.fromkeys(PLAIN_FIELDS, 0), **dict.fromkeys(PLACE_FIELDS, 1),
             **dict.fromkeys(PREFERENCE_FIELDS, 2)}
_UNSET: Any = object()


def column_name(error_field: str) -> str:
    """Where an error about a nested field points in a flat file: "preferences.sms_opt_in"
    is the sms_opt_in column, "addresses[0].city" the city column."""
    if error_field.startswith("preferences."):
        return error_field.removeprefix("preferences.")
    if error_field.startswith("addresses[") and "]." in error_field:
        return error_field.split("].", 1)[1]
    return error_field


def _corporate(kind: Any) -> bool:
    return isinstance(kind, str) and enum_key(kind) in ("corporate", "company", "business")


@dataclass
class CustomerInput:
    """A row's customer fields, grouped the way the customer document nests them."""

    values: dict[str, Any]
    place: dict[str, Any] = field(default_factory=dict)
    preferences: dict[str, Any] = field(default_factory=dict)
    override: Any = _UNSET  # the manual segment, from segment_overridden + lifecycle_segment
    note: Any = None  # text for a note (added once: a re-import does not repeat it)
    created_at: str | None = None  # when another system first had them (new customers)
    stage: str | None = None  # another CRM's stage, kept as the tag STAGE + stage

    @classmethod
    def read(cls, fields: Mapping[str, Any]) -> CustomerInput:
        # `given` for the three groups in one pass over the row (this runs for every row).
        groups: tuple[dict[str, Any], ...] = ({}, {}, {})
        extras = False
        for name, value in fields.items():
            group = _GROUP_OF.get(name)
            if group is not None:
                # is_blank written out: a file's cells are text, mostly given.
                if value.__class__ is str:
                    if value and not value.isspace():
                        groups[group][name] = value
                elif not is_blank(value):
                    groups[group][name] = value
            elif name in _EXTRAS:
                extras = True
        values, place, preferences = groups
        if extras:
            _read_extras(fields, values, place, preferences)
        tags = values.get("tags")
        if isinstance(tags, str) and '"' in tags:  # Mailchimp's TAGS: "Customer","VIP"
            values["tags"] = tags.replace('"', "")
        full_name = fields.get("name")
        if not ({"first_name", "last_name"} & values.keys()) and not is_blank(full_name):
            text = clean_text(full_name, "name", max_len=200)
            if _corporate(values.get("kind")):
                values.setdefault("company_name", text)
            else:
                first, last = split_full_name(text)
                values.update({k: v for k, v in (("first_name", first), ("last_name", last))
                               if v})
        result = cls(values, place, preferences,
                     note=None if is_blank(fields.get("note")) else fields["note"],
                     created_at=_creation(fields.get("created_at")),
                     stage=_stage(fields.get("stage")))
        if not is_blank(fields.get("segment_overridden")):
            overridden = parse_bool(fields["segment_overridden"], "segment_overridden")
            result.override = fields.get("lifecycle_segment") if overridden else None
        return result

    def stamp(self, batch: Mapping[str, Any]) -> dict[str, Any]:
        """The bookkeeping fields a new customer is written with: the import's batch, and
        the creation date the row gives."""
        return dict(batch) if self.created_at is None else {**batch,
                                                            "created_at": self.created_at}

    def _tags(self, tags: Any) -> Any:
        """The tags with the row's stage in place of any earlier stage tag."""
        if self.stage is None:
            return tags
        listed = parse_tags(tags or [], "tags")
        kept = [tag for tag in listed if not tag.casefold().startswith(STAGE)]
        return [*kept, self.stage]

    def as_new(self) -> dict[str, Any]:
        """Input for a new customer. Without a person's name but with a company, the row
        describes a company: a corporate customer named after it."""
        data = dict(self.values)
        if self.stage is not None:
            data["tags"] = self._tags(data.get("tags"))
        person = data.get("first_name") or data.get("last_name")
        if "kind" not in data and not person and (data.get("company_name") or data.get("company")):
            data["kind"] = "corporate"
            data.setdefault("company_name", data.get("company"))
        if self.place:
            data["addresses"] = [{**self.place, "is_default": True}]
        if self.preferences:
            data["preferences"] = dict(self.preferences)
        if self.override is not _UNSET:
            data["segment_override"] = self.override
        if self.note is not None:
            data["notes"] = [{"text": self.note}]
        return data

    def _place_for(self, address: Mapping[str, Any]) -> dict[str, Any]:
        """The place cells for a stored address. Our exports show the city as the region
        when there is none (segments read it so): that is not a region to store."""
        place = dict(self.place)
        region, city = place.get("region"), place.get("city", address.get("city"))
        if (not address.get("region") and isinstance(region, str) and isinstance(city, str)
                and region.strip().casefold() == city.strip().casefold()):
            del place["region"]
        return place

    def as_changes(self, current: Mapping[str, Any]) -> dict[str, Any]:
        """The edit a row makes to a stored customer: given cells only; the place cells go
        into the default address (a new one if there is none), opt-ins into preferences;
        a stored external id is kept (see the module's doc)."""
        changes = dict(self.values)
        if current.get("external_id") and "external_id" in changes:
            del changes["external_id"]
        if self.stage is not None:
            changes["tags"] = self._tags(changes.get("tags", current.get("tags")))
        if self.place:
            addresses = [dict(a) for a in current.get("addresses") or []]
            default = next((i for i, a in enumerate(addresses) if a.get("is_default")), None)
            if default is None:
                addresses.append({**self.place, "is_default": True})
            else:
                addresses[default].update(self._place_for(addresses[default]))
            changes["addresses"] = addresses
        if self.preferences:
            changes["preferences"] = {**(current.get("preferences") or {}), **self.preferences}
        if self.override is not _UNSET:
            changes["segment_override"] = self.override
        notes = list(current.get("notes") or [])
        if self.note is not None and str(self.note).strip() not in {n.get("text") for n in notes}:
            changes["notes"] = [*notes, {"text": self.note}]
        return changes


_EXTRAS = frozenset({"street2", "full_address", "alt_phone", "email_opt_out",
                     "email_subscription"})


def _read_extras(fields: Mapping[str, Any], values: dict[str, Any], place: dict[str, Any],
                 preferences: dict[str, Any]) -> None:
    """What a row says of the customer in another tool's terms (see the module's doc)."""
    def cell(name: str) -> str | None:
        value = fields.get(name)
        return None if is_blank(value) else clean_text(value, name, max_len=500)

    street2, whole = cell("street2"), fields.get("full_address")
    if street2 is not None:
        place["street"] = f"{place['street']}, {street2}" if place.get("street") else street2
    if "street" not in place and not is_blank(whole):
        place["street"] = ", ".join(p for p in _PARTS.split(str(whole).strip()) if p.strip())
    if "phone" not in values and (phone := cell("alt_phone")) is not None:
        values["phone"] = phone
    if (opt_out := cell("email_opt_out")) is not None:
        preferences["email_opt_in"] = not parse_bool(opt_out, "email_opt_out")
    if (status := cell("email_subscription")) is not None:
        preferences["email_opt_in"] = enum_key(status) in SUBSCRIBED


def _stage(value: Any) -> str | None:
    """Another CRM's stage (HubSpot's Lifecycle Stage) as the tag that keeps it."""
    if is_blank(value):
        return None
    return STAGE + clean_text(value, "stage", max_len=TAG_MAX_LEN - len(STAGE))


def _creation(value: Any) -> str | None:
    """Another system's creation date or time as a `created_at` stamp: its wall-clock
    time as written (our stamps are local and carry no offset), seconds included."""
    if is_blank(value):
        return None
    moment = parse_datetime(value, "created_at")
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def validated_customer(data: Mapping[str, Any], today: Any) -> dict[str, Any]:
    try:
        return validate_customer(data, today=today)
    except ValidationError as exc:
        raise renamed(exc, column_name) from None


def match_keys(email: Any, external_id: Any, prefix: str) -> tuple[str | None, str | None]:
    """A row's email and external id as the customers' keys hold them (ValidationError
    naming `{prefix}external_id` for an id no customer could have)."""
    email_key = str(email).strip().lower() if email is not None else None
    ext_key = key_text(external_id, f"{prefix}external_id") if external_id is not None else None
    return email_key, ext_key


def match_customer(ctx: ImportContext, email: Any, external_id: Any, *,
                   prefix: str = "") -> tuple[dict[str, Any] | None, str]:
    """The stored customer with this email or external id (None), and the field that
    matched; ValidationError when the two name different customers."""
    service = ctx.crm.customers
    email_key, ext_key = match_keys(email, external_id, prefix)
    if service.keys().taken(email_key, ext_key) is False:  # nobody: no store call needed
        return None, f"{prefix}external_id"
    by_email = service.find_by_email(email_key) if email_key else None
    by_ext = service.find_by_external_id(ext_key) if ext_key else None
    if by_email and by_ext and by_email["id"] != by_ext["id"]:
        raise ValidationError(
            f"{prefix}external_id", f"{ext_key!r} is {describe(by_ext)}'s, but the email "
                                    f"{email_key} is {describe(by_email)}'s")
    if by_email:
        return by_email, f"{prefix}email"
    return by_ext, f"{prefix}external_id"


def match_customer_id(ctx: ImportContext, email: Any, external_id: Any, *,
                      prefix: str = "") -> int | None:
    """The id of the customer `match_customer` finds, or None; ValidationError as it
    raises, and for a deleted customer (`refuse_deleted`). A live customer the keys name
    for sure is found without reading the store: a purchase import asks for every row."""
    found = ctx.crm.customers.keys().live(*match_keys(email, external_id, prefix))
    if found is not None:
        return found
    match, key = match_customer(ctx, email, external_id, prefix=prefix)
    if match is None:
        return None
    refuse_deleted(match, key)
    return int(match["id"])


def describe(customer: Mapping[str, Any]) -> str:
    return f"customer #{customer['id']} ({display_name(customer)})"


def refuse_deleted(customer: Mapping[str, Any], field_name: str) -> None:
    if customer.get("deleted_at"):
        raise ValidationError(field_name, f"belongs to {describe(customer)}, who is deleted: "
                                          "restore them first")


class CustomerRows(RowHandler):
    kind = "customers"

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx

    def prepare(self, fields: Mapping[str, Any]) -> Plan:
        row = CustomerInput.read(fields)
        match, key = match_customer(self.ctx, row.values.get("email"),
                                    row.values.get("external_id"))
        if match is None:
            match, key = self._exported(fields), "id"
        if match is None:
            data, stamp = row.as_new(), row.stamp(self.ctx.batch.stamp)
            return Plan([(self.kind, "created")], lambda: self._create(data, stamp),
                        checked_by_apply=True)
        duplicate = duplicate_plan(self.ctx, self.kind, key, describe(match))
        if duplicate is not None:
            return duplicate
        refuse_deleted(match, key)
        changes = row.as_changes(match)
        try:  # only the given fields, checked against the stored record (cheap)
            edit = validate_customer(changes, today=self.ctx.today, partial=True, current=match)
        except ValidationError as exc:
            raise renamed(exc, column_name) from None
        if unchanged(match, edit):
            return Plan([(self.kind, "unchanged")])
        return Plan([(self.kind, "updated")], lambda: self._update(match["id"], changes))

    def _exported(self, fields: Mapping[str, Any]) -> dict[str, Any] | None:
        """The customer a row of our own export describes: same id, same creation day."""
        doc = stored_record(self.ctx, CUSTOMERS, fields)
        created = str(fields.get("created_at") or "").strip()[:10]
        if doc is not None and created and str(doc.get("created_at") or "")[:10] == created:
            return doc
        return None

    def _create(self, data: dict[str, Any], stamp: Mapping[str, Any]) -> None:
        try:
            customer_id = self.ctx.crm.customers.create(data, stamp=stamp)
        except ValidationError as exc:
            raise renamed(exc, column_name) from None
        self.ctx.batch.created(CUSTOMERS, customer_id, stamped=True)

    def _update(self, customer_id: int, changes: dict[str, Any]) -> None:
        self.ctx.batch.before_change(CUSTOMERS, customer_id)
        self.ctx.crm.customers.update(customer_id, changes)
        self.ctx.batch.after_change(CUSTOMERS, customer_id)
