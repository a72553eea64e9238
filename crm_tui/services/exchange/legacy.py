"""`crm import legacy customers.json`: the customers.json of the original single-file CRM
script (its CRMSystem class).

The script keeps its customers keyed by name:

    {"John Doe": {"contact_info": "john.doe@email.com",
                  "purchase_history": [{"item": "Laptop", "amount": 1200}],
                  "loyalty_points": 120}}

Variants seen in its forks are read too: a list of customers with a `name`, a
`{"customers": ...}` wrapper, `contact`/`email`/`phone` keys or a contact object,
`purchases`/`orders`, purchases as `[item, amount]` pairs or with `price`/`total`, `date`
and `quantity`. The contact info becomes the email or the phone (anything else a note).

Customers are matched on their email, else on `external_id` "legacy:<name>" (the script's
key), so importing the file twice changes nothing; purchases get `external_id`
"legacy:<name>:<n>" for the same reason (the file has no order numbers). They are dated
when the file says so, else the import day (the script kept no dates). A customer created
here whose points in the file differ from what its purchases earn under our rules gets one
`adjust` ledger entry, so balances carry over.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from crm_tui.domain.entities.common import check_phone, is_blank, parse_int
from crm_tui.domain.entities.ledger import MAX_POINTS
from crm_tui.domain.errors import ValidationError
from crm_tui.services import tables

from .csv_rows import SourceRow, file_error
from .customer_rows import CustomerRows, match_customer
from .file_format import read_errors
from .importer import Pipeline, Progress, run_import
from .plans import ImportContext, Plan, RowHandler
from .record_rows import PurchaseRows
from .reports import ImportReport, RowError

NAME_KEYS = ("name", "customer_name", "full_name", "customer")
CONTACT_KEYS = ("contact_info", "contact", "contact_information", "contactinfo")
POINTS_KEYS = ("loyalty_points", "points", "loyalty")
HISTORY_KEYS = ("purchase_history", "purchases", "orders", "history")
ITEM_KEYS = ("item", "product", "name", "description")
AMOUNT_KEYS = ("amount", "total", "price", "amount_spent", "spent")


def load_json_file(path: str | os.PathLike[str], loads: Callable[[str | bytes], Any]) -> Any:
    """The parsed file, or ValidationError naming it (never a traceback)."""
    with read_errors(path), open(path, "rb") as handle:
        data = handle.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise file_error(path, f"is not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        return loads(text)
    except (ValueError, RecursionError) as exc:
        raise file_error(path, f"is not valid JSON ({exc})") from None


def _first(record: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    return next((record[k] for k in keys if k in record), None)


def legacy_customers(data: Any, path: str | os.PathLike[str]
                     ) -> list[tuple[str | None, Mapping[str, Any]]]:
    """(name, record) per customer, in file order, whatever the file's shape."""
    if isinstance(data, Mapping) and isinstance(data.get("customers"), list | Mapping):
        data = data["customers"]
    if isinstance(data, Mapping):
        if not all(isinstance(v, Mapping) for v in data.values()):
            raise file_error(path, "is not a legacy customers file: expected customer records "
                                   "keyed by name")
        return [(str(name), record) for name, record in data.items()]
    if isinstance(data, list) and all(isinstance(v, Mapping) for v in data):
        return [(_first(r, NAME_KEYS), r) for r in data]
    raise file_error(path, "is not a legacy customers file: expected a list of customers or "
                           "customers keyed by name")


def _contact(record: Mapping[str, Any]) -> dict[str, Any]:
    """The contact info as email, phone or, when it is neither, a note."""
    found = {k: record[k] for k in ("email", "phone") if not is_blank(record.get(k))}
    contact = _first(record, CONTACT_KEYS)
    if isinstance(contact, Mapping):
        found.update({k: contact[k] for k in ("email", "phone") if not is_blank(contact.get(k))})
    elif not is_blank(contact):
        text = str(contact).strip()
        if "@" in text:
            found.setdefault("email", text)
        else:
            try:
                found.setdefault("phone", check_phone(text, "phone"))
            except ValidationError:
                found["note"] = f"Contact info (legacy file): {text}"
    return found


def _purchase(entry: Any, index: int) -> dict[str, Any]:
    if isinstance(entry, list | tuple) and len(entry) == 2:
        return {"item": entry[0], "total": entry[1]}
    if not isinstance(entry, Mapping):
        raise ValidationError("purchase", "must be an object with item and amount")
    fields = {"item": _first(entry, ITEM_KEYS), "total": _first(entry, AMOUNT_KEYS)}
    fields.update({k: entry[k] for k in ("date", "quantity", "status", "payment_method")
                   if k in entry})
    return fields


