"""`import_all`: bring back what `crm export all --format json` wrote, into an empty database.

The file is `{"format": "crm-tui-export", "version": 1, "customers": [...], ...}`, one array
per kind with the export's columns as keys. Records keep their exported ids (and customers
their creation dates), so a second export equals the first. Every record is validated by
its domain validator; what the services derive is derived again, not trusted: customer
totals are rebuilt from the purchases (`crm.sales.rebuild_totals`), points are earned
through `crm.loyalty.record_earn`, and a balance the export shows that the purchases do not
explain (points redeemed, adjusted or expired) is carried over as one `adjust` entry.
Segment counts are computed, never imported. Into a database that has records already,
ids could clash: that is refused (import the kinds one by one as CSV to merge instead).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import orjson
from tinydb.table import Document

from crm_tui.domain.entities.common import parse_id
from crm_tui.domain.entities.ledger import MAX_POINTS
from crm_tui.domain.entities.product import validate_product
from crm_tui.domain.entities.purchase import PURCHASE_FIELDS, validate_purchase
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.feedback import sentiment_for_rating
from crm_tui.domain.rules.loyalty import points_for_purchase
from crm_tui.domain.rules.totals import COMPLETED
from crm_tui.services import tables
from crm_tui.services.customers import ZERO_TOTALS
from crm_tui.services.records import stamped_new

from .batches import BATCH_FIELD
from .csv_rows import SourceRow, file_error
from .customer_rows import CustomerInput, match_customer, validated_customer
from .importer import Pipeline, Progress, run_import
from .legacy import Balances, load_json_file
from .plans import ImportContext, Plan, RowHandler, given
from .record_rows import ACTIVITIES
from .reports import ImportReport

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

DUMP_FORMAT = "crm-tui-export"
DUMP_VERSION = 1
ORDER = ("products", "customers", "purchases", "interactions", "opportunities", "tasks",
         "feedback")
COMPUTED = ("segments", "product-revenue", "audit")  # derived from the rest: not imported
TABLES = {"products": tables.PRODUCTS, "customers": tables.CUSTOMERS,
          "purchases": tables.PURCHASES} | {k: v.table for k, v in ACTIVITIES.items()}
Builder = Callable[["ExactRows", Mapping[str, Any]], dict[str, Any]]


def _stamp(value: Any) -> str | None:
    """An exported creation date as a timestamp (exports write the date only)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    return f"{text}T00:00:00" if len(text) == 10 else text


class ExactRows(RowHandler):
    """Insert each record under its exported id, validated as the services would."""

    def __init__(self, ctx: ImportContext, kind: str, earned: dict[int, list[tuple]]) -> None:
        self.ctx, self.kind = ctx, kind
        self.table = ctx.crm.db.table(TABLES[kind])
        self.earned = earned  # customer id -> [(purchase id, points, date)] for later
        self.build: Builder = BUILDERS[kind]

    @property
    def stamp(self) -> str:
        return self.ctx.crm.ctx.clock.stamp()

    @property
    def staff(self) -> str:
        return self.ctx.crm.ctx.staff

    def customer(self, fields: Mapping[str, Any], *, required: bool = True) -> int | None:
        if fields.get("customer_id") is None and not required:
            return None
        customer_id = parse_id(fields.get("customer_id"), "customer_id")
        if not self.ctx.crm.customers.table.contains(doc_id=customer_id):
            raise ValidationError("customer_id", f"no customer #{customer_id} in the file")
        return customer_id

    def prepare(self, fields: Mapping[str, Any]) -> Plan:
        record_id = parse_id(fields.get("id"), "id")
        if self.table.contains(doc_id=record_id):
            raise ValidationError("id", f"#{record_id} appears twice in the file")
        doc = {**self.build(self, fields), BATCH_FIELD: self.ctx.batch.id}
        return Plan([(self.kind, "created")], lambda: self._insert(record_id, doc))

    def _insert(self, record_id: int, doc: dict[str, Any]) -> None:
        self.table.insert(Document(doc, doc_id=record_id))
        if self.kind == "purchases":  # every buyer's totals are rebuilt, points or not
            earned = self.earned.setdefault(doc["customer_id"], [])
            if doc["points"]:
                earned.append((record_id, doc["points"], doc["date"]))


def _product(rows: ExactRows, fields: Mapping[str, Any]) -> dict[str, Any]:
    values = validate_product(fields, today=rows.ctx.today)
    if rows.ctx.crm.products.find_by_name(values["name"]) is not None:
        raise ValidationError("name", f"{values['name']!r} appears twice in the file")
    return stamped_new(values, rows.stamp, rows.staff)


def _customer(rows: ExactRows, fields: Mapping[str, Any]) -> dict[str, Any]:
    row = CustomerInput.read(fields)
    values = validated_customer(row.as_new(), rows.ctx.today)
    found, key = match_customer(rows.ctx, values.get("email"), values.get("external_id"))
    if found is not None:
        raise ValidationError(key, f"is also customer #{found['id']}'s in the file")
    created = _stamp(fields.get("created_at")) or rows.stamp
    return {**values, **ZERO_TOTALS, "created_at": created, "updated_at": created,
            "created_by": rows.staff}


def _purchase(rows: ExactRows, fields: Mapping[str, Any]) -> dict[str, Any]:
    data = given(fields, PURCHASE_FIELDS)
    data["customer_id"] = rows.customer(fields)
    if "product_id" in data and not rows.ctx.crm.products.table.contains(
            doc_id=parse_id(data["product_id"], "product_id")):
        del data["product_id"]  # not in the file: the item text stays
    values = validate_purchase(data, today=rows.ctx.today)
    # What `crm.sales.record` stores: points from the loyalty rules, for completed ones.
    points = (points_for_purchase(values["total"], rows.ctx.crm.ctx.settings.loyalty)
              if values["status"] == COMPLETED else 0)
    if points > MAX_POINTS:
        raise ValidationError("total", "is too large: it would earn more loyalty points "
                                       f"than one entry can hold ({MAX_POINTS:,})")
    return {**stamped_new(values, rows.stamp, rows.staff), "points": points}


