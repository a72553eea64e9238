"""Segment membership kept current incrementally: the engine behind live badges and counts.

`SegmentMembership` scores customers from their `CustomerRecords` (a few fields each, no
documents held) and hears of every commit to the customers table, made in this session or
caught up from another process's, with the customers' new documents: the next query
re-evaluates exactly those customers (a purchase, which rewrites its customer several
times in one commit, costs one evaluation) and leaves the others alone. Custom segment
rules reading only what the records hold (totals, dates, tags, the standings scored from
them) are evaluated over the records; as soon as one reads any other field, all are
evaluated over one streaming scan of the documents (a second pass would cost more than it
saves). Either happens only when a rule is edited (that one rule) or when what every
standing depends on moves: the date (from the context clock) or the settings. All
of it happens lazily, on the next query. One customer's standing (a badge, a 360 view) is
computed from that customer's document alone, never waiting for the others'.

Today's standings are saved beside the snapshots (saved_standings.py): by the session
that had to compute them, and by each compaction of a session that has them current. A
session whose day, settings and rules match the saved ones starts from them and scores
only the customers the journal changed since (their documents read by id): its first
counts build no records and score no one else.

Member keys: built-in segments are "lifecycle:<segment>", "rfm:<RFM segment>" and
"tier:<tier>" (see `builtin_key`); a custom segment is its integer id.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from crm_tui.domain.rules.lifecycle import effective_segment
from crm_tui.domain.rules.loyalty import tier_for_points
from crm_tui.domain.rules.rfm import rfm_score, rfm_segment
from crm_tui.domain.segments import customer_facts, evaluate, fields_used
from crm_tui.domain.settings import Settings
from crm_tui.store import Database, StoreTable

from . import saved_standings, tables
from .context import ServiceContext
from .customer_records import CustomerRecord, CustomerRecords, documents
from .customers import ZERO_TOTALS
from .profiles import facts_of, profile_of, totals_of
from .records import existed_on

LIFECYCLE, RFM, TIER = "lifecycle", "rfm", "tier"
BUILTIN_KINDS = (LIFECYCLE, RFM, TIER)
OBSERVER_NAME = "segment_membership"
# Customers changed since the saved standings that a compaction scores again, under the
# store's lock, to save them for the next journal; past that, the next session does it.
SCORED_AT_COMPACTION = 20_000

MemberKey = str | int
Doc = Mapping[str, Any]

# The facts only a computed profile provides (totals are stored on the customer as they
# are): a rule reading none of them is evaluated on the document alone, which makes scans
# and previews as you type several times cheaper.
COMPUTED_FACTS = frozenset(
    profile_of(0, {}, dt.date(2000, 1, 1), Settings()).computed_facts()
) - frozenset(ZERO_TOTALS)


def builtin_key(kind: str, value: str) -> str:
    """The member key of a built-in segment: builtin_key("lifecycle", "vip")."""
    return f"{kind}:{value}"


# The facts a customer's record yields as its document would: the fields it keeps and
# what a profile computes from them (not the loyalty balance, which it does not keep).
RECORD_FACTS = (frozenset(CustomerRecord.of(0, {}).facts())
                | COMPUTED_FACTS) - {"loyalty_points"}


def needs_profile(rule: Doc) -> bool:
    return bool(fields_used(rule) & COMPUTED_FACTS)


def held_by_records(rule: Doc) -> bool:
    """Whether the customers' records are enough to evaluate the rule (no document read)."""
    return fields_used(rule) <= RECORD_FACTS


@dataclass(frozen=True)
class Definitions:
    """The stored custom segments as (id, rule), whether any reads a computed fact, and
    whether any reads a field the records do not hold."""

    rules: tuple[tuple[int, Doc], ...] = ()
    needs_profile: bool = False
    needs_documents: bool = False

    @classmethod
    def of(cls, rules: Iterable[tuple[int, Doc]]) -> Definitions:
        ordered = tuple(sorted(rules, key=lambda pair: pair[0]))
        return cls(ordered, any(needs_profile(rule) for _, rule in ordered),
                   not all(held_by_records(rule) for _, rule in ordered))


def rule_facts(customer_id: int, doc: Doc, as_of: dt.date, settings: Settings,
               with_profile: bool) -> dict[str, Any]:
    """What a rule is evaluated over; the computed profile only when the rule needs it."""
    if with_profile:
        return facts_of(doc, profile_of(customer_id, doc, as_of, settings))
    return customer_facts({**doc, "id": customer_id})