class Balances(RowHandler):
    """Carry loyalty balances over: customers this batch created get an `adjust` entry
    for the difference between the balance given and what their purchases earned."""

    kind = "ledger"

    def __init__(self, ctx: ImportContext, note: str) -> None:
        self.ctx, self.note = ctx, note

    def prepare(self, fields: Mapping[str, Any]) -> Plan:
        if is_blank(fields.get("loyalty_points")):
            return Plan([])
        points = parse_int(fields["loyalty_points"], "loyalty_points", minimum=-MAX_POINTS,
                           maximum=MAX_POINTS)
        customer: dict[str, Any] | None
        if "customer_id" in fields:
            customer = self.ctx.crm.customers.get(fields["customer_id"], include_deleted=True)
        else:
            customer, _ = match_customer(self.ctx, fields.get("email"), fields.get("external_id"))
        if customer is None or not self.ctx.batch.was_created(tables.CUSTOMERS, customer["id"]):
            return Plan([])
        change = points - (customer.get("loyalty_points") or 0)
        if not change:
            return Plan([])
        return Plan([(self.kind, "created")], lambda: self._adjust(customer["id"], change))

    def _adjust(self, customer_id: int, change: int) -> None:
        entry_id = self.ctx.crm.loyalty.adjust(customer_id, change, self.note)
        self.ctx.batch.created(tables.LEDGER, entry_id)


def _rows(people: list[tuple[str | None, Mapping[str, Any]]]) -> tuple[
        list[SourceRow], list[SourceRow], list[SourceRow]]:
    """Customer rows, purchase rows and balance rows, each numbered by the customer's
    position in the file."""
    customers, purchases, balances = [], [], []
    for number, (name, record) in enumerate(people, start=1):
        contact = _contact(record)
        key = ({"email": contact["email"]} if "email" in contact
               else {"external_id": f"legacy:{name}"} if name is not None else {})
        customers.append(SourceRow(number, {"name": name, **contact, **key}))
        balances.append(SourceRow(number, {**key, "loyalty_points":
                                           _first(record, POINTS_KEYS)}))
        link = {f"customer_{k}": v for k, v in key.items()} | {"customer_name": name}
        history = _first(record, HISTORY_KEYS) or []
        if not isinstance(history, list):
            purchases.append(SourceRow(number, {}, RowError(
                number, "purchase_history", "must be a list of purchases", "purchases")))
            continue
        for index, entry in enumerate(history, start=1):
            prefix = f"purchase_history[{index}]."
            try:
                fields = _purchase(entry, index)
            except ValidationError as exc:
                purchases.append(SourceRow(number, {}, RowError(
                    number, prefix + exc.field, exc.message, "purchases")))
                continue
            fields["external_id"] = f"legacy:{name}:{index}"
            purchases.append(SourceRow(number, {**link, **fields}, prefix=prefix))
    return customers, purchases, balances


def import_legacy(crm: Any, path: str | os.PathLike[str], *, on_duplicate: str = "update",
                  dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    """Import the original CRM script's customers.json (see the module docstring)."""
    people = legacy_customers(load_json_file(path, json.loads), path)
    customers, purchases, balances = _rows(people)
    report = ImportReport(kind="legacy", file=str(path), dry_run=dry_run)

    def body(ctx: ImportContext) -> None:
        pipeline = Pipeline(ctx, report, dry_run=dry_run, progress=progress,
                            expected=len(customers) + len(purchases), label="Import legacy")
        pipeline.run(customers, CustomerRows(ctx))
        failed = {e.line for e in report.errors if e.kind == "customers"}
        pipeline.run(_skip_failed(purchases, failed), PurchaseRows(ctx))
        pipeline.run(balances, Balances(ctx, "balance carried over from the legacy file"),
                     counted=False)

    return run_import(crm, report, path, options={"on_duplicate": on_duplicate,
                                                  "format": "legacy"},
                      dry_run=dry_run, body=body)


def _skip_failed(rows: list[SourceRow], failed: set[int]) -> Iterator[SourceRow]:
    """Purchases of a customer that could not be imported are reported, not retried."""
    for row in rows:
        if row.line in failed and row.error is None:
            yield SourceRow(row.line, {}, RowError(
                row.line, row.prefix + "customer", "not imported: the customer has errors",
                "purchases"))
        else:
            yield row
