"""Segment standings saved beside the snapshots, so that a session's first segment counts
(the dashboard's, the segments screen's) need no scan of the customers.

What is saved is what `SegmentMembership` computed with the domain's rules (lifecycle,
RFM, tier, each custom rule's evaluation), never a second way to compute it: per
distinct standing (lifecycle, overridden, RFM segment, RFM code, tier, custom segment
ids), the ids of the live customers that have it. Ids and codes only, no person's details.
The key says what it was computed for: the day, the settings and the custom rules
(a digest: a rule's values may be a person's name); the store ties the file to its
journal (store/saved_results.py), and the reader computes again exactly the customers the
journal changed since it began.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson

from crm_tui.domain.settings import Settings

NAME = "standings"
# Bumped when what a standing holds, or how this file says it, changes.
VERSION = 1
Fields = tuple[str, bool, str | None, str | None, str, tuple[int, ...]]


def key_of(day: dt.date, settings: Settings, rules: Iterable[tuple[int, Mapping[str, Any]]]
           ) -> str:
    """What the standings were computed for: the day, every setting, every custom rule."""
    what = orjson.dumps([settings.to_dict(), [[sid, rule] for sid, rule in rules]],
                        option=orjson.OPT_SORT_KEYS)
    return f"{VERSION}/{day.isoformat()}/{hashlib.sha256(what).hexdigest()[:32]}"


def encode(standings: Mapping[int, Fields]) -> bytes:
    """The customers' standings, grouped: each distinct standing once, with its ids (by
    id: whoever saves the same standings writes the same bytes)."""
    grouped: dict[Fields, list[int]] = {}
    for customer_id in sorted(standings):
        grouped.setdefault(standings[customer_id], []).append(customer_id)
    return orjson.dumps({"standings": [list(fields) for fields in grouped],
                         "ids": list(grouped.values())})


def decode(body: bytes) -> Iterator[tuple[Fields, list[int]]]:
    """(standing, ids having it) of each distinct standing saved; ValueError when the
    body is not what `encode` writes."""
    data = orjson.loads(body)
    standings, ids = data["standings"], data["ids"]
    if len(standings) != len(ids):
        raise ValueError("saved standings and ids differ in number")
    for (lifecycle, overridden, rfm, code, tier, custom), members in zip(
            standings, ids, strict=True):
        yield (str(lifecycle), bool(overridden), rfm, code, str(tier),
               tuple(int(sid) for sid in custom)), [int(cid) for cid in members]
