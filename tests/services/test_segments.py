"""Custom segment definitions, previews, member lists, counts and badges."""

from __future__ import annotations

import pytest

from crm_tui.domain.errors import ChoiceError, NotFoundError, ValidationError
from crm_tui.domain.segments import evaluate
from crm_tui.services.crm import Crm
from crm_tui.services.profiles import facts_of
from crm_tui.services.segments import CustomBadge, SegmentService

from .conftest import AS_OF

SPENT = [0, 250, 999.99, 1000, 1000.01, 4200, 120, 3000]


@pytest.fixture
def segments(crm: Crm) -> SegmentService:
    return SegmentService(crm.ctx, crm.changes)


@pytest.fixture
def people(crm: Crm) -> list[int]:
    """Eight customers who spent SPENT dollars (one order each, 2026-06-01); #2 tagged vip."""
    ids = []
    for i, dollars in enumerate(SPENT):
        cid = crm.customers.create({"first_name": f"P{i}", "email": f"p{i}@example.com",
                                    "tags": ["vip"] if i == 2 else []})
        if dollars:
            crm.sales.record({"customer_id": cid, "item": "Thing", "total": str(dollars),
                              "date": "2026-06-01"})
        ids.append(cid)
    return ids


def _brute(crm: Crm, rule: dict) -> list[int]:
    found = []
    for customer in crm.customers.all():
        doc = crm.customers.table.get(doc_id=customer["id"])
        if evaluate(rule, facts_of(doc, crm.customers.profile(customer["id"])), AS_OF):
            found.append(customer["id"])
    return found


def test_custom_segment_count_equals_brute_force_and_follows_a_purchase(
        crm: Crm, segments: SegmentService, people: list[int]) -> None:
    big = segments.create({"name": "Big spenders", "conditions": ["total_spent >= 1000"]})
    rule = segments.get(big)
    assert rule["conditions"] == [{"field": "total_spent", "op": ">=", "value": 100_000}]
    assert segments.members(big) == _brute(crm, rule) == [people[3], people[4], people[5],
                                                          people[7]]
    assert segments.count(big) == 4

    crm.sales.record({"customer_id": people[2], "item": "Cable", "total": "0.01",
                      "date": "2026-06-10"})  # $999.99 + $0.01 crosses the line
    assert segments.count(big) == 5 == len(_brute(crm, rule))
    assert CustomBadge(big, "Big spenders", "blue") in segments.segments_of(people[2]).custom


def test_create_validates_and_names_are_unique_case_insensitively(
        segments: SegmentService) -> None:
    first = segments.create({"name": "Loyal", "match": "any", "color": "green",
                             "conditions": "order_count >= 5\ntags has vip"})
    with pytest.raises(ValidationError) as exc:
        segments.create({"name": " loyal ", "conditions": ["order_count >= 1"]})
    assert exc.value.field == "name" and f"#{first}" in exc.value.message
    with pytest.raises(ValidationError) as exc:
        segments.create({"name": "Bad", "conditions": ["order_count >= 1", "nonsense > 3"]})
    assert "conditions[1].field" in exc.value.errors
    with pytest.raises(ValidationError) as exc:
        segments.create({"name": "Empty", "conditions": []})
    assert exc.value.field == "conditions"
    assert [s["name"] for s in segments.all()] == ["Loyal"]


def test_update_get_list_delete(segments: SegmentService, people: list[int]) -> None:
    sid = segments.create({"name": "Tagged", "conditions": [
        {"field": "tags", "op": "has", "value": "vip"}]})
    assert segments.get(sid)["rule_text"] == "all of: tags has vip"
    assert segments.all()[0]["count"] == 1
    updated = segments.update(sid, {"name": "Mid", "match": "all",
                                    "conditions": ["total_spent >= 200", "total_spent < 1000"]})
    assert updated["name"] == "Mid" and updated["created_by"] == "alice"
    assert segments.members("mid") == [people[1], people[2]]
    other = segments.create({"name": "Other", "conditions": ["order_count = 0"]})
    with pytest.raises(ValidationError):
        segments.update(other, {"name": "MID"})
    segments.delete(sid)
    with pytest.raises(NotFoundError):
        segments.get(sid)
    assert [s["name"] for s in segments.all()] == ["Other"]
    assert segments.members(other) == [people[0]]