def _activity(kind: str, defaults: Callable[[ExactRows, dict[str, Any]], None]) -> Builder:
    spec = ACTIVITIES[kind]

    def build(rows: ExactRows, fields: Mapping[str, Any]) -> dict[str, Any]:
        data = given(fields, spec.fields)
        data["customer_id"] = rows.customer(fields, required=spec.customer_required)
        values = spec.validate(data, today=rows.ctx.today)
        defaults(rows, values)
        return stamped_new(values, rows.stamp, rows.staff)

    return build


def _feedback_defaults(rows: ExactRows, values: dict[str, Any]) -> None:
    # As `crm.feedback.submit` does: sentiment from the rating, who resolved it.
    values["sentiment"] = sentiment_for_rating(values["rating"],
                                               rows.ctx.crm.ctx.settings.feedback)
    if values.get("resolved"):
        values["resolved_by"] = values.get("resolved_by") or rows.staff
        values["resolved_at"] = rows.stamp


def _staff_default(name: str) -> Callable[[ExactRows, dict[str, Any]], None]:
    """Attribution defaults to whoever is working, as in the services."""

    def fill(rows: ExactRows, values: dict[str, Any]) -> None:
        values[name] = values.get(name) or rows.staff

    return fill


BUILDERS: dict[str, Builder] = {
    "products": _product, "customers": _customer, "purchases": _purchase,
    "interactions": _activity("interactions", _staff_default("staff")),
    "opportunities": _activity("opportunities", _staff_default("owner")),
    "tasks": _activity("tasks", _staff_default("assigned_to")),
    "feedback": _activity("feedback", _feedback_defaults),
}


class Earnings(RowHandler):
    """Per customer: totals rebuilt from the purchases, points earned through the ledger."""

    kind = "ledger"

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx

    def prepare(self, fields: Mapping[str, Any]) -> Plan:
        return Plan([], lambda: self._settle(fields["customer_id"], fields["earned"]))

    def _settle(self, customer_id: int, earned: list[tuple]) -> None:
        self.ctx.crm.sales.rebuild_totals(customer_id)
        for purchase_id, points, day in sorted(earned):
            self.ctx.crm.loyalty.record_earn(customer_id, points, day, purchase_id)


def read_dump(path: str | os.PathLike[str]) -> tuple[dict[str, list[dict[str, Any]]],
                                                     list[str]]:
    """The arrays per kind, and warnings about keys that are not ours."""
    data = load_json_file(path, orjson.loads)
    if not isinstance(data, dict) or data.get("format") != DUMP_FORMAT:
        raise file_error(path, "is not a crm-tui export (write one with crm export all "
                               "--format json)")
    if data.get("version") != DUMP_VERSION:
        raise file_error(path, f"export version {data.get('version')!r} is not supported")
    arrays: dict[str, list[dict[str, Any]]] = {}
    for kind in ORDER:
        rows = data.get(kind, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise file_error(path, f"{kind!r} is not a list of records")
        arrays[kind] = rows
    known = {"format", "version", "as_of", *ORDER, *COMPUTED}
    warnings = [f"{key!r} is not a kind of record this version imports; ignored"
                for key in data if key not in known]
    return arrays, warnings


def _require_empty(crm: Crm) -> None:
    for name in (*TABLES.values(), tables.LEDGER):
        if len(crm.db.table(name)):
            raise ValidationError("database", f"already has {name}: import all restores an "
                                  "export into an empty database (merge CSV files by kind)")


def import_all(crm: Crm, path: str | os.PathLike[str], *, dry_run: bool = False,
               progress: Progress | None = None) -> ImportReport:
    """Restore a full JSON export into an empty database (see the module docstring)."""
    arrays, warnings = read_dump(path)
    _require_empty(crm)
    report = ImportReport(kind="all", file=str(path), dry_run=dry_run, warnings=warnings)
    expected = sum(len(rows) for rows in arrays.values())

    def body(ctx: ImportContext) -> None:
        pipeline = Pipeline(ctx, report, dry_run=dry_run, progress=progress,
                            expected=expected, label="Import all")
        earned: dict[int, list[tuple]] = {}
        for kind in ORDER:
            rows = (SourceRow(n, row) for n, row in enumerate(arrays[kind], start=1))
            pipeline.run(rows, ExactRows(ctx, kind, earned))
        # Not rows of the file: an error here says which customer (by id) in `line`.
        pipeline.run((SourceRow(c, {"customer_id": c, "earned": e}) for c, e in earned.items()),
                     Earnings(ctx), counted=False)
        balances = (SourceRow(n, {"customer_id": _id(row), "loyalty_points":
                                  row.get("loyalty_points")})
                    for n, row in enumerate(arrays["customers"], start=1)
                    if _id(row) is not None and ctx.crm.customers.table.contains(
                        doc_id=_id(row)))
        pipeline.run(balances, Balances(ctx, "balance carried over from the export"),
                     counted=False)

    return run_import(crm, report, path, options={"format": DUMP_FORMAT}, dry_run=dry_run,
                      body=body)


def _id(row: Mapping[str, Any]) -> int | None:
    try:
        return parse_id(row.get("id"), "id")
    except ValidationError:
        return None

