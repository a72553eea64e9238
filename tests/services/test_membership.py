"""The incremental membership engine: one changed customer costs one evaluation, whatever the
number of customers; counts follow local writes, rollbacks, undo, other sessions and
processes, the date, the settings and the segment definitions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.settings import LifecycleSettings
from crm_tui.services import membership as membership_module
from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.membership import SegmentMembership, builtin_key
from crm_tui.services.segments import SegmentService

from .conftest import AS_OF


@dataclasses.dataclass
class Scored:
    customers: int = 0


@pytest.fixture
def scored(monkeypatch: pytest.MonkeyPatch) -> Scored:
    """How many customers were scored (their standing computed), counted by wrapping the
    one function that scores a customer."""
    seen = Scored()
    standing_of = membership_module.standing_of

    def counting(*args: Any) -> membership_module.Standing:
        seen.customers += 1
        return standing_of(*args)

    monkeypatch.setattr(membership_module, "standing_of", counting)
    return seen


def _customers(crm: Crm, n: int) -> list[int]:
    with crm.changes.change("seed"):  # one commit: quick even for hundreds
        return [crm.customers.create({"first_name": f"C{i}", "last_name": "Test",
                                      "email": f"c{i}@example.com"}) for i in range(n)]


def _buy(crm: Crm, customer: int, dollars: str, day: str = "2026-06-01") -> int:
    return crm.sales.record({"customer_id": customer, "item": "Thing", "total": dollars,
                             "date": day})


def _brute_lifecycle(crm: Crm) -> Counter[str]:
    return Counter(crm.customers.profile(c["id"]).lifecycle.segment
                   for c in crm.customers.all())


def test_new_customer_flips_to_returning_on_second_purchase(crm: Crm) -> None:
    segments = SegmentService(crm.ctx, crm.changes)
    alice, *_ = _customers(crm, 3)
    assert segments.count("lifecycle:prospect") == 3

    _buy(crm, alice, "20")
    assert segments.segments_of(alice).lifecycle == "new"
    assert (segments.count("lifecycle:new"), segments.count("lifecycle:prospect")) == (1, 2)

    _buy(crm, alice, "30", "2026-06-10")
    assert segments.segments_of(alice).lifecycle == "returning"
    assert segments.count("lifecycle:new") == 0
    assert segments.members("lifecycle:returning") == [alice]
    assert segments.count("lifecycle:returning") == _brute_lifecycle(crm)["returning"]


@pytest.mark.parametrize("size", [10, 200])
def test_recording_a_purchase_evaluates_exactly_one_customer(crm: Crm, size: int,
                                                              scored: Scored) -> None:
    segments = SegmentService(crm.ctx, crm.changes, SegmentMembership(crm.ctx))
    ids = _customers(crm, size)
    segments.create({"name": "Big spenders", "conditions": ["total_spent >= 1000"]})
    segments.counts()  # the first query scores everyone once
    assert scored.customers >= size
    before = scored.customers

    _buy(crm, ids[size // 2], "1500")
    assert segments.count("Big spenders") == 1
    assert scored.customers - before == 1

    segments.counts()  # nothing changed since: no evaluation at all
    assert scored.customers - before == 1


def test_rollback_and_undo_are_followed(crm: Crm) -> None:
    segments = SegmentService(crm.ctx, crm.changes)
    (bob,) = _customers(crm, 1)
    assert segments.count("lifecycle:prospect") == 1
    with pytest.raises(ValidationError), crm.changes.change("doomed"):
        _buy(crm, bob, "700")
        # Membership follows commits: what is not committed yet does not count...
        assert segments.count("lifecycle:vip") == 0
        raise ValidationError("x", "abort")
    assert segments.count("lifecycle:vip") == 0  # ...and a rollback leaves nothing behind
    _buy(crm, bob, "700")
    assert segments.count("lifecycle:vip") == 1
    assert crm.undo().label == "Record purchase"  # one commit: purchase, totals, points
    assert segments.count("lifecycle:vip") == 0 and segments.count("lifecycle:prospect") == 1


def test_soft_deleted_customers_are_not_members(crm: Crm) -> None:
    segments = SegmentService(crm.ctx, crm.changes)
    a, b = _customers(crm, 2)
    _buy(crm, a, "1200")
    _buy(crm, b, "1200")
    big = segments.create({"name": "Big", "conditions": "total_spent >= 1000"})
    crm.customers.delete(a)
    assert segments.members(big) == [b]
    assert segments.count("lifecycle:vip") == 1 and segments.count("tier:Bronze") == 1
    assert segments.segments_of(a).lifecycle == "vip"  # badges still shown in a trash view
    crm.customers.restore(a)
    assert segments.members(big) == [a, b]


def test_another_session_on_the_same_database(crm: Crm, tmp_path: Path) -> None:
    segments = SegmentService(crm.ctx, crm.changes)
    (mine,) = _customers(crm, 1)
    big = segments.create({"name": "Big", "conditions": ["total_spent >= 1000"]})
    assert segments.count(big) == 0
    other = Crm.open(tmp_path / "crm.db", clock=Clock.at(AS_OF), staff="bob")
    try:
        theirs = other.customers.create({"first_name": "Theirs", "email": "t@example.com"})
        other.sales.record({"customer_id": theirs, "item": "Car", "total": "5000",
                            "date": "2026-06-01"})
        other.sales.record({"customer_id": mine, "item": "Bike", "total": "1000",
                            "date": "2026-06-02"})
        assert segments.members(big) == [mine, theirs]
        other.customers.delete(theirs)
        SegmentService(other.ctx, other.changes).update(big, {"conditions": "order_count >= 1"})
    finally:
        other.close()
    assert segments.members(big) == [mine]
    assert segments.count("lifecycle:prospect") == 0


def test_another_process_on_the_same_database(crm: Crm, tmp_path: Path) -> None:
    segments = SegmentService(crm.ctx, crm.changes)
    (mine,) = _customers(crm, 1)
    assert segments.count("lifecycle:vip") == 0
    script = (
        "import sys; from crm_tui.services.crm import Crm\n"
        "crm = Crm.open(sys.argv[1], staff='bob')\n"
        "crm.sales.record({'customer_id': int(sys.argv[2]), 'item': 'Sofa', 'total': '900',"
        " 'date': '2026-06-03'})\n"
        "crm.close()\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "crm.db"), str(mine)],
                   check=True, timeout=60)
    assert segments.members("lifecycle:vip") == [mine]


def test_date_settings_and_definitions_recompute(crm: Crm) -> None:
    segments = SegmentService(crm.ctx, crm.changes)
    (carol,) = _customers(crm, 1)
    _buy(crm, carol, "100", "2026-06-01")
    recent = segments.create({"name": "Recent", "conditions": ["last_order within 30 days"]})
    assert segments.members(recent) == [carol] and segments.count("lifecycle:new") == 1

    crm.ctx.clock.fixed = dt.datetime(2026, 9, 1, 12)  # the date moves on: 92 days later
    assert segments.members(recent) == []
    assert segments.count("lifecycle:inactive") == 1
    assert segments.members("lifecycle:new", as_of=AS_OF) == [carol]  # explicit as-of

    crm.ctx.clock.fixed = dt.datetime(2026, 6, 15, 12)
    settings = crm.ctx.settings
    cheap_vip = dataclasses.replace(settings, lifecycle=LifecycleSettings(vip_spent_cents=5000))
    with crm.changes.change("Settings"):
        crm.db.table("settings").replace(1, cheap_vip.to_dict())
    assert segments.count("lifecycle:vip") == 1

    segments.update(recent, {"conditions": ["last_order within 5 days"]})
    assert segments.members(recent) == []
    segments.delete(recent)
    assert [c.kind for c in segments.counts()].count("custom") == 0


def test_counts_match_brute_force_on_mixed_data(crm: Crm) -> None:
    segments = SegmentService(crm.ctx, crm.changes)
    ids = _customers(crm, 30)
    for i, cid in enumerate(ids):
        for k in range(i % 5):
            day = AS_OF - dt.timedelta(days=3 + 23 * k + i)
            _buy(crm, cid, str(50 + 97 * i), day.isoformat())
    crm.customers.update(ids[3], {"segment_override": "vip"})
    crm.customers.delete(ids[4])
    profiles = [crm.customers.profile(c["id"]) for c in crm.customers.all()]
    expected = Counter(builtin_key("lifecycle", p.lifecycle.segment) for p in profiles)
    expected.update(builtin_key("rfm", p.rfm_segment) for p in profiles if p.rfm_segment)
    expected.update(builtin_key("tier", p.loyalty_tier) for p in profiles)
    counted = {row.key: row.count for row in segments.counts() if row.count}
    assert counted == dict(expected)
    assert segments.segments_of(ids[3]).overridden is True


def test_editing_a_segment_re_evaluates_that_rule_only(crm: Crm, scored: Scored) -> None:
    segments = SegmentService(crm.ctx, crm.changes, SegmentMembership(crm.ctx))
    ids = _customers(crm, 20)
    for i, cid in enumerate(ids[:10]):
        _buy(crm, cid, str(60 * i))
    spent = segments.create({"name": "Spent", "conditions": ["total_spent >= 100"]})
    tagged = segments.create({"name": "Tagged", "conditions": ["tags has vip"]})
    crm.customers.set_tags(ids[1], ["vip"])
    assert segments.count(spent) == 8 and segments.members(tagged) == [ids[1]]
    before = scored.customers  # customers fully scored so far

    segments.update(spent, {"conditions": ["total_spent >= 300", "order_count = 1"]})
    assert segments.members(spent) == ids[5:10]
    segments.delete(tagged)
    assert segments.segments_of(ids[1]).custom == ()
    recent = segments.create({"name": "Recent", "conditions": ["last_order within 30 days"]})
    assert segments.members(recent) == ids[:10]
    assert segments.count("lifecycle:prospect") == 10
    assert scored.customers == before + 1  # the badge's own customer, nobody else

    crm.undo()  # the new segment
    assert [row.name for row in segments.counts() if row.kind == "custom"] == ["Spent"]
    assert scored.customers == before + 1


def test_badges_never_wait_for_a_full_scan(crm: Crm, scored: Scored) -> None:
    segments = SegmentService(crm.ctx, crm.changes, SegmentMembership(crm.ctx))
    ids = _customers(crm, 50)
    _buy(crm, ids[0], "10", "2026-06-14")
    segments.counts()
    crm.ctx.clock.fixed = dt.datetime(2026, 9, 30, 12)  # everyone must be re-scored...
    before = scored.customers
    assert segments.segments_of(ids[0]).lifecycle == "inactive"
    assert scored.customers - before == 1  # ...but a badge needs only its customer
    assert segments.count("lifecycle:inactive") == 1
    assert scored.customers - before == 1 + len(ids)
