"""What each export kind contains: its columns, and its rows with every computed column.

Rows carry typed values (Decimal money, ISO dates, lists) for the writers. Filters apply to
the customer a row belongs to (segment, tag, status, who may receive marketing) and to the
row's own date (since, until), so `--segment lifecycle:vip` works for purchases as well as
for customers. The names in those filters are checked before any row is made
(`resolve_query`). Records are streamed from the store by id (`db.scan`), a row at a time:
no table is loaded, so an export of a million purchases takes no more memory than one of
ten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from crm_tui.domain.entities.address import default_address
from crm_tui.domain.entities.customer import display_name
from crm_tui.domain.entities.order_lines import line_shares
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.gdpr import is_marketable
from crm_tui.services import tables
from crm_tui.services.profiles import Memo, Scorer, Scores
from crm_tui.services.selection import pick_status, pick_tag

from .cells import FORMULA_SET, NO_FORMULAS, money, money_text, text_cell, text_cells
from .order_cells import order_cells
from .writers import csv_line

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

Row = dict[str, Any]

CUSTOMER_COLUMNS = [
    "id", "external_id", "name", "kind", "first_name", "last_name", "company_name", "email",
    "phone", "company", "industry", "customer_type", "source", "status", "tags", "city",
    "region", "country", "order_count", "total_spent", "average_order", "first_order_date",
    "last_order_date", "loyalty_points", "loyalty_tier", "lifecycle_segment",
    "segment_overridden", "rfm_r", "rfm_f", "rfm_m", "rfm_code", "rfm_segment", "churn_risk",
    "email_opt_in", "sms_opt_in", "do_not_contact", "created_at",
]
# What `export all --format json` holds, in the order `import all` restores them.
DUMP_KINDS = ["customers", "products", "purchases", "interactions", "opportunities", "tasks",
              "feedback", "segments"]
CUSTOMER_LINK = ["customer_id", "customer_name", "customer_email", "customer_external_id"]


@dataclass(frozen=True)
class Query:
    """The export filters; dates are inclusive. `segment`, `tag` and `status` pick customers
    by the names users type: `resolve_query` checks them and makes them exact."""

    as_of: dt.date
    segment: str | int | None = None
    tag: str | None = None
    status: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    # Only these customers, in this order (a saved view's or the marked rows): the
    # customers list answers which, so an export holds exactly what the screen shows.
    customers: tuple[int, ...] | None = None
    # Only customers who may receive marketing on this channel (email, sms or push).
    marketable: str | None = None
    resolved: bool = field(default=False, repr=False, compare=False)


def resolve_query(crm: Crm, query: Query) -> Query:
    """The query with its customer filters as stored: the segment's member key, the tag as
    spelled on customers, the status. A name that picks nothing, or several segments
    ("vip": lifecycle, RFM or tier), raises ChoiceError saying what there is to pick."""
    if query.resolved:
        return query
    return replace(
        query, resolved=True,
        segment=None if query.segment is None else crm.segments.resolve(query.segment),
        tag=None if query.tag is None else pick_tag(crm, query.tag),
        status=None if query.status is None else pick_status(query.status))


@dataclass(frozen=True)
class Kind:
    name: str
    table: str
    columns: list[str]
    money: tuple[str, ...] = ()
    date_field: str = "created_at"
    rows: Callable[[Crm, Query], Iterable[Row]] | None = None  # else derived from the table
    linked: bool = False  # records belong to customers: add the customer's identity
    # Cells worked out from the record rather than stored (a purchase's lines)
    worked_out: Callable[[Mapping[str, Any]], Row] | None = None


class CustomerFilter:
    """The customers a resolved query picks: a segment holds the customers its live
    membership (`SegmentService`) says, as the Segments screen counts them."""

    def __init__(self, crm: Crm, query: Query) -> None:
        self.query = query
        self.filtered = (query.segment is not None or bool(query.tag or query.status)
                         or query.customers is not None or query.marketable is not None)
        self._listed = None if query.customers is None else frozenset(query.customers)
        self._members = (None if query.segment is None else
                         frozenset(crm.segments.members(query.segment, query.as_of)))
        self._tag = query.tag.casefold() if query.tag else None

    def accepts(self, customer_id: int, doc: Mapping[str, Any]) -> bool:
        q = self.query
        if doc.get("deleted_at"):
            return False
        if self._listed is not None and customer_id not in self._listed:
            return False
        if q.status and doc.get("status") != q.status:
            return False
        if self._tag and self._tag not in {str(t).casefold() for t in doc.get("tags") or []}:
            return False
        if q.marketable is not None and not is_marketable(doc, q.marketable):
            return False
        return self._members is None or customer_id in self._members


def _in_period(value: Any, query: Query) -> bool:
    if not (query.since or query.until):
        return True
    if not value:
        return False
    day = dt.date.fromisoformat(str(value)[:10])
    return (query.since is None or day >= query.since) and (
        query.until is None or day <= query.until)


# Stored fields exported as they are, from kind to tags.
_STORED = ("kind", "first_name", "last_name", "company_name", "email", "phone", "company",
           "industry", "customer_type", "source", "status", "tags")
# Where the cells `_varied` leaves out go in a row (see `customer_row`).
_MONEY = CUSTOMER_COLUMNS.index("total_spent")  # then average_order and the order dates
_STANDING = CUSTOMER_COLUMNS.index("loyalty_tier")  # to rfm_segment
_TAGS = CUSTOMER_COLUMNS.index("tags")  # the cell that most often needs CSV quotes


def _identity(doc_id: int, doc: Mapping[str, Any], s: Scores) -> list[Any]:
    """A customer row's values from id to country, in column order."""
    get = doc.get
    addresses = get("addresses")
    address = default_address(addresses) if addresses else None  # mostly none
    city, region, country = (address.get("city"), address.get("region"),
                             address.get("country")) if address else (None, None, None)
    return [doc_id, get("external_id"), s.name, *map(get, _STORED), city, region or city,
            country]


