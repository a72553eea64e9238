"""Rows of products, purchases and customer activity (interactions, deals, tasks, feedback).

Every write goes through the area's service, so its validation and rules apply: purchases
are recorded by the sales service's `PurchaseWriter`, which keeps the customers' totals and
loyalty points exactly as `crm.sales.record` does for a purchase typed in the app, writing
each customer once per chunk rather than after every purchase. Products upsert on their
name, purchases on their `external_id` (the order number elsewhere: a re-import does not
double them). An order's lines (gathered from its rows by order_rows.py, or typed in one
`lines` cell) link to catalogue products by name as a one-line purchase's item does; an
amount refunded of an order that stays completed (Shopify's partially refunded) is noted
on it. Other rows are added, unless a row is one of our own records exported and
brought back as it was (its `id`, its customer and its content all match): that one is
left unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crm_tui.domain.entities.common import enum_key, is_blank, parse_bool
from crm_tui.domain.entities.feedback import FEEDBACK_FIELDS, validate_feedback
from crm_tui.domain.entities.interaction import INTERACTION_FIELDS, validate_interaction
from crm_tui.domain.entities.opportunity import OPPORTUNITY_FIELDS, validate_opportunity
from crm_tui.domain.entities.order_lines import parse_lines_text
from crm_tui.domain.entities.product import PRODUCT_FIELDS, validate_product
from crm_tui.domain.entities.purchase import PURCHASE_FIELDS, validate_purchase
from crm_tui.domain.entities.task import TASK_FIELDS, validate_task
from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.domain.money import display_money, parse_money
from crm_tui.services import tables

from .linking import CustomerLinker, Link
from .mapping import REFUNDED
from .plans import (
    PLACEHOLDER_ID,
    ImportContext,
    Plan,
    RowHandler,
    duplicate_plan,
    given,
    key_text,
    own_fields,
    stored_record,
    unchanged,
)
from .purchase_cells import PURCHASE_INPUT, PurchaseCells, read_purchase_cells

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

def already_there(ctx: ImportContext, table: str, fields: Mapping[str, Any], link: Link,
                  edit: Callable[[Mapping[str, Any]], dict[str, Any]]) -> bool:
    """Whether the row is a record of ours exported and brought back unchanged: the one
    its `id` names, about the same customer, with nothing different (`edit` validates the
    row as an edit of it). Anything less and the row is a new record."""
    current = stored_record(ctx, table, fields)
    if current is None or link.new is not None or current.get("customer_id") != link.customer_id:
        return False
    return unchanged(current, edit(current))


class ProductRows(RowHandler):
    kind = "products"

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx

    def prepare(self, fields: Mapping[str, Any]) -> Plan:
        data = given(fields, PRODUCT_FIELDS)
        existing = None
        if "name" in data:
            try:
                existing = self.ctx.crm.products.find_by_name(key_text(data["name"], "name"))
            except NotFoundError:
                existing = None
        if existing is None:
            return Plan([(self.kind, "created")], lambda: self._create(data),
                        checked_by_apply=True)
        duplicate = duplicate_plan(self.ctx, self.kind, "name", f"product #{existing['id']}")
        if duplicate is not None:
            return duplicate
        edit = validate_product(data, today=self.ctx.today, partial=True, current=existing)
        if unchanged(existing, edit):
            return Plan([(self.kind, "unchanged")])
        return Plan([(self.kind, "updated")], lambda: self._update(existing["id"], data))

    def _create(self, data: dict[str, Any]) -> None:
        self.ctx.batch.created(tables.PRODUCTS, self.ctx.crm.products.create(data))

    def _update(self, product_id: int, data: dict[str, Any]) -> None:
        self.ctx.batch.before_change(tables.PRODUCTS, product_id)
        self.ctx.crm.products.update(product_id, data)
        self.ctx.batch.after_change(tables.PRODUCTS, product_id)


class PurchaseRows(RowHandler):
    kind = "purchases"
    read_ahead = staticmethod(read_purchase_cells)

    def __init__(self, ctx: ImportContext, linker: CustomerLinker | None = None) -> None:
        self.ctx = ctx
        self.linker = linker or CustomerLinker(ctx)
        self.keys = ctx.crm.customers.keys()
        self.table = ctx.crm.sales.table
        self.writer = ctx.crm.sales.writer()
        self._catalogue: dict[str, int | None] = {}  # item name -> product, this chunk

    def reset(self) -> None:
        self.linker.reset()
        self.writer.discard()
        self._catalogue.clear()

    def flush(self) -> None:
        self.writer.flush()
        self._catalogue.clear()

    def _catalogue_id(self, name: str) -> int | None:
        """The product so named, read once per chunk: the chunk holds the store's lock and
        a purchase import adds no products, so the answer holds until the chunk ends."""
        if name not in self._catalogue:
            try:
                product = self.ctx.crm.products.find_by_name(name)
            except NotFoundError:
                product = None
            self._catalogue[name] = None if product is None else product["id"]
        return self._catalogue[name]

    def _product(self, data: dict[str, Any]) -> None:
        """Link the catalogue product the item names (its name wins over a product_id,
        which may come from another database); an unknown item stays free text. So for
        each of an order's lines."""
        if "lines" in data:
            data["lines"] = self._line_products(data["lines"])
        if "item" in data:
            product_id = self._catalogue_id(key_text(data["item"], "item"))
            data.pop("product_id", None)
            if product_id is not None:
                data["product_id"] = product_id
        elif "product_id" in data:
            product_id = data["product_id"]
            try:
                self.ctx.crm.products.get(product_id)
            except (NotFoundError, ValueError, TypeError):
                raise ValidationError("product_id", f"no product #{product_id}") from None

    def _line_products(self, lines: Any) -> Any:
        """The lines, each naming its catalogue product (lines typed in one cell are read
        first; lines that cannot be read are left for the validator to say why)."""
        if isinstance(lines, str):
            try:
                lines = parse_lines_text(lines)
            except ValidationError:
                return lines
        if not isinstance(lines, list):
            return lines
        linked = []
        for line in lines:
            item = line.get("item") if isinstance(line, Mapping) else None
            if is_blank(item):
                linked.append(line)
                continue
            line = {k: v for k, v in line.items() if k != "product_id"}
            product_id = self._catalogue_id(key_text(item, "item"))
            linked.append(line if product_id is None else {**line, "product_id": product_id})
        return linked

    def prepare(self, fields: Mapping[str, Any]) -> Plan:
        return self.prepare_read(fields, read_purchase_cells(fields, self.ctx.today))

    def prepare_read(self, fields: Mapping[str, Any], cells: PurchaseCells | None) -> Plan:
        """`prepare`, given what `read_purchase_cells` made of the row (perhaps in another
        process)."""
        plan = None if cells is None else self._from_cells(cells)
        return plan if plan is not None else self._general(fields)

    def _from_cells(self, cells: PurchaseCells) -> Plan | None:
        """The plan of a row its cells say all about (see purchase_cells), or None when the
        store says it is not one after all: its customer is unknown or not live, or its
        order exists."""
        customer_id = self.keys.live(cells.email, cells.external)
        if customer_id is None or (
                cells.order is not None and self.ctx.crm.sales.order_taken(cells.order)):
            return None
        try:
            points = self.writer.points(cells.values)
        except ValidationError:
            return None
        settled = {"customer_id": customer_id, "product_id": self._catalogue_id(cells.item)}
        return Plan([(self.kind, "created")],
                    lambda: self._write(cells.values, points, settled))

    def _general(self, fields: Mapping[str, Any]) -> Plan:
        link = self.linker.resolve(fields, required=True)
        data = given(fields, PURCHASE_INPUT)
        _note_refund(data, fields.get(REFUNDED), self.ctx.today)
        self._product(data)
        external = key_text(data["external_id"], "external_id") if "external_id" in data else None
        ids = self.ctx.crm.sales.ids_of_order(external) if external else frozenset()
        if not ids and "id" in fields and already_there(
                self.ctx, tables.PURCHASES, fields, link,
                lambda current: validate_purchase(data, today=self.ctx.today, partial=True,
                                                  current=current)):
            return Plan([(self.kind, "unchanged")])
        if not ids:
            # Checked in full now (a customer to create has no id yet: any id validates the
            # same), so writing the row cannot refuse it.
            values, points = self.ctx.crm.sales.checked(
                {**data, "customer_id": link.customer_id or PLACEHOLDER_ID})
            return Plan([*link.outcomes, (self.kind, "created")],
                        lambda: self._create(link, values, points))
        existing = {"id": min(ids), **self.table.get(doc_id=min(ids))}
        what = f"purchase #{existing['id']}"
        duplicate = duplicate_plan(self.ctx, self.kind, "external_id", what)
        if duplicate is not None:
            return duplicate
        if link.customer_id != existing["customer_id"]:
            raise ValidationError("external_id", f"is {what}, which belongs to customer "
                                                 f"#{existing['customer_id']}, not this row's")
        edit = validate_purchase(data, today=self.ctx.today, partial=True, current=existing)
        if unchanged(existing, edit):
            return Plan([(self.kind, "unchanged")])
        return Plan([(self.kind, "updated")], lambda: self._update(existing["id"], data))

    def _create(self, link: Link, values: dict[str, Any], points: int) -> None:
        self._write(values, points, {"customer_id": self.linker.ensure(link)})

    def _write(self, values: dict[str, Any], points: int, settled: dict[str, Any]) -> None:
        """Write a checked purchase with the fields settled apart from its cells (its
        customer, its product), stamped with the batch."""
        settled.update(self.ctx.batch.stamp)
        purchase_id = self.writer.add(values, points, settled)
        self.ctx.batch.created(tables.PURCHASES, purchase_id, stamped=True)

    def _update(self, purchase_id: int, data: dict[str, Any]) -> None:
        self.writer.flush()  # the edit moves totals the writer may still hold
        self.ctx.batch.before_change(tables.PURCHASES, purchase_id)
        self.ctx.crm.sales.update(purchase_id, data)
        self.ctx.batch.after_change(tables.PURCHASES, purchase_id)


