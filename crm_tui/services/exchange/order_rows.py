"""Rows that are the lines of orders, gathered into one row per order.

A Shopify orders export has a row per line item, the order's own cells (status, totals,
shipping, taxes...) on its first row only. A file is read this way when a column holds a
line's field (`line_item`, `line_quantity`, `line_unit_price`, `line_sku`: see
`ColumnMapping.has_lines`). Consecutive rows with the same order reference (`external_id`)
are one order: its fields are its first row's (a blank there is filled by a later row's
cell), and `lines` holds each row's line. A later row may repeat an order's cell (Shopify
repeats the email) but not contradict it: that refuses the order, at that row. A row
without an order reference is an order of its own. In such a file, plain `item`,
`quantity` and `unit_price` columns are the line's too.

The gathered row counts as the file rows it spans (`SourceRow.extra[SPAN]`), and an error
in one of its lines points at that line's own row (`line_at`). A row that cannot be read
between two rows of one order refuses the whole order: no order is imported in part.
Gathering happens before the pipeline cuts rows into chunks, so an order is never split
between two commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from crm_tui.domain.entities.common import is_blank

from .csv_rows import SourceRow
from .mapping import LINE_TARGETS
from .reports import RowError

SPAN = "rows"  # extra: how many rows of the file the order was gathered from
LINES_AT = "lines_at"  # extra: the line of the file each of its lines comes from
_LINE_FIELDS = {**{name: name for name in LINE_TARGETS.values()}, **LINE_TARGETS}
_REFERENCE = "external_id"


def span(row: SourceRow) -> int:
    """How many rows of the file a row stands for (1 unless it is a gathered order)."""
    return 1 if row.extra is None else int(row.extra.get(SPAN, 1))


def line_at(row: SourceRow, error_field: str) -> tuple[int, str]:
    """Where an error about a gathered order is: "lines[2].quantity" is the quantity on
    the row of its third line (the `line_quantity` column); others are on its first row."""
    lines_at = None if row.extra is None else row.extra.get(LINES_AT)
    if lines_at and error_field.startswith("lines["):
        index, _, rest = error_field[len("lines["):].partition("]")
        if index.isdigit() and int(index) < len(lines_at):
            name = rest.removeprefix(".")
            return lines_at[int(index)], f"line_{name}" if name else "lines"
    return row.line, error_field


def gather_orders(rows: Iterable[SourceRow]) -> Iterator[SourceRow]:
    """The rows, each order's lines gathered into one row (see the module's doc)."""
    order: list[SourceRow] = []  # the rows of the order being read
    held: list[SourceRow] = []  # rows that could not be read, since its last row
    broken: list[int] = []  # lines inside the order that could not be read
    for row in rows:
        if row.error is not None:
            if order:
                held.append(row)
            else:
                yield row
            continue
        reference = _reference(row)
        if order and reference is not None and reference == _reference(order[0]):
            broken.extend(r.line for r in held)
            yield from held
            held = []
            order.append(row)
            continue
        if order:
            yield _order(order, broken)
            yield from held
        order, held, broken = [row], [], []
    if order:
        yield _order(order, broken)
        yield from held


def _reference(row: SourceRow) -> str | None:
    value = row.fields.get(_REFERENCE)
    return None if is_blank(value) else " ".join(str(value).split())


def _order(rows: list[SourceRow], broken: list[int]) -> SourceRow:
    first = rows[0]
    lines_at: list[int] = []
    extra: dict[str, Any] = {SPAN: len(rows), LINES_AT: lines_at}
    if broken:
        return _refused(first, extra, RowError(
            first.line, "row", f"order {_reference(first)} is not imported: its row on line "
                               f"{broken[0]} could not be read"))
    fields: dict[str, Any] = {}
    lines: list[dict[str, Any]] = []
    for row in rows:
        line: dict[str, Any] = {}
        for name, value in row.fields.items():
            if name in _LINE_FIELDS:
                if not is_blank(value):
                    line[_LINE_FIELDS[name]] = value
            elif is_blank(fields.get(name)):
                fields[name] = value
            elif not is_blank(value) and " ".join(str(value).split()) != " ".join(
                    str(fields[name]).split()):
                return _refused(first, extra, RowError(
                    row.line, name, f"is {value!r} here but {fields[name]!r} on the first row "
                                    f"of order {_reference(first)} (line {first.line}): an "
                                    "order's own cells belong on its first row"))
        if line:
            lines.append(line)
            lines_at.append(row.line)
    if lines:
        fields["lines"] = lines
    return SourceRow(first.line, fields, prefix=first.prefix, extra=extra)


def _refused(first: SourceRow, extra: dict[str, Any], error: RowError) -> SourceRow:
    return SourceRow(first.line, {}, error, prefix=first.prefix, extra=extra)
