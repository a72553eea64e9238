"""Picking a segment by the name a user types: lifecycle, RFM and loyalty-tier segments share
names ("vip" is all three), so a name must say which kind unless only one segment has it."""

from __future__ import annotations

import pytest

from crm_tui.domain.errors import ChoiceError
from crm_tui.services.crm import Crm
from crm_tui.services.segments import SegmentService


@pytest.fixture
def segments(crm: Crm) -> SegmentService:
    return crm.segments


@pytest.mark.parametrize(("name", "key"), [
    ("lifecycle:vip", "lifecycle:vip"),
    ("Lifecycle: VIP", "lifecycle:vip"),
    ("rfm:VIP", "rfm:VIP"),
    ("rfm:at_risk", "rfm:At Risk"),
    ("RFM:at risk", "rfm:At Risk"),
    ("tier:vip", "tier:VIP"),
    ("tier:gold", "tier:Gold"),
    ("lifecycle:at-risk", "lifecycle:at_risk"),
])
def test_a_kind_and_a_name_pick_one_built_in_segment(segments: SegmentService, name: str,
                                                     key: str) -> None:
    assert segments.resolve(name) == key


@pytest.mark.parametrize(("name", "key"), [
    ("champions", "rfm:Champions"),
    ("Potential loyalists", "rfm:Potential Loyalists"),
    ("new_customers", "rfm:New Customers"),
    ("prospect", "lifecycle:prospect"),
    ("returning", "lifecycle:returning"),
    ("Platinum", "tier:Platinum"),
])
def test_a_bare_name_only_one_segment_has_is_enough(segments: SegmentService, name: str,
                                                    key: str) -> None:
    assert segments.resolve(name) == key


@pytest.mark.parametrize(("name", "readings"), [
    ("vip", ["lifecycle:vip", "rfm:VIP", "tier:VIP"]),
    ("VIP", ["lifecycle:vip", "rfm:VIP", "tier:VIP"]),
    ("at_risk", ["lifecycle:at_risk", '"rfm:At Risk"']),  # lifecycle at_risk, RFM "At Risk"
    ("new", ["lifecycle:new", "tier:New"]),
])
def test_an_ambiguous_name_says_how_to_write_each_reading(segments: SegmentService, name: str,
                                                          readings: list[str]) -> None:
    with pytest.raises(ChoiceError) as error:
        segments.resolve(name)
    assert error.value.field == "segment"
    assert repr(name) in error.value.message and "could mean" in error.value.message
    assert list(error.value.choices) == readings


def test_an_unknown_name_lists_every_segment_there_is(segments: SegmentService) -> None:
    segments.create({"name": "Big spenders", "conditions": ["total_spent >= 1000"]})
    for name in ("NoSuchSegment", "lifecycle:champions", "tier:nope", "custom:vip", "42"):
        with pytest.raises(ChoiceError) as error:
            segments.resolve(name)
        assert "no " in error.value.message and "segment is named" in error.value.message
        listed = "\n".join(error.value.choices)
        assert "lifecycle: prospect, inactive, at_risk, vip, returning, new" in listed
        assert "rfm: New Customers, Champions, Lost, At Risk, VIP" in listed
        assert "tier: New, Bronze, Silver, Gold, Platinum, VIP" in listed
        assert "custom: Big spenders" in listed


def test_a_custom_segment_by_name_by_kind_or_id(segments: SegmentService) -> None:
    big = segments.create({"name": "Big spenders", "conditions": ["total_spent >= 1000"]})
    assert segments.resolve("big spenders") == segments.resolve("Big_Spenders") == big
    assert segments.resolve("custom:Big spenders") == segments.resolve(str(big)) == big


def test_a_custom_segment_named_like_a_built_in_one_makes_the_name_ambiguous(
        segments: SegmentService) -> None:
    gold = segments.create({"name": "Gold", "conditions": ["total_spent >= 500"]})
    with pytest.raises(ChoiceError) as error:
        segments.resolve("gold")
    assert list(error.value.choices) == ["tier:Gold", "custom:Gold"]
    assert segments.resolve("custom:gold") == gold and segments.resolve("tier:gold") == "tier:Gold"


def test_tiers_are_the_configured_ones(crm: Crm, segments: SegmentService) -> None:
    tiers = [{"name": "Member", "min_points": 0}, {"name": "Star", "min_points": 100}]
    crm.settings.update({"tiers": {"thresholds": tiers}})
    assert segments.resolve("star") == "tier:Star"
    with pytest.raises(ChoiceError) as error:
        segments.resolve("tier:Gold")
    assert "tier: Member, Star" in error.value.choices