def _note_refund(data: dict[str, Any], refunded: Any, today: Any) -> None:
    """Note on an order that stays completed what was refunded of it: Shopify's
    "partially_refunded" (a completed order), or a refunded amount beside a completed
    status. The order keeps its total: the note says what came back."""
    status = data.get("status")
    partly = isinstance(status, str) and enum_key(status) == "partially_refunded"
    amount = None if is_blank(refunded) else parse_money(refunded, REFUNDED)
    if not partly:
        try:
            completed = status is None or PURCHASE_FIELDS["status"].parser.fn(
                status, "status", today) == "completed"
        except ValidationError:
            return  # the validator says what is wrong with it
        if not (completed and amount):
            return
    said = "Partially refunded" + (f": {display_money(amount)}" if amount else "")
    data["note"] = f"{said}; {data['note']}" if data.get("note") else said


def _deal_input(data: dict[str, Any]) -> None:
    # The pipeline takes any probability given as set by hand; our exports say whether it
    # was (probability_manual), and a stage default must stay a default.
    manual = data.get("probability_manual")
    if manual is not None and not parse_bool(manual, "probability_manual"):
        data.pop("probability", None)


@dataclass(frozen=True)
class ActivityKind:
    table: str
    fields: frozenset[str]
    validate: Callable[..., dict[str, Any]]
    create: Callable[[Crm], Callable[[Mapping[str, Any]], int]]
    customer_required: bool
    prepare: Callable[[dict[str, Any]], None] | None = None  # input fix-ups for the service


