"""Which field each column of an import file fills, per record kind.

Column names match a field ignoring case, spaces, `_`, `-`, `.` and `/` ("E-mail", "EMAIL",
"e_mail" are all `email`), or through the common aliases below ("Email Address", "Phone
Number", "Order Date", ...). `--map COLUMN=field` overrides both (`COLUMN=ignore` drops a
column). Columns of our own exports that are computed (totals, RFM, tier...) are known and
ignored quietly; any other column nothing maps to is reported once, never fatal.

Records that belong to a customer (purchases, interactions, deals, tasks, feedback) name
the customer through `customer_*` fields; there, plain `Email`, `Name`, `Phone` mean the
customer's (a deal's own name is `name`: the customer's is `Customer` or `Customer Name`).

A file exported by a tool people come from (Shopify, HubSpot, Mailchimp, Salesforce, Zoho,
Pipedrive: see formats.py) is recognised by its header; its own table then maps the
columns it knows, before the aliases, and the mapping says which format it is. Some
targets are not fields of the record but what a row says of it: an order's lines
(`line_item`, `line_quantity`, `line_unit_price`, `line_sku`: one line per row, see
order_rows.py), a second address line, a second phone, an opt-out... (see customer_rows.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from crm_tui.domain.entities.feedback import FEEDBACK_FIELDS
from crm_tui.domain.entities.interaction import INTERACTION_FIELDS
from crm_tui.domain.entities.opportunity import OPPORTUNITY_FIELDS
from crm_tui.domain.entities.product import PRODUCT_FIELDS
from crm_tui.domain.entities.purchase import PURCHASE_FIELDS
from crm_tui.domain.entities.task import TASK_FIELDS
from crm_tui.domain.errors import ValidationError

from . import local_aliases
from .exports import CUSTOMER_COLUMNS
from .formats import Format, detect

IGNORE = "ignore"  # `--map COLUMN=ignore` (or `-`, or nothing after =) drops a column
_SEPARATORS = re.compile(r"[\s_\-./]+")


def normalize(name: str) -> str:
    """The comparison key of a column or field name: "E-Mail Address" -> "emailaddress",
    "Date de création" -> "datedecreation" (accents dropped)."""
    key = _SEPARATORS.sub("", name.strip().lstrip("\ufeff").casefold())
    if key.isascii():
        return key
    return "".join(ch for ch in unicodedata.normalize("NFKD", key)
                   if not unicodedata.combining(ch))


PLACE_FIELDS = ("street", "city", "region", "postal_code", "country")
PREFERENCE_FIELDS = ("email_opt_in", "sms_opt_in", "push_opt_in", "do_not_contact",
                     "preferred_channel", "language", "gdpr_consent", "gdpr_consent_date")
# What a row may say of a customer beyond its fields: a second address line, a whole
# address in one cell, a phone for when there is none, another CRM's stage (a tag), an
# opt-out or a subscription status (the email opt-in). See customer_rows.CustomerInput.
CUSTOMER_EXTRAS = ("street2", "full_address", "alt_phone", "stage", "email_opt_out",
                   "email_subscription")
CUSTOMER_TARGETS = (
    "external_id", "kind", "name", "first_name", "last_name", "company_name", "email", "phone",
    "company", "industry", "customer_type", "source", "status", "tags", "owner", *PLACE_FIELDS,
    *PREFERENCE_FIELDS, "segment_override", "segment_overridden", "lifecycle_segment", "note",
    *CUSTOMER_EXTRAS,
)
# An order's line, one per row (order_rows.py gathers an order's rows), as line fields.
LINE_TARGETS = {"line_item": "item", "line_quantity": "quantity",
                "line_unit_price": "unit_price", "line_sku": "sku"}
# The amount refunded of an order that stays completed (noted on it).
REFUNDED = "refunded"
# How a record names its customer; `customer_id` is one of ours, used when it exists.
LINK_FIELDS = ("customer_id", "customer_email", "customer_external_id", "customer_name",
               "customer_first_name", "customer_last_name", "customer_phone",
               "customer_company")


def _own(fields: Iterable[str]) -> tuple[str, ...]:
    return tuple(name for name in fields if name != "customer_id")


# `id` (and a customer's `created_at`) come from our own exports: they recognise a record
# of this database when that export is imported back (see `same_record` in plans.py).
TARGETS: dict[str, tuple[str, ...]] = {
    "customers": (*CUSTOMER_TARGETS, "id", "created_at"),
    "products": tuple(PRODUCT_FIELDS),
    "purchases": ("id", *LINK_FIELDS, *_own(PURCHASE_FIELDS), *LINE_TARGETS, REFUNDED),
    "interactions": ("id", *LINK_FIELDS, *_own(INTERACTION_FIELDS)),
    "opportunities": ("id", *LINK_FIELDS, *_own(OPPORTUNITY_FIELDS)),
    "tasks": ("id", *LINK_FIELDS, *_own(TASK_FIELDS)),
    "feedback": ("id", *LINK_FIELDS, *_own(FEEDBACK_FIELDS)),
}
KINDS = tuple(TARGETS)

_CUSTOMER_ALIASES = {
    "email": ["emailaddress", "mail", "contactemail"],
    "phone": ["phonenumber", "telephone", "tel", "mobile", "mobilephone", "mobilenumber",
              "cell", "cellphone", "contactnumber"],
    "first_name": ["first", "givenname", "forename"],
    "last_name": ["last", "surname", "familyname"],
    "name": ["fullname", "customername", "customer", "contactname", "contact"],
    "company_name": ["organizationname", "organisationname", "businessname", "accountname"],
    "company": ["organization", "organisation", "employer", "business"],
    "external_id": ["customerid", "clientid", "customerno", "customernumber", "accountid",
                    "accountnumber", "ref", "reference"],
    "tags": ["tag", "labels", "label"],
    "street": ["address", "streetaddress", "address1", "addressline1"],
    "city": ["town"],
    "region": ["state", "province", "county"],
    "postal_code": ["zip", "zipcode", "postcode"],
    "customer_type": ["type"],
    "industry": ["sector"],
    "source": ["leadsource"],
    "do_not_contact": ["dnc"],
    "email_opt_in": ["newsletter", "acceptsemailmarketing", "acceptsmarketing"],
    "sms_opt_in": ["acceptssmsmarketing"],
    "email_opt_out": ["emailoptout", "hasoptedoutofemail", "optedout"],
    "note": ["notes", "comment", "comments", "remarks"],
    "owner": ["contactowner", "accountowner", "leadowner", "salesrep", "rep", "assignedto"],
    "created_at": ["createdate", "createddate", "createdtime", "datecreated", "customersince",
                   "signupdate"],
    "street2": ["address2", "addressline2", "street2"],
    "stage": ["lifecyclestage"],
}
_LINK_ALIASES = {
    "customer_email": ["email", "emailaddress", "customeremailaddress", "mail"],
    "customer_external_id": ["clientid", "customerno", "customernumber", "accountid"],
    "customer_name": ["customer", "name", "fullname", "client", "clientname", "contact",
                      "contactname"],
    "customer_first_name": ["firstname"],
    "customer_last_name": ["lastname", "surname"],
    "customer_phone": ["phone", "phonenumber", "mobile", "telephone"],
    "customer_company": ["company", "companyname", "organization", "organisation"],
}
_KIND_ALIASES: dict[str, dict[str, list[str]]] = {
    "customers": _CUSTOMER_ALIASES,
    "products": {
        "name": ["product", "productname", "item", "title"],
        "price": ["unitprice", "listprice", "amount"],
        "category": ["type", "group"],
        "active": ["enabled", "available"],
    },
    "purchases": {
        "item": ["product", "productname", "itemname", "description"],
        "quantity": ["qty", "units", "count"],
        "unit_price": ["price", "priceeach", "itemprice"],
        "total": ["amount", "totalamount", "amountspent", "spent", "ordertotal", "value",
                  "revenue", "sum"],
        "date": ["orderdate", "purchasedate", "transactiondate", "saledate", "day"],
        "payment_method": ["payment", "paymenttype", "paidby", "paidwith"],
        "status": ["orderstatus", "paymentstatus", "financialstatus"],
        "external_id": ["orderid", "ordernumber", "orderno", "transactionid", "invoice",
                        "invoiceno", "invoicenumber", "receipt", "receiptno", "orderref",
                        "orderreference"],
        "shipping": ["shippingcost", "shippingamount", "shippingfee", "delivery",
                     "deliveryfee", "postage", "freight"],
        "tax": ["taxes", "vat", "salestax", "taxamount", "gst"],
        "discount": ["discountamount", "discounts"],
        "note": ["notes", "comment", "comments", "remarks"],
        "lines": ["items", "lineitems", "orderlines"],
        "line_item": ["lineitem", "lineitemname", "lineitemtitle", "lineitemproduct"],
        "line_quantity": ["lineitemquantity", "lineitemqty", "linequantity", "lineqty"],
        "line_unit_price": ["lineitemprice", "lineitemunitprice", "lineprice"],
        "line_sku": ["lineitemsku", "sku", "productsku", "itemsku"],
        "refunded": ["refundedamount", "amountrefunded", "refundamount"],
    },
    "interactions": {
        "channel": ["type", "medium", "via"],
        "summary": ["notes", "note", "details", "description", "body"],
        "follow_up_date": ["followup", "followupon", "nextcontact"],
        "duration_minutes": ["duration", "minutes", "durationmin", "mins"],
        "staff": ["agent", "owner", "by", "user", "rep"],
    },
    "opportunities": {
        "name": ["deal", "dealname", "opportunity", "opportunityname", "title"],
        "value": ["amount", "dealvalue", "total"],
        "expected_close_date": ["closedate", "expectedclose", "closingdate"],
        "owner": ["rep", "salesrep", "assignedto"],
    },
    "tasks": {
        "title": ["task", "subject", "todo"],
        "description": ["details", "notes"],
        "assigned_to": ["assignee", "owner"],
        "due_date": ["due", "deadline", "dueon"],
    },
    "feedback": {
        "service_type": ["service", "type"],
        "rating": ["stars", "score"],
        "recommend_score": ["nps", "recommend", "likelytorecommend"],
        "comments": ["comment", "feedback", "text", "review"],
    },
}
# Our exports' computed columns: output only, never imported (a re-import must not fail or
# nag about them). `lifecycle_segment` is read only beside `segment_overridden`.
_IGNORED: dict[str, frozenset[str]] = {
    kind: frozenset(normalize(name) for name in names) for kind, names in {
        "customers": [c for c in CUSTOMER_COLUMNS if c not in TARGETS["customers"]],
        "feedback": ["sentiment"],
        "products": ["id"],
        "purchases": ["line_count"],
    }.items()
}


def _aliases(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    groups = [_KIND_ALIASES.get(kind, {})]
    if kind != "customers" and kind != "products":
        groups.append(_LINK_ALIASES)
    # Then other languages' words: English ones keep their meaning.
    groups.append(local_aliases.BY_KIND.get(kind, {}))
    if kind != "customers" and kind != "products":
        groups.append(local_aliases.LINKS)
    for group in groups:
        for target, names in group.items():
            for name in names:
                table.setdefault(name, target)  # the kind's own meaning wins over the link's
    for target in TARGETS[kind]:
        table[normalize(target)] = target  # a field's own name always means that field
    return table


ALIASES = {kind: _aliases(kind) for kind in KINDS}


@dataclass
class ColumnMapping:
    """The field of each column (None: not imported), and what was left out. `format`: the
    tool the file was recognised as coming from, whose `fixed` fields every row gets."""

    kind: str
    header: list[str]
    fields: list[str | None]
    unmapped: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: Format | None = None

    def row(self, cells: Sequence[str]) -> dict[str, str]:
        """{field: cell} for one row with as many cells as the header."""
        row = {name: cell for name, cell in zip(self.fields, cells, strict=True) if name}
        if self.format is not None:
            if self.format.joined is not None:
                _split_joined(row, self.format.joined)
            for name, value in self.format.fixed.items():
                row.setdefault(name, value)
        return row

    @property
    def format_name(self) -> str | None:
        return None if self.format is None else self.format.name

    def pairs(self) -> list[tuple[str, str]]:
        """(column, field) of every imported column, in the file's order; then the fields
        the format gives every row, as ("(every row)", "field = value")."""
        pairs = [(label.strip() or f"(column {index + 1})", name)
                 for index, (label, name) in enumerate(zip(self.header, self.fields,
                                                            strict=True)) if name]
        return pairs + [("(every row)", f"{name} = {value}") for name, value in self.given()]

    def given(self) -> list[tuple[str, str]]:
        """(field, value) the recognised format gives every row, no column filling it."""
        fixed = self.format.fixed if self.format is not None else {}
        return [(name, value) for name, value in fixed.items() if name not in self.fields]

    @property
    def has_lines(self) -> bool:
        """Whether each row is a line of an order (rows of one order are gathered)."""
        return any(name in LINE_TARGETS for name in self.fields)


def _split_joined(row: dict[str, str], joined: str) -> None:
    """A cell holding several values joined by `joined`: the first for a field, each for
    the tags but the tool's own labels ("* myContacts", "* starred")."""
    for name, cell in row.items():
        if joined.strip() not in cell and not (name == "tags" and cell.startswith("* ")):
            continue
        values = [value.strip() for value in cell.split(joined.strip())]
        if name == "tags":
            row[name] = ", ".join(value for value in values if value and value[:2] != "* ")
        else:
            row[name] = next((value for value in values if value), "")


