"""RFM quintile mode: switched on in the settings, its break points are computed from the
customers with orders (the trash left out), stamped, and used by every score until the
mode is switched on again; with nobody to rank, the switch is refused naming the mode."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.rfm import RfmScore
from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm

from .conftest import AS_OF, day

QUINTILE = {"rfm": {"mode": "quintile"}}


def buyer(crm: Crm, name: str, orders: int, days_ago: int) -> int:
    """A customer with `orders` orders of $100, the last `days_ago` days ago."""
    customer = crm.customers.create({"first_name": name})
    for n in range(orders):
        crm.sales.record({"customer_id": customer, "item": "Box", "total": "100",
                          "date": day(-days_ago - n)})
    return customer


def test_switching_quintile_mode_on_computes_the_break_points(crm: Crm) -> None:
    people = [buyer(crm, f"P{n}", orders=n, days_ago=10 * n) for n in range(1, 6)]
    crm.customers.create({"first_name": "Prospect"})  # no orders: not ranked
    crm.customers.delete(buyer(crm, "Gone", orders=40, days_ago=400))  # the trash: not ranked
    crm.settings.update(QUINTILE)
    breaks = crm.ctx.settings.rfm.quintile_breaks
    assert breaks is not None
    assert breaks.recency_days == (10, 20, 30, 40)
    assert breaks.frequency_orders == (1, 2, 3, 4)
    assert breaks.monetary_cents == (10_000, 20_000, 30_000, 40_000)
    assert breaks.computed_at == Clock.at(AS_OF).now()
    # Scores rank customers among each other: the best of five gets 5 on every measure.
    assert crm.customers.profile(people[0]).rfm == RfmScore(5, 1, 1)
    assert crm.customers.profile(people[4]).rfm == RfmScore(1, 5, 5)


def test_the_break_points_stay_until_the_mode_is_switched_on_again(crm: Crm) -> None:
    first = buyer(crm, "First", orders=1, days_ago=5)
    crm.settings.update(QUINTILE)
    kept = crm.ctx.settings.rfm.quintile_breaks
    crm.ctx.clock = Clock.at(AS_OF + dt.timedelta(days=1))
    buyer(crm, "Second", orders=3, days_ago=1)
    crm.settings.update({"lifecycle": {"vip_orders": 4}})  # another setting: kept
    assert crm.ctx.settings.rfm.quintile_breaks == kept
    crm.settings.update({"rfm": {"mode": "fixed"}})
    crm.settings.update(QUINTILE)  # on again: computed anew
    again = crm.ctx.settings.rfm.quintile_breaks
    assert again is not None and again != kept
    assert again.frequency_orders == (1, 1, 3, 3)
    assert crm.customers.profile(first).rfm is not None


def test_with_nobody_to_rank_the_switch_is_refused(crm: Crm) -> None:
    crm.customers.create({"first_name": "Prospect"})
    with pytest.raises(ValidationError) as refused:
        crm.settings.update(QUINTILE)
    assert refused.value.field == "rfm.mode"
    assert crm.ctx.settings.rfm.mode == "fixed"