@dataclass(frozen=True)
class Standing:
    """One live customer's computed segments (custom ones by id)."""

    lifecycle: str
    overridden: bool
    rfm_segment: str | None
    rfm_code: str | None
    tier: str
    custom: frozenset[int]

    def fields(self) -> saved_standings.Fields:
        """The standing as saved (saved_standings.py)."""
        return (self.lifecycle, self.overridden, self.rfm_segment, self.rfm_code, self.tier,
                tuple(sorted(self.custom)))

    def member_keys(self) -> Iterator[MemberKey]:
        yield builtin_key(LIFECYCLE, self.lifecycle)
        if self.rfm_segment is not None:  # customers without orders have no RFM segment
            yield builtin_key(RFM, self.rfm_segment)
        yield builtin_key(TIER, self.tier)
        yield from self.custom


def standing_of(customer_id: int, doc: Doc, as_of: dt.date, settings: Settings,
                definitions: Definitions) -> Standing:
    """The customer's computed segments as of a date.

    The badges need only lifecycle, RFM and tier: the full profile (churn risk, name...)
    is built only when a custom rule reads a computed fact, since this runs for every
    customer whenever the date, settings or definitions change.
    """
    totals = totals_of(doc)
    lifecycle = effective_segment(totals, as_of, doc.get("segment_override"), settings.lifecycle)
    score = rfm_score(totals, as_of, settings.rfm)
    custom: frozenset[int] = frozenset()
    if definitions.rules:
        facts = rule_facts(customer_id, doc, as_of, settings, definitions.needs_profile)
        custom = frozenset(sid for sid, rule in definitions.rules
                           if evaluate(rule, facts, as_of))
    return Standing(lifecycle.segment, lifecycle.overridden, rfm_segment(score),
                    score.code if score else None,
                    tier_for_points(doc.get("points_earned") or 0, settings.tiers), custom)


def member_standing(customer_id: int, doc: Doc | None, as_of: dt.date, settings: Settings,
                    definitions: Definitions) -> Standing | None:
    """The standing that makes a customer a member: None when absent or soft-deleted."""
    if doc is None or doc.get("deleted_at"):
        return None
    return standing_of(customer_id, doc, as_of, settings, definitions)


class Groups:
    """Standings by customer and member ids by key, updated one customer at a time."""

    def __init__(self) -> None:
        self.standing: dict[int, Standing] = {}
        self.members: dict[MemberKey, set[int]] = {}

    @classmethod
    def saved(cls, body: bytes) -> Groups:
        """The groups saved_standings.encode saved (ValueError, KeyError, TypeError when
        the body is not that)."""
        groups = cls()
        for (lifecycle, overridden, rfm, code, tier, custom), ids in saved_standings.decode(body):
            standing = Standing(lifecycle, overridden, rfm, code, tier, frozenset(custom))
            groups.standing.update(dict.fromkeys(ids, standing))
            for key in standing.member_keys():
                groups.members.setdefault(key, set()).update(ids)
        return groups

    def put(self, customer_id: int, standing: Standing | None) -> None:
        old = self.standing.get(customer_id)
        if old == standing:
            return
        if old is not None:
            del self.standing[customer_id]
            for key in old.member_keys():
                self.members[key].discard(customer_id)
        if standing is not None:
            self.standing[customer_id] = standing
            for key in standing.member_keys():
                self.members.setdefault(key, set()).add(customer_id)

    def set_rule(self, segment_id: int, ids: set[int]) -> None:
        """Make `ids` (live customers) the members of one custom segment."""
        old = self.members.pop(segment_id, set())
        for cid in old ^ ids:
            was = self.standing[cid]
            self.standing[cid] = replace(was, custom=was.custom ^ {segment_id})
        if ids:
            self.members[segment_id] = ids

    def count(self, key: MemberKey) -> int:
        return len(self.members.get(key, ()))