ACTIVITIES: dict[str, ActivityKind] = {
    "interactions": ActivityKind(tables.INTERACTIONS, own_fields(INTERACTION_FIELDS),
                                 validate_interaction, lambda crm: crm.interactions.log, True),
    "opportunities": ActivityKind(tables.OPPORTUNITIES, own_fields(OPPORTUNITY_FIELDS),
                                  validate_opportunity, lambda crm: crm.pipeline.create, True,
                                  _deal_input),
    "tasks": ActivityKind(tables.TASKS, own_fields(TASK_FIELDS), validate_task,
                          lambda crm: crm.tasks.create, False),
    "feedback": ActivityKind(tables.FEEDBACK, own_fields(FEEDBACK_FIELDS), validate_feedback,
                             lambda crm: crm.feedback.submit, False),
}


class ActivityRows(RowHandler):
    """Interactions, deals, tasks and feedback: always new records, about a customer."""

    def __init__(self, ctx: ImportContext, kind: str,
                 linker: CustomerLinker | None = None) -> None:
        self.ctx = ctx
        self.kind = kind
        self.spec = ACTIVITIES[kind]
        self.linker = linker or CustomerLinker(ctx)

    def reset(self) -> None:
        self.linker.reset()

    def prepare(self, fields: Mapping[str, Any]) -> Plan:
        link = self.linker.resolve(fields, required=self.spec.customer_required)
        data = given(fields, self.spec.fields)
        if self.spec.prepare is not None:
            self.spec.prepare(data)
        if already_there(self.ctx, self.spec.table, fields, link,
                         lambda current: self.spec.validate(data, today=self.ctx.today,
                                                            partial=True, current=current)):
            return Plan([(self.kind, "unchanged")])
        if link.new is not None:  # the customer is written first: check the record now
            self.spec.validate({**data, "customer_id": PLACEHOLDER_ID}, today=self.ctx.today)
        return Plan([*link.outcomes, (self.kind, "created")], lambda: self._create(link, data),
                    checked_by_apply=link.new is None)

    def _create(self, link: Link, data: dict[str, Any]) -> None:
        customer_id = self.linker.ensure(link)
        record_id = self.spec.create(self.ctx.crm)({**data, "customer_id": customer_id})
        self.ctx.batch.created(self.spec.table, record_id)
