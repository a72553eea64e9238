"""Sharing equal values between the documents of one table load, to save memory.

A million events parsed from JSON hold a million separate copies of "completed",
"2026-06-15T09:00:00", "card" and of every customer id: a purchase's values take more
memory than the dict holding them. Making equal values one object while loading halves a
table of flat documents. Only immutable scalars are shared: a document holding a list or
an object is left exactly as parsed, so no two documents ever share something mutable.

The cache lives as long as one load: nothing is kept once the table is installed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Doc = dict[str, Any]

# Give up on a table once this many of its documents held a list or an object and they
# are most of it: trying costs an exception per document and saves nothing.
GIVE_UP_AFTER = 1000


def unchanged(doc: Doc) -> Doc:
    return doc


class Interner:
    """`share(doc)` on each freshly parsed document returns the document to keep."""

    def __init__(self) -> None:
        # Keyed by (type, value), not by value: True == 1 == 1.0 in Python, and a cache
        # keyed by value alone would turn a later 1 into true in the stored JSON. (The
        # one equal pair left is -0.0 and 0.0: the sign of a zero is not data we keep.)
        cache: dict[tuple[type, Any], Any] = {}
        known = cache.setdefault
        nested = [0]  # documents not flat; a list, so that `share` can count into it

        # A closure, not a method: it runs a million times per load, and a plain call
        # with its names in cells costs a tenth of a second less per 200k documents.
        def share(doc: Doc) -> Doc:
            values = doc.values()
            try:
                # All in C (no Python loop per value): a list or dict value is
                # unhashable and raises TypeError before anything is built. The new
                # dict is also smaller than the parser's (464 bytes, not 632, for 15 keys).
                keys = zip(map(type, values), values, strict=True)
                return dict(zip(doc, map(known, keys, values), strict=True))
            except TypeError:
                nested[0] += 1
                return doc

        self.share: Callable[[Doc], Doc] = share
        self._cache = cache
        self._nested = nested

    def review(self, seen: int) -> None:
        """Called now and then with the number of documents seen: stop trying (and free
        the cache) when most of them were not flat."""
        if self._nested[0] > GIVE_UP_AFTER and 2 * self._nested[0] > seen:
            self.share = unchanged
            self._cache.clear()