class _DefinitionsWatch:
    """Observes the segment definitions: which changed (None: possibly all) and a version."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.version = 0
        self.changed: set[int] | None = set()

    def add(self, doc_id: int, doc: Doc) -> None:
        self.version += 1
        if self.changed is not None:
            self.changed.add(doc_id)

    discard = add

    def replace(self, doc_id: int, old: Doc, new: Doc) -> None:
        self.add(doc_id, new)

    def rebuild(self, docs: Mapping[int, Doc] | None = None) -> None:
        self.version += 1
        self.changed = None

    clear = rebuild

    def take(self) -> set[int] | None:
        changed, self.changed = self.changed, set()
        return changed


class SegmentMembership:
    """Live standings and segment members of every non-deleted customer, as of today."""

    def __init__(self, ctx: ServiceContext, records: CustomerRecords | None = None) -> None:
        # Unique per instance: an observer registered under a taken name replaces it, and
        # two services over one database must not silence each other.
        self.name = f"{OBSERVER_NAME}:{id(self)}"
        self.ctx = ctx
        self.records = records if records is not None else CustomerRecords(ctx.db)
        self.segments: StoreTable = ctx.db.table(tables.SEGMENTS)
        # Customers committed since the last query: re-scored then (from their records,
        # or their documents read again when a custom rule may read any field; an import
        # of 100,000 is not held as documents meanwhile). Guarded: the store's watcher
        # adds to it from whichever thread catches up.
        self._changed: set[int] = set()
        self._changed_lock = threading.Lock()
        self._lost = False  # the records start over: a full scan is due
        self._groups = Groups()
        self._key: tuple[Any, ...] | None = None  # what _groups was computed for
        self._definitions: tuple[int, Definitions] = (-1, Definitions())
        self._rules_changed: set[int] | None = set()  # since _groups was last brought up
        self._watch = _DefinitionsWatch(self.name)
        ctx.db.observe(tables.SEGMENTS, self._watch)
        self.records.listen(self._committed)
        ctx.db.save_at_compaction(saved_standings.NAME, self._at_compaction)

    def _committed(self, docs: Mapping[int, Doc | None], everything: bool) -> None:
        with self._changed_lock:
            self._changed.update(docs)  # the ids
            self._lost = self._lost or everything

    def _take_changed(self) -> tuple[set[int], bool]:
        with self._changed_lock:
            changed, lost = self._changed, self._lost
            self._changed, self._lost = set(), False
            return changed, lost

    # ----- queries -----------------------------------------------------------------------
    def groups(self, as_of: dt.date | None = None) -> Groups:
        """Current groups (as of today, kept incrementally), or computed afresh for another
        date. Treat the result as read-only."""
        while True:
            with self.ctx.db.view():
                today = self.ctx.clock.today()
                day = today if as_of is None else as_of
                current = self._refresh(today) or (day == today and self._from_saved(today))
                if current and day == today:
                    return self._groups
            self.records.ensure()  # not in the view: the first scan takes a while
            with self.ctx.db.view():
                if not current:
                    self._take_changed()  # the records have them, the scan below reads them
                settings, (version, definitions) = self.ctx.settings, self._definitions
            # Not in the view: scoring everyone holds no one else's reads back (a badge, a
            # save); the customers committed meanwhile are scored again below.
            records = self.records.snapshot()
            customs = _custom_members(self.ctx.db, records, day, settings, definitions)
            groups = self._scored(records, day, settings, customs, existing=day != today)
            with self.ctx.db.view():
                if (self.ctx.clock.today(), self.ctx.settings, self.definitions()) != (
                        today, settings, definitions) or self._definitions[0] != version:
                    continue  # changed meanwhile: scored again
                if day != today:
                    return groups
                self._groups, self._key = groups, self._wanted_key(today, settings)
                self._rules_changed = set()
                self._refresh(today)  # the customers committed during the scan
                key = saved_standings.key_of(today, settings, definitions.rules)
                start, standing = self.ctx.db.journal_start(), dict(self._groups.standing)
            # Saved for the next sessions of the day (outside the view: writers go on).
            self.ctx.db.save_result(saved_standings.NAME, key, _encoded(standing), start)
            return self._groups

    def members(self, key: MemberKey, as_of: dt.date | None = None) -> list[int]:
        """Ids of a segment's members, ascending (copied in the view: workers may write)."""
        groups = self.groups(as_of)
        with self.ctx.db.view():
            return sorted(groups.members.get(key, ()))

    def standing(self, customer_id: int, doc: Doc, as_of: dt.date | None = None) -> Standing:
        """One customer's standing (also for soft-deleted ones, shown in a trash view)."""
        return self.standings({customer_id: doc}, as_of)[customer_id]

    def standings(self, docs: Mapping[int, Doc], as_of: dt.date | None = None
                  ) -> dict[int, Standing]:
        """Several customers' standings (a screenful of rows asks for forty at once),
        each computed from its own document and the rules: never from the live groups,
        whose catch-up may re-evaluate a rule over everyone (a 360 view waited on it)."""
        with self.ctx.db.view():
            day = self.ctx.as_of(as_of)
            settings, definitions = self.ctx.settings, self.definitions()
        return {customer_id: standing_of(customer_id, doc, day, settings, definitions)
                for customer_id, doc in docs.items()}

    def standing_now(self, customer_id: int, record: CustomerRecord) -> Standing | None:
        """Today's standing of a listed row without waiting for the store, from what this
        session last read: the live groups' when current, else lifecycle, RFM and tier
        scored from the record (custom segments need the document: none then). None
        when the settings have not been read yet: the caller draws a placeholder."""
        settings = self.ctx.last_settings
        if settings is None:
            return None
        today = self.ctx.clock.today()
        current = (self._key == self._wanted_key(today, settings) and self._rules_changed == set()
                   and customer_id not in self._changed)
        found = self._groups.standing.get(customer_id) if current else None
        return found or standing_of(customer_id, record.facts(), today, settings, Definitions())

    def matching(self, rule: Doc, as_of: dt.date | None = None) -> list[int]:
        """Ids of live customers an unsaved rule set would hold (the rule editor's preview)."""
        self.records.ensure()  # built before the view: the first scan takes a while
        with self.ctx.db.view():
            return sorted(self._matching(rule, self.ctx.as_of(as_of), self.ctx.settings))

    def definitions(self) -> Definitions:
        """Every stored custom segment's rule, reloaded when any of them changed."""
        with self.ctx.db.view():
            len(self.segments)  # catch up and load, so the watch has seen every change
            version = self._watch.version
            if self._definitions[0] != version:
                rules = ((doc.doc_id, {"match": doc.get("match", "all"),
                                       "conditions": doc.get("conditions") or []})
                         for doc in self.segments)
                self._definitions = (version, Definitions.of(rules))
                changed = self._watch.take()
                if changed is None or self._rules_changed is None:
                    self._rules_changed = None
                else:
                    self._rules_changed |= changed
            return self._definitions[1]

    # ----- keeping current ---------------------------------------------------------------
    @staticmethod
    def _wanted_key(today: dt.date, settings: Settings) -> tuple[Any, ...]:
        """What the live groups must have been computed for to be current."""
        return (today, settings)

    def _refresh(self, today: dt.date) -> bool:
        """Catch up with the store; re-evaluate the customers changed since the last query,
        then the rules edited since. False when a full scan is due instead."""
        definitions = self.definitions()  # its view caught up: the changed are all here
        changed, lost = self._take_changed()
        if (lost or self._wanted_key(today, self.ctx.settings) != self._key
                or self._rules_changed is None
                or (self._rules_changed and not self.records.ready)):
            # The scan due covers the changed customers. (An edited rule without the
            # records would scan the documents here, holding every other reader back.)
            return False
        self._score(self._groups, changed, today, definitions)
        settings, rules = self.ctx.settings, dict(definitions.rules)
        for sid in self._rules_changed:
            rule = rules.get(sid)
            ids = set(self._matching(rule, today, settings)) if rule else set()
            self._groups.set_rule(sid, ids)
        self._rules_changed = set()
        return True

    def _score(self, groups: Groups, changed: Iterable[int], today: dt.date,
               definitions: Definitions) -> None:
        """Score these customers again into `groups` (in a view: current), from their
        records when those hold what the rules read, else from their documents."""
        settings = self.ctx.settings
        docs: Mapping[int, Doc] | None = None
        if changed and (definitions.needs_documents or not self.records.ready):
            docs = self.ctx.db.get_many(tables.CUSTOMERS, changed)
        for cid in changed:
            record = self.records.get(cid)
            doc = docs.get(cid) if docs is not None else record.facts() if record else None
            groups.put(cid, member_standing(cid, doc, today, settings, definitions))

    def _from_saved(self, today: dt.date, *, at_most: int | None = None) -> bool:
        """Start from the standings saved for today, these settings and rules, and score
        again the customers the journal changed since they were saved (in a view). False
        when there are none usable, or more than `at_most` customers changed."""
        definitions, settings = self.definitions(), self.ctx.settings
        key = saved_standings.key_of(today, settings, definitions.rules)
        body = self.ctx.db.saved_result(saved_standings.NAME, key)
        changed = self.ctx.db.journal_changes(tables.CUSTOMERS)
        if body is None or changed is None or (at_most is not None and len(changed) > at_most):
            return False
        try:
            groups = Groups.saved(body)
        except (ValueError, KeyError, TypeError):
            return False  # not what this version saves: computed again
        self._take_changed()  # all in `changed`: the journal since it began
        self._score(groups, changed, today, definitions)
        self._groups, self._key = groups, self._wanted_key(today, settings)
        self._rules_changed = set()
        return True

    def _at_compaction(self) -> tuple[str, bytes] | None:
        """Today's standings as of the end of the journal being compacted, if this session
        has them (current, or saved and little changed since): what the compaction saves
        for the next journal. Under the store's lock: never a scan."""
        today = self.ctx.clock.today()
        with self.ctx.db.view():
            self.definitions()
            with self._changed_lock:
                pending = len(self._changed)
            if self._rules_changed != set() or pending > SCORED_AT_COMPACTION:
                return None  # a rule to evaluate over everyone, or an import's customers
            if not (self._refresh(today)
                    or self._from_saved(today, at_most=SCORED_AT_COMPACTION)):
                return None
            key = saved_standings.key_of(today, self.ctx.settings, self._definitions[1].rules)
            return key, _encoded(self._groups.standing)

    def saved_problem(self) -> str | None:
        """What is wrong with the standings saved for today, the settings and the rules:
        "are damaged", "do not match the records" (once the journal's changes are scored
        over them, against everyone scored from the documents), or None (they match, or
        none was saved for them). Reads every customer (`crm check`)."""
        today = self.ctx.clock.today()
        with self.ctx.db.view():
            settings, definitions = self.ctx.settings, self.definitions()
            key = saved_standings.key_of(today, settings, definitions.rules)
            problem = self.ctx.db.saved_result_problem(saved_standings.NAME, key)
            if problem is not None:
                return "are damaged" if problem.startswith("damaged") else None
            if not self._from_saved(today):
                return "are damaged"  # checksums right, but not what this version writes
            saved = dict(self._groups.standing)
        self.records.ensure()
        records = self.records.snapshot()
        scored = self._scored(records, today, settings,
                              _custom_members(self.ctx.db, records, today, settings,
                                              definitions), existing=False)
        return None if scored.standing == saved else "do not match the records"

    def _matching(self, rule: Doc, as_of: dt.date, settings: Settings) -> Iterator[int]:
        """Live customers a rule holds."""
        found = _custom_members(self.ctx.db, self.records.snapshot(), as_of, settings,
                                Definitions.of([(0, rule)]))
        return iter(found)

    @staticmethod
    def _scored(records: Mapping[int, CustomerRecord], as_of: dt.date, settings: Settings,
                customs: Mapping[int, frozenset[int]], *, existing: bool) -> Groups:
        """Everyone's standing as of a day; `existing`: only those created by then (a past
        day's figures). Lifecycle, RFM and tier come from the records, the custom segments
        held from `_custom_members`."""
        groups = Groups()
        for cid, record in records.items():
            facts = record.facts()
            if record.deleted or (existing and not existed_on(facts, as_of)):
                continue
            standing = standing_of(cid, facts, as_of, settings, Definitions())
            held = customs.get(cid)
            groups.put(cid, replace(standing, custom=held) if held else standing)
        return groups


