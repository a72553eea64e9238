"""An order's lines as an export cell: a list in JSON, the lines as typed in CSV and XLSX.

The purchases export has one `lines` column for every format. Its value is `LinesCell`, a
list of the lines (item, product id, quantity, unit price, SKU) that the JSON writers
write as such, money as two-place numbers like the record's own; the CSV and XLSX writers
write a cell's text, which is the lines as the purchase form and an import take them:
`2 x Mug @ 12.50 [MUG-01]; 1 x Teapot @ 45.00` (order_lines.lines_text). A purchases CSV
exported here therefore imports back with its lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm_tui.domain.entities.order_lines import lines_text, order_lines

from .cells import money


class LinesCell(list[dict[str, Any]]):
    """An order's lines (money as `Decimal`, as in rows), whose text is the lines as typed."""

    def __init__(self, lines: list[dict[str, Any]]) -> None:
        super().__init__({**line, "unit_price": money(line["unit_price"])} for line in lines)
        self._text = lines_text(lines)

    def __str__(self) -> str:
        return self._text


def order_cells(purchase: Mapping[str, Any]) -> dict[str, Any]:
    """The purchases export's cells that are worked out from the order: its lines (a
    one-line purchase has one) and how many there are."""
    lines = order_lines(purchase)
    return {"lines": LinesCell(lines), "line_count": len(lines)}
