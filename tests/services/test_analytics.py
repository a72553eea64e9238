"""Every analytics figure on a small dataset computed by hand, as of 2026-06-15.

Customers: A retail (3 completed orders: $200 05-10, $50 06-01, $100 06-15; plus a refunded
$30 and a pending $70), B wholesale (Laptop $1,000 04-20, 5 Mice $25 05-12), C retail and
inactive ($300 2025-12-01), D retail (no orders), E distributor ($400 06-10, then deleted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from crm_tui.domain.entities.feedback import validate_feedback
from crm_tui.domain.entities.interaction import validate_interaction
from crm_tui.domain.entities.opportunity import validate_opportunity
from crm_tui.services import tables
from crm_tui.services.analytics import AnalyticsService, TopCustomer
from crm_tui.services.crm import Crm

from .conftest import AS_OF

Ids = dict[str, int]


def _insert(crm: Crm, table: str, validate: Callable[..., dict[str, Any]],
            rows: list[Mapping[str, Any]]) -> list[int]:
    # The interactions/pipeline/tasks/feedback services are written elsewhere: store
    # validated documents directly, as they would.
    with crm.changes.change("seed"):
        return [crm.db.table(table).insert(validate(row, today=AS_OF)) for row in rows]


@pytest.fixture
def ids(crm: Crm) -> Ids:
    c = crm.customers.create
    people = {
        "A": c({"first_name": "Ann", "customer_type": "retail"}),
        "B": c({"company_name": "Bolt", "kind": "corporate", "customer_type": "wholesale"}),
        "C": c({"first_name": "Cy", "customer_type": "retail", "status": "inactive"}),
        "D": c({"first_name": "Di", "customer_type": "retail"}),
        "E": c({"first_name": "Ed", "customer_type": "distributor"}),
    }
    laptop = crm.products.create({"name": "Laptop", "price": "1000"})
    mouse = crm.products.create({"name": "Mouse", "price": "5"})
    for who, item, total, day, status in [
        ("A", "Widget", "100", "2026-06-15", "completed"),
        ("A", "Widget", "50", "2026-06-01", "completed"),
        ("A", "Gadget", "200", "2026-05-10", "completed"),
        ("A", "Widget", "30", "2026-05-10", "refunded"),
        ("A", "Widget", "70", "2026-06-12", "pending"),
        ("C", "Consulting", "300", "2025-12-01", "completed"),
        ("E", "Gadget", "400", "2026-06-10", "completed"),
    ]:
        crm.sales.record({"customer_id": people[who], "item": item, "total": total,
                          "date": day, "status": status})
    # unit_price given: SalesService fills it from the product in cents but then reads it
    # as dollars (reported to the lead), which would make the Laptop $100,000.
    crm.sales.record({"customer_id": people["B"], "product_id": laptop, "unit_price": "1000",
                      "date": "2026-04-20"})
    crm.sales.record({"customer_id": people["B"], "product_id": mouse, "quantity": 5,
                      "unit_price": "5", "date": "2026-05-12"})
    crm.customers.delete(people["E"])
    return {**people, "laptop": laptop, "mouse": mouse}


@pytest.fixture
def analytics(crm: Crm, ids: Ids) -> AnalyticsService:
    return crm.analytics


def test_customer_figures(analytics: AnalyticsService, ids: Ids) -> None:
    figures = analytics.customer_figures()
    summary = figures.summary
    assert (summary.total, summary.active) == (4, 3)  # E is deleted, C inactive
    assert summary.by_type == {"retail": 3, "wholesale": 1}
    assert summary.by_status == {"active": 3, "inactive": 1}
    assert (summary.total_ltv_cents, summary.average_ltv_cents) == (167_500, 41_875)
    assert analytics.customer_figures(top=2).top == [TopCustomer(ids["B"], "Bolt", 102_500, 2),
                                                     TopCustomer(ids["A"], "Ann", 35_000, 3)]
    assert [t.customer_id for t in figures.top] == [ids["B"], ids["A"], ids["C"]]
    assert figures.repeat_rate == pytest.approx(2 / 3)


def test_customer_figures_as_of_an_earlier_day_recompute_from_purchases(
        analytics: AnalyticsService, ids: Ids) -> None:
    earlier = dt.date(2026, 5, 31)  # before A's June orders
    figures = analytics.customer_figures(earlier)
    summary = figures.summary
    # D, entered today without orders, was not a customer yet: three customers, not four.
    assert (summary.total, summary.total_ltv_cents, summary.average_ltv_cents) == \
        (3, 152_500, 50_833)
    assert [(t.customer_id, t.ltv_cents, t.order_count)
            for t in figures.top] == [
        (ids["B"], 102_500, 2), (ids["C"], 30_000, 1), (ids["A"], 20_000, 1)]
    assert figures.repeat_rate == pytest.approx(1 / 3)


def test_sales_figures(analytics: AnalyticsService) -> None:
    everything = analytics.sales_summary()
    assert (everything.transactions, everything.revenue_cents) == (7, 207_500)
    assert (everything.average_cents, everything.largest_cents) == (29_643, 100_000)
    june = analytics.sales_summary(dt.date(2026, 6, 1))
    assert (june.transactions, june.revenue_cents, june.average_cents, june.largest_cents) == (
        3, 55_000, 18_333, 40_000)
    may = analytics.sales_summary(as_of=dt.date(2026, 5, 31))
    assert (may.transactions, may.revenue_cents) == (4, 152_500)

    days = analytics.revenue_by_day()
    assert len(days) == 30 and next(iter(days)) == "2026-05-17" and list(days)[-1] == "2026-06-15"
    assert {d: v for d, v in days.items() if v} == {
        "2026-06-01": 5_000, "2026-06-10": 40_000, "2026-06-15": 10_000}
    months = analytics.revenue_by_month()
    assert list(months)[::11] == ["2025-07", "2026-06"] and len(months) == 12
    assert {m: v for m, v in months.items() if v} == {
        "2025-12": 30_000, "2026-04": 100_000, "2026-05": 22_500, "2026-06": 55_000}


def test_month_to_date_against_the_same_days_of_last_month(analytics: AnalyticsService) -> None:
    # As of 06-15: A's $50 (06-01) and $100 (06-15), E's $400 (06-10, E deleted: still
    # revenue); May 1-15: A's $200 (05-10) and B's 5 mice at $5 (05-12).
    mtd = analytics.month_to_date()
    assert (mtd.start, mtd.end) == (dt.date(2026, 6, 1), AS_OF)
    assert (mtd.previous_start, mtd.previous_end) == (dt.date(2026, 5, 1), dt.date(2026, 5, 15))
    assert mtd.revenue_cents == 55_000
    assert mtd.previous_cents == 22_500


def test_revenue_by_product(analytics: AnalyticsService, ids: Ids) -> None:
    rows = [(r.product_id, r.name, r.transactions, r.quantity, r.revenue_cents)
            for r in analytics.revenue_by_product()]
    assert rows == [
        (ids["laptop"], "Laptop", 1, 1, 100_000),
        (None, "Gadget", 2, 2, 60_000),
        (None, "Consulting", 1, 1, 30_000),
        (None, "Widget", 2, 2, 15_000),  # the refunded and the pending one do not count
        (ids["mouse"], "Mouse", 1, 5, 2_500),
    ]
    june = analytics.revenue_by_product(dt.date(2026, 6, 1))
    assert [(r.name, r.revenue_cents) for r in june] == [("Gadget", 40_000), ("Widget", 15_000)]


def test_retention_rate(analytics: AnalyticsService) -> None:
    # 05-17..06-15 against 04-17..05-16: A and B bought before, only A again.
    assert analytics.retention_rate() == 0.5
    # 06-01..06-15 against 05-17..05-31: nobody bought before.
    assert analytics.retention_rate(dt.date(2026, 6, 1), dt.date(2026, 6, 15)) is None
    # 05-01..06-15 (46 days) against 03-16..04-30: B, who came back in May.
    assert analytics.retention_rate(dt.date(2026, 5, 1)) == 1.0


def test_pipeline(crm: Crm, analytics: AnalyticsService, ids: Ids) -> None:
    deal = dict
    made = _insert(crm, tables.OPPORTUNITIES, validate_opportunity, [
        deal(customer_id=ids["A"], name="Big", value="10000", stage="Proposal",
             expected_close_date="2026-07-15", stage_changed_at="2026-06-10"),
        deal(customer_id=ids["B"], name="Renewal", value="2000", stage="Negotiation",
             expected_close_date="2026-06-30", stage_changed_at="2026-05-01"),
        deal(customer_id=ids["C"], name="Upsell", value="1000", stage="Prospecting",
             stage_changed_at="2026-06-01"),  # 14 days idle: not yet stale
        deal(customer_id=ids["A"], name="Won", value="5000", stage="Closed Won"),
        deal(customer_id=ids["B"], name="Lost", value="3000", stage="Closed Lost"),
        deal(customer_id=ids["D"], name="Lost too", value="500", stage="Closed Lost"),
    ])
    figures = analytics.pipeline()
    s = figures.summary
    assert (s.total_cents, s.weighted_cents, s.best_case_cents) == (
        1_300_000, 660_000, 1_200_000)
    assert (s.open_count, s.won_count, s.lost_count) == (3, 1, 2)
    assert s.win_rate == pytest.approx(1 / 3)
    assert figures.value_by_stage == {"Prospecting": 100_000, "Qualification": 0,
                                      "Proposal": 1_000_000, "Negotiation": 200_000,
                                      "Closed Won": 500_000, "Closed Lost": 350_000}
    assert figures.forecast_by_month == {"2026-06": 150_000, "2026-07": 500_000,
                                         "unscheduled": 10_000}
    assert figures.stale_ids == [made[1]]
    assert analytics.pipeline(dt.date(2026, 6, 16)).stale_ids == [made[1], made[2]]


def test_interactions_by_channel(crm: Crm, analytics: AnalyticsService, ids: Ids) -> None:
    _insert(crm, tables.INTERACTIONS, validate_interaction, [
        {"customer_id": ids["A"], "channel": "email", "date": "2026-06-01"},
        {"customer_id": ids["A"], "channel": "phone", "date": "2026-06-02"},
        {"customer_id": ids["B"], "channel": "email", "date": "2026-06-03"},
        {"customer_id": ids["B"], "channel": "meeting", "date": "2026-06-20"},  # after as_of
        {"customer_id": ids["E"], "channel": "sms", "date": "2026-06-04"},  # E is deleted
        {"customer_id": ids["C"], "channel": "email", "date": "2026-05-01"},
    ])
    assert analytics.interactions_by_channel() == {"email": 3, "phone": 1, "sms": 1}
    assert analytics.interactions_by_channel(dt.date(2026, 6, 1)) == {
        "email": 2, "phone": 1, "sms": 1}


def test_nps(crm: Crm, analytics: AnalyticsService) -> None:
    assert analytics.nps().score is None  # no feedback yet
    _insert(crm, tables.FEEDBACK, validate_feedback, [
        {"rating": 5, "recommend_score": 10, "date": "2026-06-01"},
        {"rating": 4, "recommend_score": 9, "date": "2026-06-02"},
        {"rating": 3, "recommend_score": 7, "date": "2026-06-03"},
        {"rating": 1, "recommend_score": 2, "date": "2026-06-04"},
        {"rating": 4, "date": "2026-06-05"},  # no recommend score: not in NPS
        {"rating": 2, "recommend_score": 0, "date": "2026-07-01"},  # after as_of
    ])
    nps = analytics.nps()
    assert (nps.responses, nps.promoters, nps.passives, nps.detractors, nps.score) == (
        4, 2, 1, 1, 25.0)
    assert analytics.nps(dt.date(2026, 6, 3)).score == -50.0
    assert analytics.nps(as_of=dt.date(2026, 7, 1)).score == 0.0  # 2 promoters, 2 detractors


def test_deleted_customers_deals_and_feedback_leave_pipeline_and_nps(
        crm: Crm, analytics: AnalyticsService, ids: Ids) -> None:
    # As the pipeline and feedback services hide them; E was deleted by the fixture already.
    _insert(crm, tables.OPPORTUNITIES, validate_opportunity, [
        {"customer_id": ids["A"], "name": "Kept", "value": "1000", "stage": "Proposal"},
        {"customer_id": ids["D"], "name": "Goes", "value": "2000", "stage": "Negotiation"},
        {"customer_id": ids["E"], "name": "Gone", "value": "4000", "stage": "Proposal"},
    ])
    _insert(crm, tables.FEEDBACK, validate_feedback, [
        {"customer_id": ids["A"], "rating": 5, "recommend_score": 10, "date": "2026-06-01"},
        {"customer_id": ids["D"], "rating": 1, "recommend_score": 0, "date": "2026-06-02"},
        {"customer_id": ids["E"], "rating": 1, "recommend_score": 1, "date": "2026-06-03"},
        {"rating": 3, "recommend_score": 7, "date": "2026-06-04"},  # anonymous: always counts
    ])
    before = analytics.pipeline()
    assert (before.summary.open_count, before.summary.total_cents) == (2, 300_000)
    assert before.summary.weighted_cents == 100_000 * 50 // 100 + 200_000 * 75 // 100
    assert (before.value_by_stage["Proposal"], before.value_by_stage["Negotiation"]) == (
        100_000, 200_000)
    nps = analytics.nps()
    assert (nps.responses, nps.promoters, nps.passives, nps.detractors, nps.score) == (
        3, 1, 1, 1, 0.0)

    crm.customers.delete(ids["D"])
    after = analytics.pipeline()
    assert (after.summary.open_count, after.summary.total_cents) == (1, 100_000)
    assert (after.value_by_stage["Proposal"], after.value_by_stage["Negotiation"]) == (
        100_000, 0)
    assert after.summary.weighted_cents == 100_000 * 50 // 100
    assert after.forecast_by_month == {"unscheduled": 50_000}
    nps = analytics.nps()
    assert (nps.responses, nps.promoters, nps.passives, nps.detractors, nps.score) == (
        2, 1, 1, 0, 50.0)
    assert analytics.sales_summary().revenue_cents == 207_500  # E's $400 still counts