def _created(doc: Mapping[str, Any]) -> str | None:
    return str(doc.get("created_at") or "")[:10] or None


def _varied(doc_id: int, doc: Mapping[str, Any], s: Scores) -> list[Any]:
    """A customer row's values in column order, but for the money, the order dates and
    the standing, which the typed rows and the CSV lines each render their own way."""
    prefs = doc.get("preferences") or {}
    return [*_identity(doc_id, doc, s), s.order_count, s.loyalty_points, s.churn_risk,
            prefs.get("email_opt_in"), prefs.get("sms_opt_in"), prefs.get("do_not_contact"),
            _created(doc)]


def _standing(s: Scores) -> list[Any]:
    """Columns loyalty_tier to rfm_segment: a few hundred combinations in a whole table."""
    rfm = s.rfm
    return [s.loyalty_tier, s.lifecycle.segment, s.lifecycle.overridden,
            rfm.r if rfm else None, rfm.f if rfm else None, rfm.m if rfm else None,
            s.rfm_code, s.rfm_segment]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def customer_row(doc_id: int, doc: Mapping[str, Any], s: Scores) -> Row:
    """One export row, from the document and its scores."""
    values = _varied(doc_id, doc, s)
    values[_MONEY:_MONEY] = (money(s.total_spent_cents), money(s.average_order_cents),
                             _iso(s.first_order_date), _iso(s.last_order_date))
    values[_STANDING:_STANDING] = _standing(s)
    return dict(zip(CUSTOMER_COLUMNS, values, strict=True))


LISTED_BATCH = 1_000  # customers of a list read at a time


