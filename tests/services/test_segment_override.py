"""The manual lifecycle segment through the customers service: set, refused when it is no
lifecycle segment (naming the field, nothing written), cleared back to automatic."""

from __future__ import annotations

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm


def test_set_refused_and_cleared(crm: Crm) -> None:
    ann = crm.customers.create({"first_name": "Ann"})  # no orders: a prospect
    crm.customers.update(ann, {"segment_override": "at_risk"})
    badges = crm.segments.segments_of(ann)
    assert (badges.lifecycle, badges.overridden) == ("at_risk", True)

    with pytest.raises(ValidationError) as refused:
        crm.customers.update(ann, {"segment_override": "gold"})
    assert "segment_override" in refused.value.errors
    assert crm.customers.get(ann)["segment_override"] == "at_risk"  # nothing written

    crm.customers.update(ann, {"segment_override": None})
    badges = crm.segments.segments_of(ann)
    assert (badges.lifecycle, badges.overridden) == ("prospect", False)
    assert crm.customers.get(ann)["segment_override"] is None


def test_a_bulk_edit_sets_and_clears_it_as_one_change(crm: Crm) -> None:
    ids = [crm.customers.create({"first_name": name}) for name in ("Ann", "Bob")]
    assert crm.bulk.update(ids, {"segment_override": "vip"}) == 2
    assert crm.changes.undo_labels[0] == "Set lifecycle segment of 2 customers"
    assert [crm.segments.segments_of(i).lifecycle for i in ids] == ["vip", "vip"]
    with pytest.raises(ValidationError):
        crm.bulk.update(ids, {"segment_override": "gold"})
    assert [crm.customers.get(i)["segment_override"] for i in ids] == ["vip", "vip"]
    crm.undo()
    assert [crm.customers.get(i)["segment_override"] for i in ids] == [None, None]