def check_kind(kind: str) -> str:
    if kind not in TARGETS:
        raise ValidationError("kind", f"cannot import {kind!r}: use one of {', '.join(KINDS)}")
    return kind


def parse_map_options(options: Iterable[str]) -> dict[str, str]:
    """`["Mail=email", "Notes=ignore"]` -> {"Mail": "email", "Notes": "ignore"}."""
    result: dict[str, str] = {}
    for option in options:
        column, sep, target = option.partition("=")
        if not sep or not column.strip():
            raise ValidationError("map", f"{option!r} is not COLUMN=field")
        result[column.strip()] = target.strip()
    return result


def _override_target(kind: str, column: str, target: str) -> str | None:
    if target in ("", "-") or normalize(target) == IGNORE:
        return None
    for name in TARGETS[kind]:
        if normalize(name) == normalize(target):
            return name
    raise ValidationError(
        "map", f"unknown field {target!r} for {kind} (column {column!r}); "
               f"use one of {', '.join(TARGETS[kind])}, or ignore")


def _overrides(kind: str, header: list[str],
               overrides: Mapping[str, str]) -> dict[int, str | None]:
    """Column index -> field for each `--map`; a column matches exactly, else by key."""
    chosen: dict[int, str | None] = {}
    for column, target in overrides.items():
        field_name = _override_target(kind, column, target)
        exact = [i for i, name in enumerate(header) if name == column]
        loose = [i for i, name in enumerate(header) if normalize(name) == normalize(column)]
        indexes = exact or loose
        if not indexes:
            raise ValidationError("map", f"the file has no column {column!r}")
        for index in indexes:
            chosen[index] = field_name
    return chosen


