"""How one value becomes one exported cell: money, dates, lists, and formula neutralising.

Rows hand typed values to the writers: `Decimal` for money (always two places: 1200.00),
ints and floats, ISO strings for dates, lists for tags. Text that a spreadsheet would run
as a formula (OWASP CSV injection: a leading =, +, -, @, tab, CR or LF) gets a leading `'`
unless the export is raw.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
FORMULA_SET = frozenset(FORMULA_STARTS)
NO_FORMULAS: frozenset[str] = frozenset()
_EXACT_CENTS = 10**26
_HUNDREDTHS = tuple(f".{part:02d}" for part in range(100))
TWO_PLACES = Decimal("0.01")
LIST_SEPARATOR = ", "


def money(cents: int | None) -> Decimal | None:
    """Integer cents as an exact two-place decimal (120000 -> Decimal('1200.00'))."""
    return None if cents is None else (Decimal(cents) / 100).quantize(TWO_PLACES)


def money_text(cents: int | None) -> str:
    """The CSV cell of `money(cents)`, without making the Decimal (a customer row has two)."""
    if type(cents) is int and -_EXACT_CENTS < cents < _EXACT_CENTS:
        # Integer arithmetic, exact while Decimal's 28 digits hold the amount.
        if cents >= 0:
            whole, part = divmod(cents, 100)
            return str(whole) + _HUNDREDTHS[part]
        whole, part = divmod(-cents, 100)
        return "-" + str(whole) + _HUNDREDTHS[part]
    value = money(cents)
    return "" if value is None else number_text(value)


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
        return value if raw or value[:1] not in FORMULA_SET else "'" + value
    if value is None:
        return ""
    if kind is int or kind is float or kind is Decimal:
        return number_text(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is list or kind is tuple:
        return text_cell(LIST_SEPARATOR.join(map(str, value)), raw=raw)
    if isinstance(value, int | float | Decimal):
        return number_text(value)
    text = str(value)
    return text if raw else neutralise(text)


def text_cells(values: Iterable[Any], *, raw: bool) -> list[str]:
    """`text_cell` of each value, with the common types (text, None, int, bool, float,
    list) inline: a function call per cell would be the largest cost of a 100,000-row
    export."""
    formulas = NO_FORMULAS if raw else FORMULA_SET
    return [("'" + v if v and v[0] in formulas else v) if type(v) is str else
            "" if v is None else str(v) if type(v) is int else
            ("true" if v else "false") if type(v) is bool else
            repr(v) if type(v) is float else
            ("'" + t if (t := LIST_SEPARATOR.join(map(str, v))) and t[0] in formulas else t)
            if type(v) is list else text_cell(v, raw=raw)
            for v in values]
