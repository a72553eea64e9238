"""A file's dates, as people and spreadsheets write them, read into ISO text.

Read: ISO dates with or without a time and an offset (`2024-02-07`, `2024-02-07 18:27:00
-0500`, `2024-02-07T18:27:00Z`: the date is the one written, in the source's own offset;
a timestamp field keeps the time and the offset), `YYYY/M/D`, `D/M/YYYY` and `M/D/YYYY` (or
with `-`), `D.M.YYYY` (always day first), each with an optional time (`14:30`, `2:30 PM`).
Two-digit years are 2000-2068 for 00-68 and 1969-1999 for 69-99, as strptime's %y reads
them.

Whether a column's `A/B/YYYY` is day or month first is decided from its values
(`DateEvidence`): a first part over 12 is a day, a second part over 12 is a day. A cell
this module does not recognise is passed on as it is, for the field's own parser to accept
(`today`, `+7d`) or refuse with its message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from crm_tui.domain import dates
from crm_tui.domain.errors import ValidationError

DAY_FIRST, MONTH_FIRST, ISO = "DMY", "MDY", "ISO"
ORDERS = {DAY_FIRST: "day first", MONTH_FIRST: "month first"}
DATE_FORMAT_HELP = ("DMY (31/01/2024), MDY (01/31/2024), or a strptime pattern like "
                    "%d/%m/%y")

_TIME = (r"(?:(?:[Tt]|\s+|,\s*)(?P<hour>\d{1,2}):(?P<minute>\d{2})"
         r"(?::(?P<second>\d{2})(?P<fraction>[.,]\d{1,6})?)?"
         r"(?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?)?"
         r"(?:\s*(?P<offset>[Zz]|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?)?")
_YEAR_FIRST = re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
                         + _TIME, re.ASCII)
_YEAR_LAST = re.compile(r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
                        + _TIME, re.ASCII)
_PLAIN_ISO = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class CellError(ValueError):
    """A cell that cannot be read as its column reads: a bad row, with this message."""


@dataclass(frozen=True)
class Example:
    value: str
    line: int


class DateEvidence:
    """What a column's values say about its order: the first day-first and month-first
    values seen (with their lines), and the first that could be either."""

    def __init__(self) -> None:
        self.day_first: Example | None = None
        self.month_first: Example | None = None
        self.ambiguous: Example | None = None

    def see(self, cell: str, line: int) -> None:
        match = _YEAR_LAST.fullmatch(cell.strip())
        if match is None:
            return
        order = _evident_order(match)
        if order == DAY_FIRST:
            self.day_first = self.day_first or Example(cell, line)
        elif order == MONTH_FIRST:
            self.month_first = self.month_first or Example(cell, line)
        elif order is None and _plausible(match):
            self.ambiguous = self.ambiguous or Example(cell, line)

    @property
    def settled(self) -> bool:
        """Nothing more to learn: the order is evident, or no value needs one."""
        return self.ambiguous is None or bool(self.day_first or self.month_first)


def _plausible(match: re.Match[str]) -> bool:
    return 1 <= int(match["a"]) <= 31 and 1 <= int(match["b"]) <= 31


def _evident_order(match: re.Match[str]) -> str | None:
    """DAY_FIRST or MONTH_FIRST when the value says so itself, else None."""
    first, second = int(match["a"]), int(match["b"])
    if match["sep"] == ".":
        return DAY_FIRST
    if 12 < first <= 31 and 1 <= second <= 12:
        return DAY_FIRST
    if 12 < second <= 31 and 1 <= first <= 12:
        return MONTH_FIRST
    return None


def check_date_format(text: str) -> str:
    """`--date-format` as given: DMY, MDY (any case) or a strptime pattern."""
    order = text.strip().upper()
    if order in ORDERS:
        return order
    if "%" in text:
        try:
            sample = datetime(2024, 1, 31, 14, 30).strftime(text)
            datetime.strptime(sample, text)
        except ValueError:
            pass
        else:
            return text
    raise ValidationError("date_format", f"{text!r} is not a date format: use {DATE_FORMAT_HELP}")


def read_date(cell: str, order: str, *, timestamp: bool, example: str = "") -> str:
    """The cell as ISO text (a date, or with `timestamp` the time and offset kept), in a
    column whose order is `order` (DAY_FIRST, MONTH_FIRST, ISO when its values never
    needed one, or a strptime pattern); raises CellError for a date that is not real or
    that contradicts the order (`example`: one of the column's dates showing it)."""
    text = cell.strip()
    if not timestamp and _PLAIN_ISO.fullmatch(text):
        return _day(int(text[:4]), int(text[5:7]), int(text[8:]), cell)
    if "%" in order:
        try:
            moment = datetime.strptime(text, order)
        except ValueError:
            pass
        else:
            return moment.isoformat() if timestamp else moment.date().isoformat()
    match = _YEAR_FIRST.fullmatch(text)
    if match is not None:
        return _iso(match, int(match["y"]), int(match["m"]), int(match["d"]), cell, timestamp)
    match = _YEAR_LAST.fullmatch(text)
    if match is None:
        return cell
    if "%" in order:
        raise CellError(f"{cell!r} does not match --date-format {order}")
    first, second = int(match["a"]), int(match["b"])
    evident = _evident_order(match)
    chosen = order if order in ORDERS else evident
    if chosen is None:
        raise CellError(f"{cell!r} could have the day or the month first: name the order "
                        "with --date-format DMY or MDY")
    if evident is not None and evident != chosen:
        said = (f"the column's dates have the {ORDERS[chosen]} (like {example!r})" if example
                else f"--date-format says {ORDERS[chosen]}")
        raise CellError(f"{cell!r} has the {ORDERS[evident]}, but {said}; correct it, or "
                        "name the order with --date-format")
    day, month = (first, second) if chosen == DAY_FIRST else (second, first)
    return _iso(match, _full_year(match["y"]), month, day, cell, timestamp)


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 69 else 1900
    return year


def _day(year: int, month: int, day: int, cell: str) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise CellError(f"is not a real date: {cell!r}") from None


def _iso(match: re.Match[str], year: int, month: int, day: int, cell: str,
         timestamp: bool) -> str:
    """ISO text of a matched date and its time; the time is checked by the domain's own
    timestamp reading, even when only the date is kept."""
    text = _day(year, month, day, cell)
    if match["hour"] is None:
        return text if not timestamp else f"{text}T00:00:00"
    hour = int(match["hour"])
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise CellError(f"is not a real time of day: {cell!r}")
        hour = hour % 12 + (12 if match["ampm"] in "Pp" else 0)
    stamp = f"{text}T{hour:02d}:{match['minute']}:{match['second'] or '00'}"
    if match["fraction"]:
        stamp += "." + match["fraction"][1:].ljust(6, "0")
    stamp += _offset(match["offset"])
    try:
        moment = dates.parse_datetime(stamp, "date")
    except ValidationError:
        raise CellError(f"is not a real date and time: {cell!r}") from None
    return moment.isoformat() if timestamp else text


def _offset(offset: str | None) -> str:
    if not offset:
        return ""
    if offset in ("Z", "z", "UTC", "GMT"):
        return "+00:00"
    digits = offset[1:].replace(":", "")
    return f"{offset[0]}{digits[:2]}:{digits[2:] or '00'}"