def test_preview_counts_an_unsaved_rule_set(crm: Crm, segments: SegmentService,
                                            people: list[int]) -> None:
    assert segments.preview(["total_spent >= 1000"]) == 4
    assert segments.preview("total_spent >= 1000\ntags has vip") == 0
    rule = {"match": "any", "conditions": ["total_spent >= 4000", "tags has vip"]}
    assert segments.preview(rule) == 2
    assert segments.preview(["lifecycle_segment = prospect"]) == 1
    assert segments.preview(["name = P7"]) == 1
    with pytest.raises(ValidationError) as exc:
        segments.preview(["total_spent >="])
    assert "conditions[0].value" in exc.value.errors
    crm.customers.delete(people[5])
    assert segments.preview(rule) == 1  # soft-deleted customers are never members
    assert segments.all() == []  # previews store nothing


def test_keys_for_built_in_and_custom_segments(segments: SegmentService,
                                               people: list[int]) -> None:
    sid = segments.create({"name": "2024", "conditions": ["order_count >= 1"]})
    assert segments.resolve("Lifecycle:VIP") == "lifecycle:vip"
    assert segments.resolve("rfm:champions") == "rfm:Champions"
    assert segments.resolve("tier:bronze") == "tier:Bronze"
    assert segments.resolve("2024") == segments.resolve(sid) == sid
    assert segments.resolve(str(sid)) == sid
    for unknown in ("lifecycle:nope", "nothing", "999"):
        with pytest.raises(ChoiceError):
            segments.resolve(unknown)
    with pytest.raises(NotFoundError):
        segments.resolve(999)
    assert segments.members("lifecycle:prospect") == [people[0]]
    assert segments.members("lifecycle:new") == [people[1], people[6]]
    assert segments.members("tier:Bronze") == [people[3], people[4], people[5], people[7]]


def test_counts_list_every_built_in_segment(segments: SegmentService, people: list[int]) -> None:
    segments.create({"name": "Any order", "conditions": ["order_count >= 1"]})
    rows = segments.counts()
    kinds = [row.kind for row in rows]
    assert kinds.count("lifecycle") == 6 and kinds.count("rfm") == 7
    assert kinds.count("tier") == 6 and kinds.count("custom") == 1
    by_key = {row.key: row.count for row in rows}
    assert by_key["lifecycle:vip"] == 5 and by_key["lifecycle:new"] == 2
    assert by_key["lifecycle:inactive"] == 0
    assert sum(row.count for row in rows if row.kind == "lifecycle") == len(SPENT)
    assert sum(row.count for row in rows if row.kind == "rfm") == len(SPENT) - 1  # no orders
    assert rows[-1].name == "Any order" and rows[-1].count == 7


def test_badges(crm: Crm, segments: SegmentService, people: list[int]) -> None:
    segments.create({"name": "Hidden", "active": False, "conditions": ["order_count >= 1"]})
    shown = segments.create({"name": "Buyers", "color": "#2e7d32",
                             "conditions": ["order_count >= 1"]})
    badges = segments.segments_of(people[5])
    assert (badges.lifecycle, badges.overridden, badges.tier) == ("vip", False, "Bronze")
    assert (badges.rfm_segment, badges.rfm_code) == ("New Customers", "R5F1M4")  # $4,200
    assert badges.custom == (CustomBadge(shown, "Buyers", "#2e7d32"),)  # inactive not shown
    crm.customers.update(people[0], {"segment_override": "at_risk"})
    zero = segments.segments_of(people[0])
    assert (zero.lifecycle, zero.overridden, zero.rfm_segment, zero.custom) == (
        "at_risk", True, None, ())
    assert segments.members("lifecycle:at_risk") == [people[0]]
    many = segments.badges(people[:3])
    assert list(many) == people[:3] and many[people[2]].lifecycle == "vip"
    with pytest.raises(NotFoundError):
        segments.segments_of(999)