def customer_documents(crm: Crm, listed: tuple[int, ...] | None
                       ) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(id, document) of every customer by id, streamed from the store (the table is not
    loaded); or of the `listed` ones in their order, read a batch at a time."""
    if listed is None:
        yield from crm.db.scan(tables.CUSTOMERS)
        return
    for start in range(0, len(listed), LISTED_BATCH):
        batch = listed[start:start + LISTED_BATCH]
        found = crm.db.get_many(tables.CUSTOMERS, batch)
        for doc_id in batch:
            doc = found.get(doc_id)
            if doc is not None:
                yield doc_id, doc


class CustomerRows:
    """The customers export: typed rows when iterated (JSON, XLSX), and CSV lines from
    `csv_lines`, which the CSV writer prefers.

    The CSV lines are what `write_csv` makes of the typed rows, built without them: the
    money and dates straight to text, the loyalty and RFM columns (which repeat) as text
    once per combination: the typed rows alone cost too much per row for the customers
    export's scale target (figures in bench/README.md).
    """

    def __init__(self, crm: Crm, query: Query) -> None:
        self.crm, self.query = crm, query

    def _scored(self) -> Iterator[tuple[int, Mapping[str, Any], Scores]]:
        picked = CustomerFilter(self.crm, self.query)
        scores, query = Scorer(self.query.as_of, self.crm.ctx.settings).scores, self.query
        # Only the trash to leave out, mostly: the filters are called only when set.
        filtered, dated = picked.filtered, bool(query.since or query.until)
        for doc_id, doc in customer_documents(self.crm, query.customers):
            if doc.get("deleted_at") or (filtered and not picked.accepts(doc_id, doc)) or (
                    dated and not _in_period(doc.get("created_at"), query)):
                continue
            yield doc_id, doc, scores(doc_id, doc)

    def __iter__(self) -> Iterator[Row]:
        for doc_id, doc, s in self._scored():
            yield customer_row(doc_id, doc, s)

    def csv_lines(self, *, raw: bool) -> Iterator[str]:
        lines = CustomerCsv(raw=raw)
        for doc_id, doc, s in self._scored():
            yield lines.line(doc_id, doc, s)


class CustomerCsv:
    """CSV lines of customers, each exactly what `write_csv` makes of `customer_row`."""

    def __init__(self, *, raw: bool) -> None:
        self.raw = raw
        self._standings: dict[tuple[str, str, bool, str | None], list[str]] = {}
        self._isos = Memo(dt.date.isoformat)  # isoformat() costs twenty dict lookups
        self._formulas = NO_FORMULAS if raw else FORMULA_SET

    def line(self, doc_id: int, doc: Mapping[str, Any], s: Scores) -> str:
        raw, lifecycle = self.raw, s.lifecycle
        key = (s.loyalty_tier, lifecycle.segment, lifecycle.overridden, s.rfm_code)
        standing = self._standings.get(key)
        if standing is None:  # the code stands for r, f, m and the RFM segment
            standing = self._standings[key] = text_cells(_standing(s), raw=raw)
        first, last, iso = s.first_order_date, s.last_order_date, self._isos
        count, points, churn = s.order_count, s.loyalty_points, s.churn_risk
        prefs = doc.get("preferences") or {}
        mail, sms, shut = (prefs.get("email_opt_in"), prefs.get("sms_opt_in"),
                           prefs.get("do_not_contact"))
        created = _created(doc) or ""
        # The cells after the identity by their usual types inline (an int, a float, true
        # or false, the creation day), `text_cell` for any other: a call per cell would
        # cost more than the rest of the line.
        cells = text_cells(_identity(doc_id, doc, s), raw=raw)
        cells += (str(count) if type(count) is int else text_cell(count, raw=raw),
                  money_text(s.total_spent_cents), money_text(s.average_order_cents),
                  iso[first] if first else "", iso[last] if last else "",
                  str(points) if type(points) is int else text_cell(points, raw=raw),
                  *standing,
                  repr(churn) if type(churn) is float else text_cell(churn, raw=raw),
                  "true" if mail is True else "false" if mail is False else
                  text_cell(mail, raw=raw),
                  "true" if sms is True else "false" if sms is False else
                  text_cell(sms, raw=raw),
                  "true" if shut is True else "false" if shut is False else
                  text_cell(shut, raw=raw),
                  "'" + created if created[:1] in self._formulas else created)
        return csv_line(cells, _TAGS) + "\r\n"


def linked_rows(kind: Kind) -> Callable[[Crm, Query], Iterator[Row]]:
    """Rows of a table whose records belong to customers, with the customer's identity."""

    def rows(crm: Crm, query: Query) -> Iterator[Row]:
        picked = CustomerFilter(crm, query)
        customers = crm.db.table(tables.CUSTOMERS)
        for doc_id, doc in crm.db.scan(kind.table):
            if doc.get("deleted_at") or not _in_period(doc.get(kind.date_field), query):
                continue
            owner_id = doc.get("customer_id")
            owner = customers.get(doc_id=owner_id) if owner_id else None
            if owner is not None and owner.get("deleted_at"):
                continue  # as in the customers export: the trash is not exported
            if picked.filtered and (owner is None or not picked.accepts(owner.doc_id, owner)):
                continue
            row = {c: doc.get(c) for c in kind.columns}
            row["id"] = doc_id
            for column in kind.money:
                row[column] = money(doc.get(column))
            if kind.worked_out is not None:
                row.update(kind.worked_out(doc))
            if owner is not None:
                row.update(customer_name=display_name(owner), customer_email=owner.get("email"),
                           customer_external_id=owner.get("external_id"))
            yield row

    return rows


