"""Settings: spec defaults, JSON round trip, missing keys default, bad values name the field."""

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.settings import (
    LifecycleSettings,
    LoyaltySettings,
    PipelineSettings,
    RfmBreaks,
    RfmSettings,
    Settings,
)


def test_defaults_match_the_spec() -> None:
    s = Settings()
    assert (s.loyalty.points_per_unit, s.loyalty.unit_cents) == (1, 1000)
    assert s.loyalty.multiplier == 1 and s.loyalty.expiry_days is None
    assert dict(s.tiers.thresholds) == {
        "New": 0, "Bronze": 100, "Silver": 500, "Gold": 1000, "Platinum": 2500, "VIP": 5000,
    }
    assert dataclasses.astuple(s.lifecycle) == (90, 60, 3, 50000, 2)
    assert s.rfm.mode == "fixed"
    assert s.rfm.recency_days == (30, 60, 90, 180)
    assert s.rfm.frequency_orders == (10, 7, 4, 2)
    assert s.rfm.monetary_cents == (500000, 250000, 100000, 50000)
    assert (s.churn.min_tau_days, s.churn.default_tau_days) == (30, 90)
    assert list(s.pipeline.stages) == [
        ("Prospecting", 10), ("Qualification", 25), ("Proposal", 50), ("Negotiation", 75),
        ("Closed Won", 100), ("Closed Lost", 0),
    ]
    assert (s.pipeline.stale_days, s.pipeline.best_case_min_probability) == (14, 50)


def test_round_trip_through_json() -> None:
    breaks = RfmBreaks((5, 20, 45, 120), (1, 1, 2, 4), (1500, 4000, 9000, 30000),
                       dt.datetime(2025, 1, 2, 3, 4, 5))
    s = Settings(
        loyalty=LoyaltySettings(multiplier=Decimal("1.1"), expiry_days=365),
        rfm=RfmSettings(mode="quintile", quintile_breaks=breaks),
    )
    text = json.dumps(s.to_dict())
    back = Settings.from_dict(json.loads(text))
    assert back == s
    assert back.loyalty.multiplier == Decimal("1.1")
    assert back.rfm.quintile_breaks is not None
    assert back.rfm.quintile_breaks.computed_at == dt.datetime(2025, 1, 2, 3, 4, 5)


def test_missing_keys_take_defaults() -> None:
    assert Settings.from_dict({}) == Settings()
    assert Settings.from_dict(None) == Settings()
    s = Settings.from_dict({"lifecycle": {"inactive_days": 120}})
    assert s.lifecycle.inactive_days == 120 and s.lifecycle.at_risk_days == 60
    assert s.pipeline == PipelineSettings()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"lifecycle": {"inactive_days": -1}}, "lifecycle.inactive_days"),
        ({"lifecycle": {"inactive_days": "90"}}, "lifecycle.inactive_days"),
        ({"lifecycle": {"inactive_days": True}}, "lifecycle.inactive_days"),
        ({"lifecycle": {"at_risk_days": 100}}, "lifecycle.at_risk_days"),
        ({"lifecycle": {"inactve_days": 3}}, "lifecycle.inactve_days"),
        ({"lifecycle": 5}, "lifecycle"),
        ({"loyalty": {"multiplier": "lots"}}, "loyalty.multiplier"),
        ({"loyalty": {"multiplier": -1}}, "loyalty.multiplier"),
        ({"loyalty": {"unit_cents": 0}}, "loyalty.unit_cents"),
        ({"loyalty": {"expiry_days": 0}}, "loyalty.expiry_days"),
        ({"rfm": {"mode": "kmeans"}}, "rfm.mode"),
        ({"rfm": {"recency_days": [30, 20, 90, 180]}}, "rfm.recency_days"),
        ({"rfm": {"frequency_orders": [10, 7, 4]}}, "rfm.frequency_orders"),
        ({"rfm": {"quintile_breaks": {"recency_days": [1, 2, 3, 4],
                                      "frequency_orders": [1, 1, 1, 2],
                                      "monetary_cents": [0, 0, 5, 9],
                                      "computed_at": "yesterday"}}},
         "rfm.quintile_breaks.computed_at"),
        ({"rfm": {"quintile_breaks": {"computed_at": "2025-01-01T00:00:00"}}},
         "rfm.quintile_breaks.recency_days"),
        ({"rfm": {"quintile_breaks": [1, 2]}}, "rfm.quintile_breaks"),
        ({"tiers": {"thresholds": [{"name": "Bronze", "min_points": 100}]}}, "tiers.thresholds"),
        ({"churn": {"min_tau_days": 0}}, "churn.min_tau_days"),
        ({"pipeline": {"stale_days": -3}}, "pipeline.stale_days"),
        ({"pipeline": {"won_stage": "Signed"}}, "pipeline.won_stage"),
        ({"pipeline": {"stages": [{"name": "A", "probability": 101}]}},
         "pipeline.stages[0].probability"),
        ({"feedback": {"promoter_min_score": 5}}, "feedback.promoter_min_score"),
        ({"colours": {}}, "colours"),
    ],
)
def test_bad_values_name_the_dotted_field(data: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        Settings.from_dict(data)
    assert err.value.field == field


def test_direct_construction_is_validated_too() -> None:
    with pytest.raises(ValidationError) as err:
        LifecycleSettings(inactive_days=0)
    assert err.value.field == "lifecycle.inactive_days"


def test_tiers_and_stages_accept_a_mapping() -> None:
    s = Settings.from_dict({"tiers": {"thresholds": {"Basic": 0, "Star": 10}}})
    assert s.tiers.thresholds == (("Basic", 0), ("Star", 10))
