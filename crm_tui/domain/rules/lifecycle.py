"""Lifecycle segment: one per customer, from its purchase totals, first match wins.

prospect (no orders) · inactive (last order >= 90 days ago) · at_risk (>= 60 days) ·
vip (>= 3 orders or >= $500 spent) · returning (>= 2 orders) · new (1 order).
A manual override replaces the computed segment and is reported as overridden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.totals import CustomerTotals
from crm_tui.domain.settings import LifecycleSettings

PROSPECT, INACTIVE, AT_RISK, VIP, RETURNING, NEW = (
    "prospect", "inactive", "at_risk", "vip", "returning", "new",
)
LIFECYCLE_SEGMENTS = (PROSPECT, INACTIVE, AT_RISK, VIP, RETURNING, NEW)
_DEFAULT = LifecycleSettings()


def days_since_last_order(totals: CustomerTotals, as_of: dt.date) -> int | None:
    """Whole days from the last completed order to `as_of`; None without orders.

    An order dated after `as_of` (a back-dated report) counts as 0 days, not negative.
    """
    if totals.order_count == 0 or totals.last_order_date is None:
        return None
    return max(0, (as_of - totals.last_order_date).days)


def lifecycle_segment(
    totals: CustomerTotals, as_of: dt.date, settings: LifecycleSettings = _DEFAULT
) -> str:
    """The computed lifecycle segment as of a date."""
    return segment_for(days_since_last_order(totals, as_of), totals.order_count,
                       totals.total_spent_cents, settings)


def segment_for(days: int | None, order_count: int, spent_cents: int,
                settings: LifecycleSettings = _DEFAULT) -> str:
    """The computed lifecycle segment from the measures it depends on (days since the last
    order, None without orders)."""
    if days is None:
        return PROSPECT
    if days >= settings.inactive_days:
        return INACTIVE
    if days >= settings.at_risk_days:
        return AT_RISK
    if order_count >= settings.vip_orders or spent_cents >= settings.vip_spent_cents:
        return VIP
    if order_count >= settings.returning_orders:
        return RETURNING
    return NEW


@dataclass(frozen=True)
class EffectiveSegment:
    segment: str
    overridden: bool
    computed: str


def validate_override(override: str | None) -> str | None:
    """A manual override must be one of the lifecycle segments ("" or None clears it)."""
    if override is None or override == "":
        return None
    value = str(override).strip().lower()
    if value not in LIFECYCLE_SEGMENTS:
        raise ValidationError(
            "segment_override", "must be one of " + ", ".join(LIFECYCLE_SEGMENTS)
        )
    return value


def effective_segment(
    totals: CustomerTotals,
    as_of: dt.date,
    override: str | None = None,
    settings: LifecycleSettings = _DEFAULT,
) -> EffectiveSegment:
    """The segment to show: the override if set, else the computed one.

    `overridden` is true whenever an override is set, even when it equals the computed
    segment, so the badge keeps saying that a person chose it.
    """
    return with_override(lifecycle_segment(totals, as_of, settings), override)


def with_override(computed: str, override: str | None) -> EffectiveSegment:
    """The segment to show given the computed one and the stored override."""
    chosen = validate_override(override)
    if chosen is None:
        return EffectiveSegment(computed, False, computed)
    return EffectiveSegment(chosen, True, computed)
