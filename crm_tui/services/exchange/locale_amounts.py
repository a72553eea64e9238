"""A file's amounts, as people and spreadsheets write them, read into plain decimals.

Read: currency signs and codes before or after the number (`$12`, `12 €`, `USD 12.00`,
`12,00 EUR`), thousands separators (`,` `.` space, non-breaking space, `'`), a decimal
comma or point, a sign before or after, and accounting negatives `(12.00)`. Each becomes
plain decimal text (`-1234.56`) for the field's own parser, which alone decides what the
field allows (negatives, how many decimals). A cell this module does not recognise is
passed on as it is, for that parser to refuse with its message.

Which mark is a column's decimal one is decided from its values (`AmountEvidence`):
`1.234,56`, `12,5`, `1.234.567` say comma; `1,234.56`, `12.5`, `1,234,567` say point;
`1,234` or `1.234` alone could be either.
"""

from __future__ import annotations

import re

from .locale_dates import CellError, Example

POINT, COMMA = ".", ","
MARKS = {POINT: "decimal point", COMMA: "decimal comma"}
_CURRENCY = r"(?:US\$|R\$|[$€£¥₹₽₩₺₪]|[A-Z]{3}|kr\.?|zł|Fr\.)"
_AMOUNT = re.compile(
    rf"(?P<open>\()?\s*(?P<s1>[+-]?)\s*(?:{_CURRENCY}\s*)?(?P<s2>[+-]?)\s*"
    r"(?P<number>[0-9](?:[0-9.,' \u00a0\u202f]*[0-9])?)"
    rf"\s*(?P<c2>{_CURRENCY})?\s*(?P<s3>-?)\s*(?P<close>\))?")
_GROUPED = re.compile(r"\d{1,3}(?P<sep>[,.' \u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*", re.ASCII)
_NOT_DIGITS = re.compile(r"[^0-9]")
_PLAIN = {POINT: re.compile(r"-?\d+(?:\.\d+)?", re.ASCII), COMMA: re.compile(r"-?\d+", re.ASCII)}


def evident_mark(number: str) -> str | None:
    """The decimal mark a number's own separators show, or None when they could be
    either (`1,234`) or there are none."""
    comma, point = number.rfind(COMMA), number.rfind(POINT)
    if comma >= 0 and point >= 0:
        return COMMA if comma > point else POINT
    for mark, other in ((COMMA, POINT), (POINT, COMMA)):
        if mark not in number:
            continue
        if number.count(mark) > 1:
            return other  # only thousands repeat
        head, _, tail = number.partition(mark)
        if len(tail) == 3 and head.isdecimal() and len(head) <= 3 and head[0] != "0":
            return None  # 1,234: a thousands separator or three decimals
        return mark
    return None


class AmountEvidence:
    """What a column's values say about its decimal mark: how many say each, and the first
    of each (an example for messages)."""

    def __init__(self) -> None:
        self.counts = {POINT: 0, COMMA: 0}
        self.examples: dict[str, Example] = {}

    def see(self, cell: str, line: int) -> None:
        match = _AMOUNT.fullmatch(cell.strip())
        mark = None if match is None else evident_mark(match["number"])
        if mark is not None:
            self.counts[mark] += 1
            self.examples.setdefault(mark, Example(cell, line))

    def mark(self) -> str | None:
        """The mark most values show; None when none shows one (or as many each)."""
        point, comma = self.counts[POINT], self.counts[COMMA]
        return None if point == comma else POINT if point > comma else COMMA


def read_amount(cell: str, mark: str, example: str = "") -> str:
    """The cell as plain decimal text, in a column whose decimal mark is `mark`; raises
    CellError for a number whose own separators show the other mark."""
    if _PLAIN[mark].fullmatch(cell):
        return cell
    match = _AMOUNT.fullmatch(cell.strip())
    if match is None or bool(match["open"]) != bool(match["close"]):
        return cell
    signs = match["s1"] + match["s2"] + match["s3"]
    if len(signs) > 1 or (signs and match["open"]):
        return cell
    number = match["number"]
    evident = evident_mark(number)
    if evident is not None and evident != mark:
        like = f" (like {example!r})" if example else ""
        raise CellError(f"{cell!r} has a {MARKS[evident]}, but the column's amounts have a "
                        f"{MARKS[mark]}{like}")
    whole, sep, fraction = number.rpartition(mark) if mark in number else ("", "", number)
    if not sep:
        whole, fraction = number, ""
    elif not fraction.isdecimal():
        return cell
    if not whole.isdecimal() and not _GROUPED.fullmatch(whole):
        return cell
    digits = _NOT_DIGITS.sub("", whole)
    negative = signs == "-" or bool(match["open"])
    return ("-" if negative else "") + digits + (f".{fraction}" if sep else "")
