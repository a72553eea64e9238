"""A customer's computed standing: totals, lifecycle, RFM, churn risk, loyalty tier.

Everything here is derived in O(1) from the customer document alone (its denormalised
totals and loyalty counters) plus the as-of date and the settings, which is what lets a
badge change the instant a purchase is saved, and lets 100,000 rows be scored quickly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm_tui.domain.entities.customer import display_name
from crm_tui.domain.rules.churn import churn_risk
from crm_tui.domain.rules.lifecycle import (
    EffectiveSegment,
    days_since_last_order,
    effective_segment,
)
from crm_tui.domain.rules.loyalty import tier_for_points
from crm_tui.domain.rules.rfm import RfmScore, rfm_score, rfm_segment
from crm_tui.domain.rules.totals import CustomerTotals
from crm_tui.domain.segments.facts import customer_facts
from crm_tui.domain.settings import Settings


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def totals_of(customer: Mapping[str, Any]) -> CustomerTotals:
    """The denormalised totals, read fast (the per-day histogram is not needed to score)."""
    count = customer.get("order_count") or 0
    if not count:
        return CustomerTotals(0, customer.get("total_spent") or 0)
    return CustomerTotals(count, customer.get("total_spent") or 0,
                          _day(customer.get("first_order_date")),
                          _day(customer.get("last_order_date")))


@dataclass(frozen=True)
class CustomerProfile:
    customer_id: int
    name: str
    totals: CustomerTotals
    lifecycle: EffectiveSegment
    rfm: RfmScore | None
    rfm_segment: str | None
    churn_risk: float | None
    days_since_last_order: int | None
    loyalty_points: int
    lifetime_points: int
    loyalty_tier: str

    def computed_facts(self) -> dict[str, Any]:
        """The computed values, under the names segment rules and exports use."""
        return {
            "total_spent": self.totals.total_spent_cents,
            "order_count": self.totals.order_count,
            "average_order_value": self.totals.average_order_cents,
            "first_order_date": _iso(self.totals.first_order_date),
            "last_order_date": _iso(self.totals.last_order_date),
            "days_since_last_order": self.days_since_last_order,
            "lifecycle_segment": self.lifecycle.segment,
            "rfm_r": self.rfm.r if self.rfm else None,
            "rfm_f": self.rfm.f if self.rfm else None,
            "rfm_m": self.rfm.m if self.rfm else None,
            "rfm_code": self.rfm.code if self.rfm else None,
            "rfm_segment": self.rfm_segment,
            "churn_risk": self.churn_risk,
            "loyalty_points": self.loyalty_points,
            "loyalty_tier": self.loyalty_tier,
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def profile_of(customer_id: int, customer: Mapping[str, Any], as_of: dt.date,
               settings: Settings) -> CustomerProfile:
    totals = totals_of(customer)
    score = rfm_score(totals, as_of, settings.rfm)
    lifetime = customer.get("points_earned") or 0
    return CustomerProfile(
        customer_id=customer_id,
        name=display_name({**customer, "id": customer_id}),
        totals=totals,
        lifecycle=effective_segment(totals, as_of, customer.get("segment_override"),
                                    settings.lifecycle),
        rfm=score,
        rfm_segment=rfm_segment(score),
        churn_risk=churn_risk(totals, as_of, settings.churn),
        days_since_last_order=days_since_last_order(totals, as_of),
        loyalty_points=customer.get("loyalty_points") or 0,
        lifetime_points=lifetime,
        loyalty_tier=tier_for_points(lifetime, settings.tiers),
    )


def facts_of(customer: Mapping[str, Any], profile: CustomerProfile) -> dict[str, Any]:
    """Everything a custom segment rule may test: the document plus computed values."""
    return customer_facts({**customer, "id": profile.customer_id}, profile.computed_facts())
