"""Data rules through the services: a completed purchase cannot be dated ahead, a closed
deal shows when it closed, and figures as of a past day leave out what was created later."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crm_tui.domain.rules.pipeline import close_text
from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.report import summary_report

from .conftest import day, refused_field

LAST_YEAR = dt.date(2025, 6, 1)


def test_a_completed_purchase_dated_ahead_is_refused(crm: Crm, john: int) -> None:
    sale = {"customer_id": john, "item": "Desk", "total": "120", "date": day(1)}
    assert refused_field(crm.sales.record, sale) == "date"
    pending = crm.sales.record({**sale, "status": "pending"})
    assert refused_field(crm.sales.update, pending, {"status": "completed"}) == "date"
    assert crm.customers.get(john)["order_count"] == 0


def test_a_closed_deal_shows_its_closed_date(crm: Crm, john: int) -> None:
    deal = crm.pipeline.create({"customer_id": john, "name": "Renewal", "value": "900",
                                "expected_close_date": day(45)})
    assert close_text(crm.pipeline.get(deal)) == f"close {day(45)}"
    won = crm.pipeline.move(deal, "Closed Won")
    assert close_text(won) == f"closed {day(0)}"
    assert won["expected_close_date"] == day(45)  # the forecast, kept for the record
    reopened = crm.pipeline.move(deal, "Negotiation")
    assert close_text(reopened) == f"close {day(45)}"


@pytest.fixture
def two_years(db_path: Path, crm: Crm) -> Crm:
    """Ann, a deal and feedback from 2025; Bob, a deal and feedback made today (2026)."""
    then = Crm.open(db_path, clock=Clock.at("2025-05-01"), staff="alice")
    ann = then.customers.create({"first_name": "Ann", "last_name": "Old"})
    then.pipeline.create({"customer_id": ann, "name": "Old deal", "value": "100"})
    then.close()
    bob = crm.customers.create({"first_name": "Bob", "last_name": "New"})
    crm.pipeline.create({"customer_id": bob, "name": "New deal", "value": "900"})
    return crm


def test_figures_as_of_a_past_day_leave_out_later_records(two_years: Crm) -> None:
    crm = two_years
    assert crm.analytics.customer_figures(LAST_YEAR).summary.total == 1
    assert crm.analytics.customer_figures().summary.total == 2
    pipeline = crm.analytics.pipeline(LAST_YEAR).summary
    assert (pipeline.open_count, pipeline.total_cents) == (1, 10000)
    counts = {c.key: c.count for c in crm.segments.counts(LAST_YEAR)}
    assert counts["lifecycle:prospect"] == 1
    assert {c.key: c.count for c in crm.segments.counts()}["lifecycle:prospect"] == 2


def test_the_report_as_of_a_past_day_counts_who_existed(two_years: Crm) -> None:
    report = summary_report(two_years, LAST_YEAR)
    assert "Total Customers: 1\n" in report
    assert "Prospects: 1\n" in report
    assert "Open Opportunities: 1\n" in report
    assert "Total Customers: 2\n" in summary_report(two_years, dt.date(2026, 6, 15))
