"""A customer's computed standing: totals, lifecycle, RFM, churn risk, loyalty tier.

Everything here is derived in O(1) from the customer document alone (its denormalised
totals and loyalty counters) plus the as-of date and the settings, which is what lets a
badge change the instant a purchase is saved, and lets 100,000 rows be scored quickly.
A `Scorer` holds one as-of date and settings and remembers the rules' answers for the
inputs that repeat across customers (order dates, RFM scores, point totals), so scoring
a whole table is mostly dictionary lookups; the results are the rules' own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from crm_tui.domain.entities.customer import display_name
from crm_tui.domain.rules._records import div_half_up
from crm_tui.domain.rules.churn import churn_probability, tau_days
from crm_tui.domain.rules.lifecycle import EffectiveSegment, segment_for, with_override
from crm_tui.domain.rules.loyalty import tier_for_points
from crm_tui.domain.rules.rfm import RfmScore, rfm_scores, rfm_segment
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


class Scores(NamedTuple):
    """A customer's computed values, plain (a tuple, not nested dataclasses) so that an
    export of 100,000 rows builds one small object per customer."""

    name: str
    order_count: int
    total_spent_cents: int
    average_order_cents: int | None
    first_order_date: dt.date | None
    last_order_date: dt.date | None
    days_since_last_order: int | None
    lifecycle: EffectiveSegment
    rfm: RfmScore | None
    rfm_code: str | None
    rfm_segment: str | None
    churn_risk: float | None
    loyalty_points: int
    lifetime_points: int
    loyalty_tier: str


class Memo(dict[Any, Any]):
    """A dict that computes a missing value once, with `compute`, and keeps it."""

    __slots__ = ("compute",)

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.compute(key)
        return value


class Scorer:
    """Scores customers as of one date under one set of settings (see the module notes).

    The memos only ever grow by the distinct values in the database (a few hundred order
    dates, at most 125 RFM scores, the distinct point totals), and a scorer is dropped
    with its date or settings.
    """

    def __init__(self, as_of: dt.date, settings: Settings) -> None:
        self.as_of, self.settings = as_of, settings
        # Stored ISO day -> date -> whole days until as_of (an order after as_of is 0 days
        # ago). Two memos of untracked values, not one of tuples: hundreds of surviving
        # tuples would set off a garbage collection over the whole loaded table.
        self._dates = Memo(dt.date.fromisoformat)
        self._days = Memo(lambda day: max(0, (as_of - day).days))
        self._rfm = Memo(self._rfm_entry)  # (r, f, m) -> (score, code, segment)
        self._plain = Memo(lambda computed: with_override(computed, None))  # no override
        self._tiers = Memo(lambda points: tier_for_points(points, settings.tiers))

    @staticmethod
    def _rfm_entry(key: tuple[int, int, int]) -> tuple[RfmScore, str, str | None]:
        score = RfmScore(*key)
        return score, score.code, rfm_segment(score)

    def scores(self, customer_id: int, customer: Mapping[str, Any]) -> Scores:
        """The computed values of one stored customer document."""
        get, settings = customer.get, self.settings
        count = get("order_count") or 0
        spent = get("total_spent") or 0
        first = last = days = None
        if count:  # stored dates of a customer without orders are not read (see totals_of)
            first_text, last_text = get("first_order_date"), get("last_order_date")
            first = self._dates[first_text] if first_text else None
            if last_text:
                last = self._dates[last_text]
                days = self._days[last]
        computed = segment_for(days, count, spent, settings.lifecycle)
        override = get("segment_override")
        lifecycle = self._plain[computed] if override is None else with_override(computed,
                                                                                 override)
        rfm = code = segment = churn = None
        if days is not None:
            rfm, code, segment = self._rfm[rfm_scores(days, count, spent, settings.rfm)]
            churn = churn_probability(days, tau_days(count, first, last, settings.churn))
        lifetime = get("points_earned") or 0
        return Scores(display_name(customer, customer_id), count, spent,
                      div_half_up(spent, count) if count else None, first, last, days,
                      lifecycle, rfm, code, segment, churn, get("loyalty_points") or 0,
                      lifetime, self._tiers[lifetime])

    def profile(self, customer_id: int, customer: Mapping[str, Any]) -> CustomerProfile:
        """The customer's profile (what `profile_of` returns)."""
        s = self.scores(customer_id, customer)
        return CustomerProfile(
            customer_id=customer_id,
            name=s.name,
            totals=CustomerTotals(s.order_count, s.total_spent_cents, s.first_order_date,
                                  s.last_order_date),
            lifecycle=s.lifecycle,
            rfm=s.rfm,
            rfm_segment=s.rfm_segment,
            churn_risk=s.churn_risk,
            days_since_last_order=s.days_since_last_order,
            loyalty_points=s.loyalty_points,
            lifetime_points=s.lifetime_points,
            loyalty_tier=s.loyalty_tier,
        )


class _Latest:
    """The scorer of the most recent (as-of date, settings), shared by single lookups
    (a screen's rows, a 360 view) so they reuse its memos; settings are compared by
    identity, as the context replaces the object whenever they change."""

    scorer: Scorer | None = None

    @classmethod
    def get(cls, as_of: dt.date, settings: Settings) -> Scorer:
        scorer = cls.scorer
        if scorer is None or scorer.settings is not settings or scorer.as_of != as_of:
            scorer = cls.scorer = Scorer(as_of, settings)
        return scorer


def profile_of(customer_id: int, customer: Mapping[str, Any], as_of: dt.date,
               settings: Settings) -> CustomerProfile:
    return _Latest.get(as_of, settings).profile(customer_id, customer)


def facts_of(customer: Mapping[str, Any], profile: CustomerProfile) -> dict[str, Any]:
    """Everything a custom segment rule may test: the document plus computed values."""
    return customer_facts({**customer, "id": profile.customer_id}, profile.computed_facts())
