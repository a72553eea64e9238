"""Segments: custom rule-based definitions, live member lists and counts, and badges.

Custom segments are stored in the `segments` table as canonical JSON rules (money in cents),
with names unique case-insensitively. Membership is never stored: `SegmentMembership` keeps
it current as customers change, so counts and badges follow every write at once.

Segments are named by a key: a custom segment by its id (or its name), a built-in one as
"lifecycle:vip", "rfm:Champions" or "tier:Gold" (value matched case-insensitively), or
by a bare name that picks one segment only (see `SegmentService.resolve`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from crm_tui.domain.entities.segment import validate_segment
from crm_tui.domain.errors import ChoiceError, ValidationError
from crm_tui.domain.rules.lifecycle import LIFECYCLE_SEGMENTS
from crm_tui.domain.rules.rfm import RFM_SEGMENTS
from crm_tui.domain.segments import describe_segment
from crm_tui.store import StoreTable

from . import tables
from .changes import Changes
from .context import ServiceContext
from .membership import (
    BUILTIN_KINDS,
    LIFECYCLE,
    RFM,
    TIER,
    MemberKey,
    SegmentMembership,
    builtin_key,
)
from .records import ensure_unique, fetch, stamped_new, with_id

TABLE = tables.SEGMENTS
CUSTOM = "custom"  # the kind of a segment defined by its own rules, beside BUILTIN_KINDS
KEPT = ("created_at", "created_by")


def _spelling(name: str) -> str:
    """A segment name as compared when picking one: "At Risk", "at_risk", "AT-RISK" agree."""
    return "_".join(name.casefold().replace("-", " ").replace("_", " ").split())


def _written(kind: str, name: str) -> str:
    """How to pick a segment on the command line, quoted when the name has spaces."""
    key = f"{kind}:{name}"
    return f'"{key}"' if " " in key else key


def _name_key(doc: Mapping[str, Any]) -> str | None:
    name = doc.get("name")
    return name.strip().casefold() if isinstance(name, str) and name.strip() else None


@dataclass(frozen=True)
class CustomBadge:
    segment_id: int
    name: str
    color: str


@dataclass(frozen=True)
class SegmentBadges:
    """What to show beside a customer: every segment it is in."""

    lifecycle: str
    overridden: bool
    rfm_segment: str | None
    rfm_code: str | None
    tier: str
    custom: tuple[CustomBadge, ...]


@dataclass(frozen=True)
class SegmentCount:
    key: MemberKey  # what members() takes
    kind: str  # lifecycle | rfm | tier | custom
    name: str
    count: int


class SegmentService:
    def __init__(self, ctx: ServiceContext, changes: Changes,
                 membership: SegmentMembership | None = None) -> None:
        self.ctx = ctx
        self.changes = changes
        self.table: StoreTable = ctx.db.table(TABLE)
        self.table.create_index("name", _name_key)
        self.customers: StoreTable = ctx.db.table(tables.CUSTOMERS)
        self.membership = membership or SegmentMembership(ctx)

    # ----- definitions -------------------------------------------------------------------
    def get(self, segment_id: int) -> dict[str, Any]:
        doc = with_id(fetch(self.table, "segment", segment_id))
        return {**doc, "rule_text": describe_segment(doc)}

    def all(self) -> list[dict[str, Any]]:
        """Every custom segment, by name, each with its live member `count`."""
        groups = self.membership.groups()
        docs = [{**self.get(doc.doc_id), "count": groups.count(doc.doc_id)} for doc in self.table]
        return sorted(docs, key=lambda d: d["name"].casefold())

    def find_by_name(self, name: str) -> dict[str, Any] | None:
        ids = self.table.find_ids("name", name.strip().casefold())
        return self.get(min(ids)) if ids else None

    def _validated(self, data: Mapping[str, Any], exclude: int | None = None) -> dict[str, Any]:
        values = validate_segment(data, today=self.ctx.clock.today())
        ensure_unique(self.table, "name", _name_key(values), "name", exclude=exclude,
                      describe=lambda d: f"segment #{d.doc_id}")
        return values

    def create(self, data: Mapping[str, Any]) -> int:
        """Add a segment: name, match all|any, conditions (text lines or {field, op, value}),
        optional description, color, active. Returns its id."""
        with self.changes.change("New segment"):
            values = self._validated(data)
            return self.table.insert(stamped_new(values, self.ctx.clock.stamp(), self.ctx.staff))

    def update(self, segment_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        with self.changes.change("Edit segment"):
            current = fetch(self.table, "segment", segment_id)
            values = self._validated({**current, **changes}, exclude=current.doc_id)
            kept = {k: current[k] for k in KEPT if k in current}
            self.table.replace(current.doc_id,
                               {**values, **kept, "updated_at": self.ctx.clock.stamp()})
        return self.get(segment_id)

    def delete(self, segment_id: int) -> None:
        """Remove a definition (customers are untouched; undo brings it back)."""
        with self.changes.change("Delete segment"):
            doc = fetch(self.table, "segment", segment_id)
            self.table.remove(doc_ids=[doc.doc_id])

    # ----- membership --------------------------------------------------------------------
    def preview(self, rules: Any, as_of: dt.date | None = None) -> int:
        """Member count of an unsaved rule set: {match, conditions} or just the conditions
        (text lines or mappings). Raises ValidationError naming the bad condition."""
        return len(self.membership.matching(self._rule(rules), as_of))

    def _rule(self, rules: Any) -> dict[str, Any]:
        data = dict(rules) if isinstance(rules, Mapping) else {"conditions": rules}
        values = validate_segment({"name": "preview", "match": data.get("match"),
                                   "conditions": data.get("conditions")},
                                  today=self.ctx.clock.today())
        return {"match": values["match"], "conditions": values["conditions"]}

    def resolve(self, key: int | str) -> MemberKey:
        """The member key of a segment named by its id, its name or a built-in key.

        Built-in segments are written "lifecycle:vip", "rfm:At Risk", "tier:Gold", and a
        custom one may be written "custom:Name"; a bare name is enough when it names one
        segment only ("champions", "gold", a custom segment's name). Case, and spaces
        against underscores, do not matter. A name that picks nothing, or several ("vip":
        lifecycle, RFM and tier), raises ChoiceError saying what there is, or what it
        could mean. An id that is not a custom segment raises NotFoundError."""
        if isinstance(key, int) and not isinstance(key, bool):
            return fetch(self.table, "segment", key).doc_id
        text = str(key).strip()
        kind, sep, value = text.partition(":")
        kind = kind.strip().lower()
        prefixed = bool(sep) and kind in (*BUILTIN_KINDS, CUSTOM)
        if prefixed:
            found = [named for named in self._named(value) if named[0] == kind]
        else:
            found = self._named(text)
            if not found and text.isdigit() and self.table.contains(doc_id=int(text)):
                return int(text)
        if len(found) == 1:
            return found[0][2]
        if found:
            raise ChoiceError("segment", f"{text!r} could mean any of these; write the one "
                              "you mean:", [_written(kind, name) for kind, name, _ in found])
        named = (f"no {kind} segment is named {value.strip()!r}" if prefixed
                 else f"no segment is named {text!r}")
        raise ChoiceError("segment", f"{named}; there are:",
                          [*(f"{kind}: {', '.join(names)}" for kind, names in self._catalogue()
                             if names),
                           'write kind:name (lifecycle:vip, "rfm:At Risk", tier:Gold) '
                           "or a custom segment's name"])

    def _named(self, name: str) -> list[tuple[str, str, MemberKey]]:
        """(kind, name, member key) of every segment called `name`, built-in or custom."""
        wanted = _spelling(name)
        found: list[tuple[str, str, MemberKey]] = [
            (kind, value, builtin_key(kind, value)) for kind in BUILTIN_KINDS
            for value in self._builtin_names(kind) if _spelling(value) == wanted]
        found += [(CUSTOM, doc["name"], doc.doc_id) for doc in self.table
                  if _spelling(str(doc.get("name", ""))) == wanted]
        return found

    def _catalogue(self) -> list[tuple[str, list[str]]]:
        customs = sorted((str(doc.get("name", "")) for doc in self.table), key=str.casefold)
        return [*((kind, list(self._builtin_names(kind))) for kind in BUILTIN_KINDS),
                (CUSTOM, customs)]

    def members(self, key: int | str, as_of: dt.date | None = None) -> list[int]:
        """Ids of the live customers in a segment, ascending."""
        return self.membership.members(self.resolve(key), as_of)

    def count(self, key: int | str, as_of: dt.date | None = None) -> int:
        return self.membership.groups(as_of).count(self.resolve(key))

    def counts(self, as_of: dt.date | None = None) -> list[SegmentCount]:
        """Member counts of every built-in segment (zeros included, in rule order) and every
        custom segment (by name), for the Segments screen and the dashboard."""
        groups = self.membership.groups(as_of)
        rows = [SegmentCount(builtin_key(kind, name), kind, name,
                             groups.count(builtin_key(kind, name)))
                for kind in BUILTIN_KINDS for name in self._builtin_names(kind)]
        customs = sorted(self.table, key=lambda d: str(d.get("name", "")).casefold())
        rows += [SegmentCount(d.doc_id, CUSTOM, d["name"], groups.count(d.doc_id))
                 for d in customs]
        return rows

    def _builtin_names(self, kind: str) -> tuple[str, ...]:
        if kind == LIFECYCLE:
            return LIFECYCLE_SEGMENTS
        if kind == RFM:
            return RFM_SEGMENTS
        if kind == TIER:
            return tuple(name for name, _ in self.ctx.settings.tiers.thresholds)
        raise ValidationError("segment", f"unknown kind {kind!r}")

    # ----- badges ------------------------------------------------------------------------
    def segments_of(self, customer_id: int, as_of: dt.date | None = None) -> SegmentBadges:
        """A customer's badges: lifecycle (and whether overridden), RFM, tier, custom."""
        return self.badges([customer_id], as_of)[int(customer_id)]

    def badges(self, customer_ids: Iterable[int],
               as_of: dt.date | None = None) -> dict[int, SegmentBadges]:
        """Badges of several customers at once (a table's visible rows)."""
        customs = {d.doc_id: d for d in self.table if d.get("active", True)}
        result: dict[int, SegmentBadges] = {}
        for cid in customer_ids:
            doc = fetch(self.customers, "customer", cid, include_deleted=True)
            standing = self.membership.standing(doc.doc_id, doc, as_of)
            custom = tuple(sorted(
                (CustomBadge(sid, customs[sid]["name"], customs[sid].get("color", "blue"))
                 for sid in standing.custom if sid in customs),
                key=lambda b: b.name.casefold()))
            result[doc.doc_id] = SegmentBadges(standing.lifecycle, standing.overridden,
                                               standing.rfm_segment, standing.rfm_code,
                                               standing.tier, custom)
        return result
