"""Money as integer cents: parsing what people type, and formatting for exports and screens.

Amounts are written in dollars ("1,200.50") and stored as integer cents (120050) so sums
never drift; binary floats are only ever read through their shortest decimal text.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from crm_tui.domain.errors import ValidationError

# A trillion dollars: far beyond any real amount, small enough that a typo of extra digits
# (or "1e400") is caught instead of being stored.
MAX_CENTS = 100_000_000_000_000
_MAX_DOLLARS = Decimal(MAX_CENTS).scaleb(-2)
MONEY_HINT = "an amount like 1200, 1,200.50 or $99.99 (at most 2 decimals)"

# Optional sign (before or after "$"), thousands grouped by commas or no commas at all.
_MONEY_RE = re.compile(
    r"""^(?P<sign1>[+-]?)\s*\$?\s*(?P<sign2>[+-]?)
        (?P<int>\d{1,3}(?:,\d{3})+|\d+)?
        (?:\.(?P<frac>\d*))?$""",
    re.VERBOSE | re.ASCII,
)


def parse_money(value: object, field: str, *, allow_negative: bool = False) -> int:
    """Read a dollar amount (int, Decimal, float or text) and return it as integer cents.

    Raises ValidationError(field, ...) for empty or malformed text, NaN or infinity, more
    than two decimals, negative amounts (unless allow_negative) and absurdly large amounts.
    """
    amount = _to_decimal(value, field)
    if not amount.is_finite():
        raise ValidationError(
            field, f"must be a finite amount, got {value!r}; expected {MONEY_HINT}"
        )
    if abs(amount) >= _MAX_DOLLARS:
        raise ValidationError(
            field, f"is too large ({value!r}); the limit is {display_money(MAX_CENTS - 1)}"
        )
    cents = _exact_cents(amount)
    if cents is None:
        raise ValidationError(field, f"has more than 2 decimals ({value!r}); expected {MONEY_HINT}")
    if cents < 0 and not allow_negative:
        raise ValidationError(field, f"must not be negative, got {value!r}")
    return cents


def _exact_cents(amount: Decimal) -> int | None:
    """Cents from the decimal digits themselves: Decimal arithmetic would round at 28 digits."""
    sign, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)  # finite, checked by the caller
    text = "".join(map(str, digits))
    shift = exponent + 2
    if shift < 0:
        trailing_zeros = len(text) - len(text.rstrip("0"))
        if int(text) != 0 and -shift > trailing_zeros:
            return None
        text = text[:shift] or "0"
        shift = 0
    # typeshed types int ** int as Any (a negative power gives a float); shift >= 0 here
    cents: int = int(text) * 10**shift
    return -cents if sign else cents


def _to_decimal(value: object, field: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValidationError(
            field,
            f"is required: expected {MONEY_HINT}"
            if value is None
            else f"must be an amount, not {value!r}; expected {MONEY_HINT}",
        )
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # str() is the shortest text that reads back as this float: 0.1 -> "0.1", not
        # the binary value 0.1000000000000000055...
        return Decimal(str(value))
    if isinstance(value, str):
        return _parse_text(value, field)
    raise ValidationError(
        field, f"must be an amount, not {type(value).__name__}; expected {MONEY_HINT}"
    )


def _parse_text(text: str, field: str) -> Decimal:
    stripped = text.strip()
    if not stripped:
        raise ValidationError(field, f"is required: expected {MONEY_HINT}")
    match = _MONEY_RE.match(stripped)
    if (
        match is None
        or (match["int"] is None and not match["frac"])
        or (match["sign1"] and match["sign2"])
    ):
        raise ValidationError(field, f"is not an amount: {text!r}; expected {MONEY_HINT}")
    digits = (match["int"] or "0").replace(",", "")
    frac = match["frac"] or ""
    if len(frac) > 2:
        raise ValidationError(field, f"has more than 2 decimals ({text!r}); expected {MONEY_HINT}")
    sign = match["sign1"] or match["sign2"]
    try:
        return Decimal(f"{sign}{digits}.{frac or '0'}")
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        raise ValidationError(field, f"is not an amount: {text!r}; expected {MONEY_HINT}") from None


def cents_to_decimal(cents: int) -> Decimal:
    """Exact dollar value of an amount in cents (for arithmetic that must not round early)."""
    return Decimal(cents).scaleb(-2)


def format_money(cents: int) -> str:
    """Plain two-decimal text for exports and files: 120000 -> "1200.00", -300 -> "-3.00"."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


def display_money(cents: int) -> str:
    """Human text with a currency sign and thousands separators: 120000 -> "$1,200.00"."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{frac:02d}"


def format_money_short(cents: int) -> str:
    """Plain text without needless zero cents, as rules are written: 100000 -> "1000",
    150 -> "1.50"."""
    text = format_money(cents)
    return text[:-3] if text.endswith(".00") else text
