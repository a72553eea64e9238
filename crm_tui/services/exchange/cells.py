"""How one value becomes one exported cell: money, dates, lists, and formula neutralising.

Rows hand typed values to the writers: `Decimal` for money (always two places: 1200.00),
ints and floats, ISO strings for dates, lists for tags. Text that a spreadsheet would run
as a formula (OWASP CSV injection: a leading =, +, -, @, tab, CR or LF) gets a leading `'`
unless the export is raw.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_FORMULA_SET = frozenset(FORMULA_STARTS)
TWO_PLACES = Decimal("0.01")
LIST_SEPARATOR = ", "


def money(cents: int | None) -> Decimal | None:
    """Integer cents as an exact two-place decimal (120000 -> Decimal('1200.00'))."""
    return None if cents is None else (Decimal(cents) / 100).quantize(TWO_PLACES)


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def number_text(value: int | float | Decimal) -> str:
    if isinstance(value, Decimal):
        return f"{value:f}"
    return repr(value) if isinstance(value, float) else str(value)


def text_cell(value: Any, *, raw: bool) -> str:
    """The cell as text for CSV (and the text of XLSX string cells).

    Dispatches on the exact type first: this runs for every cell of a 100,000-row
    export, and isinstance checks against abstract types cost more than the rest.
    """
    kind = type(value)
    if kind is str:
        return value if raw or value[:1] not in _FORMULA_SET else "'" + value
    if value is None:
        return ""
    if kind is int or kind is float or kind is Decimal:
        return number_text(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is list or kind is tuple:
        value = LIST_SEPARATOR.join(str(item) for item in value)
    elif isinstance(value, int | float | Decimal):
        return number_text(value)
    text = str(value)
    return text if raw else neutralise(text)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)