def build_mapping(kind: str, header: Sequence[str],
                  overrides: Mapping[str, str] | None = None) -> ColumnMapping:
    """Map a header to fields; raises ValidationError("map") only for a bad `--map`."""
    check_kind(kind)
    names = [str(name) for name in header]
    chosen = _overrides(kind, names, overrides or {})
    aliases, ignored = ALIASES[kind], _IGNORED.get(kind, frozenset())
    keys = [normalize(name) for name in names]
    known = detect(keys, kind)
    table = known.columns if known is not None else {}
    result = ColumnMapping(kind, names, [], format=known)
    taken: dict[str, str] = {}
    for index, name in enumerate(names):
        label = name.strip() or f"(column {index + 1})"
        key = keys[index]
        if index in chosen:
            target = chosen[index]
        else:  # a format's table may say a column has no home (None), whatever its name
            target = table[key] if key in table else aliases.get(key)
        if target is None:
            if index in chosen or (key in ignored and key not in table):
                result.ignored.append(label)
            else:
                result.unmapped.append(label)
        elif target in taken:
            result.warnings.append(f"column {label!r} is not imported: {taken[target]!r} "
                                   f"already fills {target} (use --map to choose)")
            result.unmapped.append(label)
            target = None
        else:
            taken[target] = label
        result.fields.append(target)
    _foreign_ids(result, taken)
    other = detect(keys) if known is None else None
    if other is not None:
        result.warnings.append(f"this looks like a {other.name}: import it with "
                               f"`crm import {other.kind}`")
    return result


def _foreign_ids(result: ColumnMapping, taken: dict[str, str]) -> None:
    """An `ID` column is ours (our exports) only beside the columns our exports have with
    it; in another system's file it is that system's id: our `external_id`."""
    if "id" not in taken or "external_id" in taken or result.kind not in ("customers",
                                                                          "purchases"):
        return
    if result.kind == "customers" and "created_at" in taken:
        return
    result.fields[result.fields.index("id")] = "external_id"
    result.warnings.append(f"column {taken['id']!r} is read as external_id (the id in the "
                           "system the file comes from)")
