"""Dates as ISO 8601: parsing typed dates (with relative shortcuts) and small date arithmetic.

Nothing here reads the clock: "today" always comes in as an argument, so every result is
reproducible under the CLI's --as-of.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta

from crm_tui.domain.errors import ValidationError

DATE_HINT = "YYYY-MM-DD, or today, yesterday, tomorrow, +7d, -3d, +2w, +1m, +1y"
DATETIME_HINT = "an ISO timestamp like 2024-05-01T14:30:00 (or a date YYYY-MM-DD)"

_NAMED_OFFSETS = {"today": 0, "yesterday": -1, "tomorrow": 1}
# Four digits are plenty (27 years of days) and keep the arithmetic away from date overflow.
_RELATIVE_RE = re.compile(r"^([+-]?)\s*(\d{1,4})\s*([dwmy])$", re.ASCII)
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# Timestamps from other tools: a date, then T or a space, then anything fromisoformat reads.
_ISO_STAMP_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt ]\d{2}:\d{2}", re.ASCII)


def parse_date(value: object, field: str, today: date) -> date:
    """Read a date: a `date`, "YYYY-MM-DD" (an ISO timestamp's date part too) or a shortcut.

    Shortcuts are relative to `today`: today, yesterday, tomorrow, and [+-]N followed by
    d (days), w (weeks), m (calendar months, clamped to the month's end) or y (years).
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValidationError(
            field, f"must be a date, not {type(value).__name__}; expected {DATE_HINT}"
        )
    text = value.strip().lower()
    if not text:
        raise ValidationError(field, f"is required: expected {DATE_HINT}")
    if text in _NAMED_OFFSETS:
        return _shift(today, _NAMED_OFFSETS[text], "d", field, value)
    relative = _RELATIVE_RE.match(text)
    if relative:
        sign, amount, unit = relative.groups()
        return _shift(today, -int(amount) if sign == "-" else int(amount), unit, field, value)
    stamp = _ISO_STAMP_RE.match(text)
    if stamp:
        _parse_stamp(value.strip(), field)  # the whole timestamp must be valid, not only its date
        text = stamp.group(1)
    if _ISO_DATE_RE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                field, f"is not a real date: {value!r}; expected {DATE_HINT}"
            ) from None
    raise ValidationError(field, f"is not a date: {value!r}; expected {DATE_HINT}")


def _shift(start: date, amount: int, unit: str, field: str, original: str) -> date:
    try:
        if unit == "d":
            return start + timedelta(days=amount)
        if unit == "w":
            return start + timedelta(weeks=amount)
        return add_months(start, amount * 12 if unit == "y" else amount)
    except (OverflowError, ValueError):
        raise ValidationError(
            field, f"{original!r} falls outside the calendar (years 1-9999)"
        ) from None


def relative_token(text: str) -> str | None:
    """The canonical spelling of a relative shortcut ("7D" -> "+7d", " Today " -> "today"),
    or None when `text` is not one. Rules store these and resolve them at evaluation."""
    word = text.strip().lower()
    if word in _NAMED_OFFSETS:
        return word
    relative = _RELATIVE_RE.match(word)
    if relative is None:
        return None
    sign, amount, unit = relative.groups()
    return f"{sign or '+'}{int(amount)}{unit}"


def add_months(start: date, months: int) -> date:
    """The same day `months` calendar months later (or earlier), clamped to the month's end.

    Jan 31 + 1 month is Feb 28 (29 in leap years). Raises ValueError outside years 1-9999.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def parse_datetime(value: object, field: str) -> datetime:
    """Read an ISO 8601 timestamp ("2024-05-01T14:30:00", optional offset or Z); a bare date
    means midnight. Offsets are kept as given: the caller decides whether to convert."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if not isinstance(value, str):
        raise ValidationError(
            field, f"must be a timestamp, not {type(value).__name__}; expected {DATETIME_HINT}"
        )
    text = value.strip()
    if not text:
        raise ValidationError(field, f"is required: expected {DATETIME_HINT}")
    if _ISO_DATE_RE.match(text):
        try:
            return datetime.combine(date.fromisoformat(text), time())
        except ValueError:
            raise ValidationError(
                field, f"is not a real date: {value!r}; expected {DATETIME_HINT}"
            ) from None
    if not _ISO_STAMP_RE.match(text):
        raise ValidationError(field, f"is not a timestamp: {value!r}; expected {DATETIME_HINT}")
    return _parse_stamp(text, field)


def _parse_stamp(text: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            field, f"is not a valid timestamp: {text!r}; expected {DATETIME_HINT}"
        ) from None


def iso(value: date | datetime) -> str:
    """ISO 8601 text: "2024-05-01" for a date, "2024-05-01T14:30:00" for a timestamp."""
    return value.isoformat()


def month_key(value: date) -> str:
    """The calendar month a date falls in, as "YYYY-MM" (sorts chronologically as text)."""
    return f"{value.year:04d}-{value.month:02d}"


def to_date(value: object) -> date | None:
    """Lenient read of a stored date or timestamp (ISO text or date object); None if unreadable.

    For computing over documents already validated: a bad value must not crash a report.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10 and _ISO_DATE_RE.match(value[:10]):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None
