"""A tally: integer vectors by key, the shape of most aggregate states, and the day keys
their reducers share.

A delta is a list of (key, signed vector); folding adds it in place (a state is large and
one session owns it) and drops a key once its vector is all zeros, so a state holds only
what some document contributes. `changes(old, new)` is the delta of a document whose
contributions went from `old` to `new`: nothing when they are the same, which is most
edits (a note on a purchase moves no figure).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

Vector = tuple[int, ...]
Delta = list[tuple[Hashable, Vector]]
Tally = dict[Hashable, list[int]]
Doc = Mapping[str, Any]

NO_DAY = "~"  # sorts after every ISO day: "no such day yet"


def fold(state: Tally, delta: Delta) -> Tally:
    """Add each (key, vector) of `delta` to `state` (in place; returned for chaining)."""
    for key, vector in delta:
        row = state.get(key)
        if row is None:
            state[key] = list(vector)
            continue
        for i, value in enumerate(vector):
            row[i] += value
        if not any(row):
            del state[key]
    return state


def dumped(state: Tally) -> list[list[Any]]:
    """A tally as JSON values: [key as a list, vector] per key (keys are flat tuples of
    JSON scalars), in one order whatever the order of folding (equal states, equal
    dumps)."""
    rows = [[list(key) if isinstance(key, tuple) else key, row] for key, row in state.items()]
    rows.sort(key=repr)
    return rows


def loaded(data: Any) -> Tally:
    """The tally `dumped` gave (its file's checksums vouch for the values)."""
    return {tuple(key) if key.__class__ is list else key: row for key, row in data}


def changes(old: list[tuple[Hashable, Vector]],
            new: list[tuple[Hashable, Vector]]) -> Delta:
    """The delta taking a document's contributions from `old` to `new`."""
    if old == new:
        return []
    return [*new, *((key, tuple(-v for v in vector)) for key, vector in old)]


def day(doc: Doc, field: str) -> str:
    """A stored date's ISO day ("" when absent): stored dates are canonical ISO text,
    which compares as dates do."""
    return str(doc.get(field) or "")[:10]


def since(doc: Doc) -> str:
    """The first day a record counts "as of": created by then, or (a customer entered
    later with an older history, as an import brings one) buying by then. "" (always)
    for a record without a creation stamp. A record counts as of `d` iff since <= d."""
    return min(day(doc, "created_at"), day(doc, "first_order_date") or NO_DAY)


def is_live(doc: Doc | None) -> bool:
    """Present and not soft-deleted."""
    return doc is not None and not doc.get("deleted_at")
