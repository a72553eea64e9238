"""Whole-number arrays saved as text: a state's long columns (an order's customer and
cents, a customer's totals) dumped as the base64 of their little-endian values, 32-bit
when they all fit, else 64-bit (the first letter says which: "i" or "q"), so that loading
a saved state makes one array per column instead of a Python int per value. Unpacked
arrays are always 64-bit, whatever a fold adds to them later.
"""

from __future__ import annotations

import base64
import binascii
import sys
from array import array
from typing import Final

TYPECODE: Final = "q"  # in memory: signed 64-bit (ids, cents, counts and day codes all fit)
_SMALL: Final = "i"  # signed 32-bit, saved when every value fits
_LIMIT = 1 << 31


def pack(values: array[int]) -> str:
    """The values as text (little-endian, whatever this machine's order)."""
    small = not values or (min(values) >= -_LIMIT and max(values) < _LIMIT)
    code = _SMALL if small else TYPECODE
    saved = array(code, values)
    if sys.byteorder == "big":
        saved.byteswap()
    return code + base64.b64encode(saved.tobytes()).decode("ascii")


def unpack(text: str) -> array[int]:
    """The array `pack` gave; ValueError when `text` is not that."""
    code, body = text[:1], text[1:]
    if code not in (_SMALL, TYPECODE):
        raise ValueError("not packed numbers")
    try:
        raw = base64.b64decode(body.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError("not packed numbers") from None
    values = array(code)
    if len(raw) % values.itemsize:
        raise ValueError("packed numbers of a partial length")
    values.frombytes(raw)
    if sys.byteorder == "big":
        values.byteswap()
    return values if code == TYPECODE else _widened(values, raw)


_POSITIVE_TOP_BYTES = bytes(range(128))


def _widened(values: array[int], raw: bytes) -> array[int]:
    """32-bit values (`raw`: their little-endian bytes) as 64-bit ones: copied into the
    low halves of zeroed 64-bit slots when none has a sign to extend (no top byte of 128
    or more) on a little-endian machine, else one by one (an int object each: several
    times slower)."""
    negative = raw[3::4].translate(None, _POSITIVE_TOP_BYTES)
    if sys.byteorder == "big" or negative:
        return array(TYPECODE, values)
    wide = array(TYPECODE, bytes(8 * len(values)))
    memoryview(wide).cast("B").cast(_SMALL)[0::2] = memoryview(values)
    return wide


def packed_length(text: str) -> int:
    """How many values `text` holds, without unpacking them; ValueError when it is not
    packed numbers."""
    size = {_SMALL: 4, TYPECODE: 8}.get(text[:1])
    body = len(text) - 1 - text.endswith("=") - text.endswith("==")
    if size is None or body % 4 == 1:
        raise ValueError("not packed numbers")
    return body * 3 // 4 // size
