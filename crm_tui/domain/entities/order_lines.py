"""The lines of an order: what was bought, how many, at what unit price, under which SKU.

A purchase is an order of one or more lines. The common one-line purchase keeps its line in
the purchase's own `item`, `product_id`, `quantity` and `unit_price` (as every purchase
stored before orders had lines does); an order of several lines, or of a line with a SKU,
also stores them all under `lines`. `order_lines` reads either shape.

Lines are typed as text, one per line (or separated by `;` in one cell):

    2 x Mug @ 12.50 [MUG-01]
    Tea towel @ 4.00

that is `[QUANTITY x] ITEM @ UNIT PRICE [[SKU]]`, the quantity 1 when not given. This one
parser reads the purchase form's items field and an import's `lines` cell, and `lines_text`
writes the same text back (our exports), so a line survives the round trip.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from crm_tui.domain import money
from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.schema import Field, Parser
from crm_tui.domain.errors import ValidationError

MAX_QUANTITY = 1_000_000
MAX_LINES = 500  # an order with more lines is a file read wrongly, not an order
LINES_HINT = "one line per item, like '2 x Mug @ 12.50 [SKU-1]' (quantity and SKU optional)"
TEXT_SEPARATOR = "; "  # between lines in one cell (our CSV exports)
# "2 x " / "2x " / "2 × " before the item: the quantity (a word like "2x4" is an item).
_QUANTITY_RE = re.compile(r"^(\d{1,7})\s*[x×]\s+(.*)$", re.IGNORECASE)
_SKU_RE = re.compile(r"^(.*?)\s*\[([^\[\]]*)\]$")
_LINE_SPLIT_RE = re.compile(r"[\r\n;]+")


LINE_FIELDS: dict[str, Field] = {
    "item": Field(schema.text(common.MEDIUM_TEXT), required=True),
    "product_id": Field(schema.RECORD_ID),
    "quantity": Field(schema.whole(1, MAX_QUANTITY), default=1),
    "unit_price": Field(schema.amount(), required=True),
    "sku": Field(schema.text(common.SHORT_TEXT)),
}


def validate_line(data: Mapping[str, Any], *, today: date, partial: bool = False,
                  current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One line in stored form (cents); every field of it named in the errors."""
    return schema.validate_record(data, LINE_FIELDS, today=today, partial=partial,
                                  current=current)


def parse_line(text: str, field: str) -> dict[str, str]:
    """One typed line as raw fields: "2 x Mug @ 12.50 [MUG-01]" -> item Mug, quantity 2,
    unit price 12.50, SKU MUG-01. The unit price follows the last " @ "."""
    rest = " ".join(text.split())
    fields: dict[str, str] = {}
    sku = _SKU_RE.match(rest)
    if sku:
        rest, fields["sku"] = sku.group(1), sku.group(2).strip()
    quantity = _QUANTITY_RE.match(rest)
    if quantity:
        fields["quantity"], rest = quantity.group(1), quantity.group(2)
    item, at, price = rest.rpartition("@")
    if not at:
        raise ValidationError(field, f"has no unit price in {text.strip()!r}: write the line "
                                     f"as {LINES_HINT}")
    fields["item"], fields["unit_price"] = item.strip(), price.strip()
    return fields


def parse_lines_text(text: str, field: str = "lines") -> list[dict[str, str]]:
    """Typed lines (newline- or `;`-separated) as raw line fields, blank lines skipped;
    one ValidationError naming every line that cannot be read ("lines[2]")."""
    parts = [part for part in _LINE_SPLIT_RE.split(text) if part.strip()]
    lines: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    for index, part in enumerate(parts):
        try:
            lines.append(parse_line(part, f"{field}[{index}]"))
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError.many(errors)
    return lines


def _parse_lines(value: Any, field: str, today: date) -> list[dict[str, Any]]:
    raw = parse_lines_text(value, field) if isinstance(value, str) else value
    return _LINE_LIST.fn(raw, field, today)  # type: ignore[no-any-return]


_LINE_LIST = schema.list_of(validate_line, LINES_HINT, max_items=MAX_LINES)
LINES = Parser(_parse_lines, LINES_HINT)


def line_text(line: Mapping[str, Any]) -> str:
    """A stored line as it is typed: "2 x Mug @ 12.50 [MUG-01]"."""
    text = (f"{line.get('quantity') or 1} x {line.get('item') or ''} "
            f"@ {money.format_money(line.get('unit_price') or 0)}")
    return f"{text} [{line['sku']}]" if line.get("sku") else text


def lines_text(lines: Iterable[Mapping[str, Any]], separator: str = TEXT_SEPARATOR) -> str:
    return separator.join(map(line_text, lines))


def subtotal(lines: Iterable[Mapping[str, Any]]) -> int:
    """The lines' amount in cents: quantity x unit price, summed."""
    return sum((line.get("quantity") or 1) * (line.get("unit_price") or 0) for line in lines)


def summary_item(lines: Sequence[Mapping[str, Any]]) -> str:
    """What an order of several lines is called where one name is shown: "Mug (+2 more)"."""
    first = str(lines[0].get("item") or "")
    more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
    return first[:common.MEDIUM_TEXT - len(more)] + more


def order_lines(purchase: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A stored purchase's lines, whichever way it keeps them: its `lines`, else the one
    line its own item, quantity and unit price make (the unit price, when a total alone
    was given, is the total over the quantity, as the purchase rules work it out)."""
    lines = purchase.get("lines")
    if lines:
        return [dict(line) for line in lines]
    quantity = purchase.get("quantity") or 1
    unit_price = purchase.get("unit_price")
    if unit_price is None:
        unit_price = (purchase.get("total") or 0) // quantity
    return [{"item": purchase.get("item"), "product_id": purchase.get("product_id"),
             "quantity": quantity, "unit_price": unit_price, "sku": None}]


def line_shares(purchase: Mapping[str, Any]) -> list[tuple[dict[str, Any], int]]:
    """Each line of a stored purchase with its share of the order's total (cents), in
    proportion to the line's amount, so that per-product revenue adds up to the orders'
    revenue: shipping, tax and discount are spread over the lines as they are paid for.
    Shares are whole cents; the cents left by rounding go to the largest remainders."""
    lines = order_lines(purchase)
    total = purchase.get("total") or 0
    amounts = [(line.get("quantity") or 1) * (line.get("unit_price") or 0) for line in lines]
    whole = sum(amounts)
    if len(lines) == 1 or whole == 0:  # nothing to weigh by: the first line carries it
        return [(line, total if index == 0 else 0) for index, line in enumerate(lines)]
    shares = [total * amount // whole for amount in amounts]
    by_remainder = sorted(range(len(lines)), key=lambda i: -(total * amounts[i] % whole))
    for index in by_remainder[:total - sum(shares)]:
        shares[index] += 1
    return list(zip(lines, shares, strict=True))