def product_revenue_rows(crm: Crm, query: Query) -> Iterator[Row]:
    """Revenue per item; an order of several lines counts for each, with its share of the
    order's total (`line_shares`)."""
    totals: dict[str, list[int]] = {}
    for _, doc in crm.db.scan(tables.PURCHASES):
        if doc.get("status") != "completed" or not _in_period(doc.get("date"), query):
            continue
        for line, revenue in line_shares(doc):
            entry = totals.setdefault(line.get("item") or "(no item)", [0, 0, 0])
            entry[0] += 1
            entry[1] += line.get("quantity") or 0
            entry[2] += revenue
    for item, (orders, quantity, revenue) in sorted(totals.items(), key=lambda kv: -kv[1][2]):
        yield {"product": item, "orders": orders, "quantity": quantity,
               "revenue": money(revenue)}


def segment_rows(crm: Crm, query: Query) -> Iterator[Row]:
    """Every segment's member count, as the Segments screen shows it (zeros included)."""
    for row in crm.segments.counts(query.as_of):
        yield {"family": row.kind, "segment": row.name, "members": row.count}


def _kinds() -> dict[str, Kind]:
    def linked(name: str, table: str, columns: list[str], money_cols: tuple[str, ...] = (),
               date_field: str = "date",
               worked_out: Callable[[Mapping[str, Any]], Row] | None = None) -> Kind:
        return Kind(name, table, ["id", *CUSTOMER_LINK, *columns], money_cols, date_field,
                    linked=True, worked_out=worked_out)

    kinds = [
        Kind("customers", tables.CUSTOMERS, CUSTOMER_COLUMNS, rows=CustomerRows),
        linked("purchases", tables.PURCHASES,
               ["product_id", "item", "quantity", "unit_price", "lines", "line_count",
                "shipping", "tax", "discount", "total", "date", "payment_method", "status",
                "external_id", "note"],
               ("unit_price", "shipping", "tax", "discount", "total"),
               worked_out=order_cells),
        linked("interactions", tables.INTERACTIONS,
               ["channel", "direction", "status", "date", "subject", "summary", "outcome",
                "next_action", "follow_up_date", "follow_up_done", "duration_minutes", "staff"]),
        linked("opportunities", tables.OPPORTUNITIES,
               ["name", "value", "stage", "probability", "probability_manual",
                "expected_close_date", "status", "closed_date", "owner", "stage_changed_at"],
               ("value",), "expected_close_date"),
        linked("tasks", tables.TASKS,
               ["title", "description", "assigned_to", "priority", "due_date", "status",
                "completed_date"], date_field="due_date"),
        linked("feedback", tables.FEEDBACK,
               ["service_type", "rating", "recommend_score", "sentiment", "comments", "source",
                "date", "resolved", "resolution_notes", "resolved_by", "resolved_date"]),
        Kind("products", tables.PRODUCTS,
             ["id", "name", "category", "price", "description", "active"], ("price",)),
        Kind("product-revenue", tables.PURCHASES, ["product", "orders", "quantity", "revenue"],
             rows=product_revenue_rows),
        Kind("segments", tables.SEGMENTS, ["family", "segment", "members"], rows=segment_rows),
        Kind("audit", tables.AUDIT,
             ["id", "at", "who", "action", "entity", "entity_id", "op", "changes"],
             date_field="at"),
    ]
    return {kind.name: kind for kind in kinds}


KINDS = _kinds()


def plain_rows(kind: Kind) -> Callable[[Crm, Query], Iterator[Row]]:
    def rows(crm: Crm, query: Query) -> Iterator[Row]:
        for doc_id, doc in crm.db.scan(kind.table):
            if doc.get("deleted_at") or not _in_period(doc.get(kind.date_field), query):
                continue
            row = {c: doc.get(c) for c in kind.columns} | {"id": doc_id}
            for column in kind.money:
                row[column] = money(doc.get(column))
            yield row

    return rows


def export_rows(crm: Crm, kind_name: str, query: Query) -> tuple[list[str], Iterable[Row]]:
    """The columns and rows of one export kind."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise ValidationError("kind", f"unknown export {kind_name!r}: use one of "
                                      f"{', '.join(KINDS)} or all")
    make = kind.rows or (linked_rows(kind) if kind.linked else plain_rows(kind))
    return kind.columns, make(crm, resolve_query(crm, query))
