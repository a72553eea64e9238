"""What a document may hold: JSON values only, copied on the way into the store.

orjson, which writes the journal, turns NaN and infinities into `null` and dates, UUIDs,
enums and dataclasses into strings or objects without a word: a document would come back
different from what was saved. So every document is copied through JSON and the copy
compared with the original; when they differ, the original is walked to name the key
that JSON cannot hold. A tuple comes back as a list, as with TinyDB's JSON storage.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import orjson

from .errors import UnstorableValueError

Doc = dict[str, Any]

# orjson's integer range (signed and unsigned 64-bit): a larger one is refused.
INT_MIN, INT_MAX = -(2**63), 2**64 - 1


def storable_copy(doc: Mapping[str, Any]) -> Doc:
    """A deep, JSON-clean copy of a document; UnstorableValueError naming the key when a
    value cannot be stored. Any Mapping is taken (as TinyDB takes it), as a dict."""
    if not isinstance(doc, dict):
        doc = dict(doc)
    try:
        copied: dict[str, Any] = orjson.loads(orjson.dumps(doc))
    except TypeError as exc:
        found = first_unstorable(doc, "")
        raise found or UnstorableValueError("", f"cannot be written ({exc})") from None
    if copied != doc:  # NaN became None, a date a string, ... (or a tuple a list: fine)
        found = first_unstorable(doc, "")
        if found is not None:
            raise found
    return copied


def first_unstorable(value: Any, path: str) -> UnstorableValueError | None:
    """The first value under `value` that JSON cannot hold, as the error to raise."""
    if value is None or isinstance(value, (str, bool)):
        return None
    if isinstance(value, int):
        return None if INT_MIN <= value <= INT_MAX else UnstorableValueError(
            path, "is a whole number too large (over 64 bits)")
    if isinstance(value, float):
        if math.isnan(value):
            return UnstorableValueError(path, "is NaN (not a number)")
        return None if math.isfinite(value) else UnstorableValueError(path, "is infinite")
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if found := first_unstorable(item, f"{path}[{index}]"):
                return found
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return UnstorableValueError(path, f"has a key that is not text ({key!r})")
            if found := first_unstorable(item, f"{path}.{key}" if path else key):
                return found
        return None
    kind = type(value).__name__
    return UnstorableValueError(path, f"is {'an' if kind[0] in 'aeiou' else 'a'} {kind}")
