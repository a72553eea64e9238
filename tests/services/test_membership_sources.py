"""Where membership reads customers from: one customer's standing from that customer's
document alone, custom rules over the records when these hold every field the rule reads,
over a scan of the documents otherwise, with the same members either way."""

from __future__ import annotations

from typing import Any

import pytest

from crm_tui.domain.segments import evaluate, parse_conditions
from crm_tui.services import membership as membership_module
from crm_tui.services.crm import Crm
from crm_tui.services.customer_view import customer_detail
from crm_tui.services.membership import SegmentMembership, held_by_records
from crm_tui.services.profiles import facts_of, profile_of

from .conftest import day

HELD = {  # rules reading only what the records hold
    "Spent": ["total_spent >= 100"],
    "Tagged": ["tags has vip"],
    "Risky": ["churn_risk > 0.3"],
    "New ones": ["lifecycle_segment = new", "order_count >= 1"],
    "Tier": ["loyalty_tier = New", "order_count >= 2"],
    "Recent": ["last_order within 30 days"],
}
SCANNED = {  # rules reading fields only the documents have
    "Named": ["first_name in [C1, C4, C7]"],
    "Mixed": ["email contains 3", "total_spent >= 1"],
}


def _seeded(crm: Crm) -> list[int]:
    with crm.changes.change("seed"):
        ids = [crm.customers.create({"first_name": f"C{i}", "last_name": "Test",
                                     "email": f"c{i}@example.com"}) for i in range(12)]
    for i, cid in enumerate(ids[:9]):
        for n in range(i % 3 + 1):
            crm.sales.record({"customer_id": cid, "item": "Thing", "total": str(40 * i + 5),
                              "date": day(-25 * n - 7 * i)})
    crm.customers.set_tags(ids[2], ["vip"])
    crm.customers.set_tags(ids[10], ["VIP", "other"])
    crm.customers.delete(ids[4])  # soft-deleted: in no segment
    crm.customers.update(ids[5], {"segment_override": "new"})
    return ids


def _by_scan(crm: Crm, conditions: list[str]) -> list[int]:
    """The members the rule's definition gives, each customer's full facts evaluated."""
    rule = {"match": "all", "conditions": parse_conditions(conditions)}
    as_of = crm.ctx.as_of(None)
    return sorted(c["id"] for c in crm.customers.all() if evaluate(
        rule, facts_of(c, profile_of(c["id"], c, as_of, crm.ctx.settings)), as_of))


def _created(crm: Crm, rules: dict[str, list[str]]) -> dict[str, int]:
    return {name: crm.segments.create({"name": name, "conditions": conditions})
            for name, conditions in rules.items()}


def _forbid_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    def scan(*_: Any) -> Any:
        raise AssertionError("the customers were scanned")

    monkeypatch.setattr(membership_module, "documents", scan)


def test_the_rules_are_sorted_by_what_they_read() -> None:
    for conditions in HELD.values():
        assert held_by_records({"conditions": parse_conditions(conditions)})
    for conditions in SCANNED.values():
        assert not held_by_records({"conditions": parse_conditions(conditions)})


def test_rules_the_records_hold_are_evaluated_without_a_scan(
        crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    _seeded(crm)
    segments = _created(crm, HELD)
    crm.segments.membership.records.ensure()
    _forbid_scans(monkeypatch)
    for name, sid in segments.items():
        expected = _by_scan(crm, HELD[name])
        assert expected, name  # the data gives each rule members
        assert crm.segments.members(sid) == expected, name
        assert crm.segments.preview(HELD[name]) == len(expected), name
    crm.ctx.clock.fixed = crm.ctx.clock.fixed.replace(day=28)  # everyone scored again
    assert crm.segments.members(segments["Recent"]) == _by_scan(crm, HELD["Recent"])


def test_rules_reading_other_fields_scan_with_the_same_members(
        crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _seeded(crm)
    segments = _created(crm, {**HELD, **SCANNED})
    scans = []
    documents = membership_module.documents

    def counted(db: Any) -> Any:
        scans.append(db)
        return documents(db)

    monkeypatch.setattr(membership_module, "documents", counted)
    fresh = SegmentMembership(crm.ctx)
    for name, conditions in {**HELD, **SCANNED}.items():
        assert fresh.members(segments[name]) == _by_scan(crm, conditions), name
    assert len(scans) == 1  # one scan, for every rule: two read other fields
    crm.customers.update(ids[3], {"email": "x3@example.com", "first_name": "C4"})
    assert fresh.members(segments["Named"]) == _by_scan(crm, SCANNED["Named"])
    assert ids[3] in fresh.members(segments["Named"]) and len(scans) == 1


def test_one_customers_360_view_never_waits_for_everyones_evaluation(
        crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _seeded(crm)
    segments = _created(crm, {**HELD, **SCANNED})
    crm.segments.counts()  # the live groups are built...
    crm.segments.update(segments["Named"], {"conditions": ["first_name = C2"]})  # ...and stale

    def everyone(*_: Any) -> Any:
        raise AssertionError("every customer was evaluated for one customer's view")

    monkeypatch.setattr(membership_module, "_custom_members", everyone)
    monkeypatch.setattr(SegmentMembership, "_matching", everyone)
    monkeypatch.setattr(SegmentMembership, "groups", everyone)
    detail = customer_detail(crm, ids[2])
    held = {sid for name, sid in segments.items()
            if ids[2] in _by_scan(crm, {**HELD, **SCANNED, "Named": ["first_name = C2"]}[name])}
    assert {badge.segment_id for badge in detail.badges.custom} == held
    assert segments["Named"] in held and segments["Tagged"] in held
    assert detail.badges.lifecycle == detail.profile.lifecycle.segment
