"""Validators shared by every entity: text, enums, email, phone, booleans, numbers, ids, tags.

Each takes the raw value and the field name (for the error) and returns the normalised
value or raises ValidationError(field, "what is wrong; what is expected").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from crm_tui.domain.errors import ValidationError

SHORT_TEXT = 100
MEDIUM_TEXT = 200
LONG_TEXT = 10_000
MAX_TAGS = 50
TAG_MAX_LEN = 40
MAX_ID = 2**53  # the largest record id (JSON numbers stay exact up to it)
# What a validator's shortcut returns for input it leaves to the full validator (the
# `fast` of schema.Parser).
MISS: Any = object()

# C0/C1 controls (tab and newline are handled separately) and lone surrogates, which
# JSON encoders and terminals choke on.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SEPARATORS_RE = re.compile(r"[\s_\-]+")
_EMAIL_RE = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$",
    re.ASCII,
)
_PHONE_RE = re.compile(
    r"^(?P<main>\+?[0-9 ().\-]+)\s*(?:(?:ext\.?|x|\#)\s*(?P<ext>[0-9]{1,6}))?$",
    re.ASCII | re.IGNORECASE,
)
_NUMBER_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$", re.ASCII)
_TRUE = frozenset({"true", "yes", "y", "1", "on", "t"})
_FALSE = frozenset({"false", "no", "n", "0", "off", "f"})

EMAIL_HINT = "an email address like name@example.com"
PHONE_HINT = "7 to 15 digits, optionally with +, spaces, -, (), . and an extension like 'ext 12'"
BOOL_HINT = "yes or no (also true/false, 1/0)"


def is_blank(value: object) -> bool:
    """None or whitespace-only text: what a user leaves empty (an optional field's default)."""
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(
    value: object, field: str, *, max_len: int = MEDIUM_TEXT, multiline: bool = False
) -> str:
    """Trimmed text. One-line fields get runs of whitespace collapsed to one space (a pasted
    newline would break tables and CSV rows); multi-line fields keep their line breaks."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValidationError(field, f"must be text, not {type(value).__name__}")
    text = str(value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    else:
        text = " ".join(text.split())
    if _CONTROL_RE.search(text):
        raise ValidationError(field, "contains control characters; expected plain text")
    if len(text) > max_len:
        raise ValidationError(field, f"is too long ({len(text)} characters); at most {max_len}")
    return text


def enum_key(text: str) -> str:
    """Comparison key for enum values: "Closed-Won", "closed won" and "CLOSED_WON" all match."""
    return _SEPARATORS_RE.sub("_", text.strip().casefold()).strip("_")


def coerce_enum(
    value: object,
    field: str,
    choices: Sequence[str],
    *,
    free_form: bool = False,
    aliases: Mapping[str, str] | None = None,
) -> str:
    """The canonical spelling of one of `choices`, matched case- and separator-insensitively
    (or through `aliases`, keyed by enum_key: {"phone_call": "phone"}).

    With free_form, other values are accepted too, as a normalised key ("Credit Card" ->
    "credit_card") so that grouping by the field does not split on spelling.
    """
    text = clean_text(value, field, max_len=SHORT_TEXT)
    key = enum_key(text)
    for choice in choices:
        if enum_key(choice) == key:
            return choice
    if aliases and key in aliases:
        return aliases[key]
    if free_form and key and len(key) <= TAG_MAX_LEN:
        return key
    if free_form:
        raise ValidationError(
            field, f"must be a short word (at most {TAG_MAX_LEN} characters), got {text!r}"
        )
    raise ValidationError(field, f"must be one of {', '.join(choices)}; got {text!r}")


def check_email(value: object, field: str) -> str:
    """A lower-cased, syntactically valid address (uniqueness is the service's job)."""
    text = clean_text(value, field, max_len=254).lower()
    local = text.partition("@")[0]
    if not _EMAIL_RE.match(text) or len(local) > 64:
        raise ValidationError(
            field, f"is not a valid email address: {text!r}; expected {EMAIL_HINT}"
        )
    return text


def fast_email(value: object) -> object:
    """check_email's answer for an address typed plainly (printable ASCII, no spaces), or
    schema.MISS: anything else, every refusal included, is check_email's to word."""
    if (type(value) is str and len(value) <= 254 and value.isascii() and value.isprintable()
            and " " not in value):
        text = value.lower()
        if _EMAIL_RE.match(text) and len(text.partition("@")[0]) <= 64:
            return text
    return MISS


def _phone_digits(text: str) -> int | None:
    """How many digits the number has, None when it is not written as a phone number."""
    match = _PHONE_RE.match(text)
    return None if match is None else sum(map(str.isdigit, match["main"]))


def fast_phone(value: object) -> object:
    """check_phone's answer for a number typed in printable ASCII, or MISS."""
    if type(value) is str:
        text = " ".join(value.split())
        if text and len(text) <= 40 and text.isascii() and text.isprintable():
            digits = _phone_digits(text)
            if digits is not None and 7 <= digits <= 15:
                return text
    return MISS


def check_phone(value: object, field: str) -> str:
    """The number as typed (trimmed), once it has 7-15 digits and only phone punctuation."""
    text = clean_text(value, field, max_len=40)
    digits = _phone_digits(text)
    if digits is None:
        raise ValidationError(field, f"is not a phone number: {text!r}; expected {PHONE_HINT}")
    if not 7 <= digits <= 15:
        raise ValidationError(field, f"has {digits} digits: {text!r}; expected {PHONE_HINT}")
    return text


_BOOL_WORDS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}


def fast_bool(value: object) -> object:
    """parse_bool's answer for a bool or a word spelt exactly as listed, else MISS."""
    if type(value) is bool:
        return value
    return _BOOL_WORDS.get(value, MISS) if type(value) is str else MISS


def parse_bool(value: object, field: str) -> bool:
    """True/False from a bool, 0/1, or yes/no/true/false/y/n/on/off text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise ValidationError(field, f"must be {BOOL_HINT}; got {value!r}")


def parse_number(
    value: object,
    field: str,
    *,
    minimum: Decimal | int | None = None,
    maximum: Decimal | int | None = None,
    places: int | None = None,
    noun: str = "a number",
) -> Decimal:
    """An exact Decimal from an int, Decimal, float (read via its shortest text) or text
    like "1,000.5", within the given bounds and number of decimal places."""
    expected = range_text(minimum, maximum, noun)
    if isinstance(value, bool):
        raise ValidationError(field, f"must be {expected}; got {value!r}")
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif (
        isinstance(value, str)
        and _NUMBER_RE.match(value.strip())
        and any(c.isdigit() for c in value)
    ):
        number = Decimal(value.strip().replace(",", ""))
    else:
        raise ValidationError(field, f"must be {expected}; got {value!r}")
    if not number.is_finite():
        raise ValidationError(field, f"must be {expected}; got {value!r}")
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ValidationError(field, f"must be {expected}; got {value!r}")
    exponent = number.normalize().as_tuple().exponent
    if places is not None and isinstance(exponent, int) and exponent < -places:
        raise ValidationError(field, f"must have at most {places} decimals; got {value!r}")
    return number


def parse_int(
    value: object, field: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A whole number ("12", 12, 12.0) within the given bounds."""
    number = parse_number(value, field, minimum=minimum, maximum=maximum, noun="a whole number")
    if number != number.to_integral_value():
        raise ValidationError(
            field, f"must be {range_text(minimum, maximum, 'a whole number')}; got {value!r}"
        )
    return int(number)


def range_text(minimum: object, maximum: object, noun: str) -> str:
    if minimum is not None and maximum is not None:
        return f"{noun} from {minimum} to {maximum}"
    if minimum is not None:
        return f"{noun} of at least {minimum}"
    if maximum is not None:
        return f"{noun} of at most {maximum}"
    return noun


def parse_id(value: object, field: str) -> int:
    """A record id: a positive whole number (TinyDB document ids)."""
    try:
        return parse_int(value, field, minimum=1, maximum=MAX_ID)
    except ValidationError:
        raise ValidationError(
            field, f"must be a record id (a positive whole number); got {value!r}"
        ) from None


def fast_tags(value: object) -> object:
    """parse_tags's answer for tags typed plainly (printable text, no tabs or line breaks,
    each tag within its length, not too many), or schema.MISS: anything else, every
    refusal included, is parse_tags's to word. A customers import reads a tags cell a row."""
    if type(value) is not str or len(value) > LONG_TEXT or not value.isprintable():
        return MISS
    tags: list[str] = []
    # Printable text has no whitespace but the space: what clean_text would leave of it.
    if _add_tags(value, tags, set()) is not None:
        return MISS
    return tags if 0 < len(tags) <= MAX_TAGS else MISS  # none: blank, the parser's to say


def _add_tags(text: str, tags: list[str], seen: set[str]) -> str | None:
    """The comma-separated tags of `text`, trimmed, added to `tags` unless their case-folded
    spelling is in `seen`; the first tag too long, if any (none added from it on)."""
    for part in text.split(","):
        tag = " ".join(part.split())
        if len(tag) > TAG_MAX_LEN:
            return tag
        key = tag.casefold()
        if tag and key not in seen:
            seen.add(key)
            tags.append(tag)
    return None


def parse_tags(value: object, field: str) -> list[str]:
    """Tags from a list or a comma-separated string: trimmed, deduplicated ignoring case
    (the first spelling wins), in the order given."""
    if isinstance(value, str):
        items: Iterable[object] = [value]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
    else:
        raise ValidationError(field, "must be a list of tags or text separated by commas")
    tags: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = field if isinstance(value, str) else f"{field}[{index}]"
        text = clean_text(item, where, max_len=LONG_TEXT)
        long = _add_tags(text, tags, seen)
        if long is not None:
            raise ValidationError(
                where, f"tag {long[:20]!r}... is too long; at most {TAG_MAX_LEN} characters"
            )
    if len(tags) > MAX_TAGS:
        raise ValidationError(field, f"has {len(tags)} tags; at most {MAX_TAGS}")
    return tags