def saved_standings_notes(db: Database) -> list[str]:
    """`crm check`'s notes on the segment standings saved for today (none: all is well)."""
    problem = SegmentMembership(ServiceContext(db)).saved_problem()
    if problem is None:
        return []
    return [f"the saved segment standings of today {problem}, which is not damage (they are "
            "never trusted over the records): the next session to count the segments, or "
            "'crm compact', writes them again"]


def _encoded(standing: Mapping[int, Standing]) -> bytes:
    return saved_standings.encode({cid: each.fields() for cid, each in standing.items()})


def _custom_members(db: Database, records: Mapping[int, CustomerRecord], as_of: dt.date,
                    settings: Settings, definitions: Definitions) -> dict[int, frozenset[int]]:
    """Per live customer, the custom segments whose rules hold it: over `records` (every
    customer's, unless they are not built yet) when they hold what every rule reads, else
    over one streaming scan of the documents (none without a custom segment)."""
    if not definitions.rules:
        return {}
    customers = (((cid, record.facts()) for cid, record in records.items())
                 if records and not definitions.needs_documents else documents(db))
    found: dict[int, frozenset[int]] = {}
    for cid, doc in customers:
        if doc.get("deleted_at"):
            continue
        facts = rule_facts(cid, doc, as_of, settings, definitions.needs_profile)
        held = frozenset(sid for sid, rule in definitions.rules if evaluate(rule, facts, as_of))
        if held:
            found[cid] = held
    return found
