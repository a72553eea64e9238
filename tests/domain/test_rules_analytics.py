"""Analytics aggregations over plain dict records."""

import datetime as dt

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.analytics import (
    customer_summary,
    follow_ups,
    interactions_by_channel,
    month_to_date,
    month_to_date_days,
    order_counts_by_customer,
    repeat_purchase_rate,
    retention_rate,
    revenue_by_product,
    sales_summary,
    top_customers,
)

D = dt.date

CUSTOMERS = [
    {"id": 1, "status": "active", "customer_type": "retail", "total_spent_cents": 499995},
    {"id": 2, "status": "active", "customer_type": "wholesale",
     "totals": {"total_spent_cents": 349996}},
    {"id": 3, "status": "inactive", "customer_type": "retail", "total_spent_cents": 100000},
    {"id": 4, "status": "Active", "customer_type": "retail"},
    {"id": 5, "status": "active", "customer_type": "retail", "total_spent_cents": 10**9,
     "deleted_at": "2025-01-01T00:00:00"},
]


def purchase(cid: int, day: str, cents: int, status: str = "completed", **extra: object) -> dict:
    return {"customer_id": cid, "date": day, "total_cents": cents, "status": status, **extra}


def test_customer_summary() -> None:
    s = customer_summary(CUSTOMERS)
    assert (s.total, s.active) == (4, 3)
    assert s.by_type == {"retail": 3, "wholesale": 1}
    assert s.by_status == {"active": 3, "inactive": 1}
    assert s.total_ltv_cents == 949991
    assert s.average_ltv_cents == 237498  # 237497.75 rounds to 237498
    empty = customer_summary([])
    assert (empty.total, empty.total_ltv_cents, empty.average_ltv_cents) == (0, 0, None)


def test_sales_summary() -> None:
    purchases = [
        purchase(1, "2025-01-31", 299997),
        purchase(1, "2025-02-01", 100000),
        purchase(2, "2025-02-01", 0),
        purchase(2, "2025-02-03", 5000, "refunded"),
        purchase(3, "2025-03-01", 7, deleted_at="2025-03-02"),
    ]
    s = sales_summary(purchases)
    assert (s.transactions, s.revenue_cents, s.largest_cents) == (3, 399997, 299997)
    assert s.average_cents == 133332  # 133332.33
    assert s.revenue_by_day == {"2025-01-31": 299997, "2025-02-01": 100000}
    assert s.revenue_by_month == {"2025-01": 299997, "2025-02": 100000}
    feb = sales_summary(purchases, start=D(2025, 2, 1), end=D(2025, 2, 28))
    assert (feb.transactions, feb.revenue_cents) == (2, 100000)
    none = sales_summary([])
    assert (none.transactions, none.average_cents, none.largest_cents) == (0, None, None)


def test_sales_refuse_float_money() -> None:
    with pytest.raises(ValidationError):
        sales_summary([purchase(1, "2025-01-01", 10.5)])  # type: ignore[arg-type]


def test_top_customers() -> None:
    top = top_customers(CUSTOMERS, limit=2)
    assert [(c["id"], ltv) for c, ltv in top] == [(1, 499995), (2, 349996)]
    assert len(top_customers(CUSTOMERS)) == 4


def test_revenue_by_product() -> None:
    purchases = [
        purchase(1, "2025-01-01", 300000, product_id=10, quantity=3),
        purchase(2, "2025-01-02", 100000, product_id=10, quantity=1),
        purchase(2, "2025-01-02", 45000, product_id=11, quantity=3),
        purchase(3, "2025-01-03", 2500, item="Gift wrap"),
        purchase(3, "2025-01-03", 99999, "pending", product_id=11),
    ]
    rows = revenue_by_product(purchases, {10: "CRM License", 11: "Consulting"})
    assert [(r.name, r.transactions, r.quantity, r.revenue_cents) for r in rows] == [
        ("CRM License", 2, 4, 400000),
        ("Consulting", 1, 3, 45000),
        ("Gift wrap", 1, 1, 2500),
    ]


def test_interactions_by_channel() -> None:
    interactions = [
        {"channel": "email", "date": "2025-01-01"},
        {"channel": "Phone", "date": "2025-01-05"},
        {"channel": "email", "date": "2025-02-01"},
        {"channel": "meeting", "date": "2025-02-02", "deleted_at": "2025-02-03"},
    ]
    assert interactions_by_channel(interactions) == {"email": 2, "phone": 1}
    assert interactions_by_channel(interactions, start=D(2025, 1, 2), end=D(2025, 1, 31)) == {
        "phone": 1}


def test_repeat_purchase_rate() -> None:
    purchases = [purchase(1, "2025-01-01", 1), purchase(1, "2025-01-01", 1),
                 purchase(2, "2025-01-01", 0), purchase(3, "2025-01-01", 5, "refunded")]
    counts = order_counts_by_customer(purchases)
    assert counts == {1: 2, 2: 1}
    assert repeat_purchase_rate(counts.values()) == 0.5
    assert repeat_purchase_rate([0, 0]) is None
    assert repeat_purchase_rate([1, 2, 3, 0]) == pytest.approx(2 / 3)


def test_retention_rate() -> None:
    purchases = [
        purchase(1, "2025-02-10", 1), purchase(1, "2025-03-05", 1),  # retained
        purchase(2, "2025-02-20", 1),  # churned
        purchase(3, "2025-03-10", 1),  # new this period, not in the denominator
        purchase(4, "2025-02-28", 1), purchase(4, "2025-03-31", 1, "refunded"),  # refund only
    ]
    march = retention_rate(purchases, D(2025, 3, 1), D(2025, 3, 31),
                           D(2025, 2, 1), D(2025, 2, 28))
    assert march == pytest.approx(1 / 3)
    # Default previous period: the 31 days before March 1 (Jan 29 - Feb 28).
    assert retention_rate(purchases, D(2025, 3, 1), D(2025, 3, 31)) == pytest.approx(1 / 3)
    assert retention_rate(purchases, D(2024, 1, 1), D(2024, 1, 31)) is None


def test_follow_ups() -> None:
    as_of = D(2025, 11, 12)
    records = [
        {"id": "a", "follow_up_date": "2025-11-12"},
        {"id": "b", "follow_up_date": "2025-11-01"},
        {"id": "c", "follow_up_date": "2025-10-01"},
        {"id": "d", "follow_up_date": "2025-11-13"},
        {"id": "e", "follow_up_date": "2025-10-15", "follow_up_done": True},
        {"id": "f"},
        {"id": "g", "follow_up_date": "2025-11-12", "deleted_at": "2025-11-12"},
    ]
    result = follow_ups(records, as_of)
    assert [r["id"] for r in result.due] == ["a"]
    assert [r["id"] for r in result.overdue] == ["c", "b"]
    tasks = [{"id": 1, "due_date": "2025-11-01", "status": "completed"},
             {"id": 2, "due_date": "2025-11-01", "status": "open"}]
    assert [t["id"] for t in follow_ups(tasks, as_of, date_field="due_date").overdue] == [2]


@pytest.mark.parametrize(("as_of", "days"), [
    (D(2026, 12, 7), (D(2026, 12, 1), D(2026, 12, 7), D(2026, 11, 1), D(2026, 11, 7))),
    (D(2026, 3, 31), (D(2026, 3, 1), D(2026, 3, 31), D(2026, 2, 1), D(2026, 2, 28))),
    (D(2028, 3, 31), (D(2028, 3, 1), D(2028, 3, 31), D(2028, 2, 1), D(2028, 2, 29))),
    (D(2026, 1, 1), (D(2026, 1, 1), D(2026, 1, 1), D(2025, 12, 1), D(2025, 12, 1))),
])
def test_month_to_date_compares_the_same_days_of_last_month(
        as_of: dt.date, days: tuple[dt.date, ...]) -> None:
    assert month_to_date_days(as_of) == days


def test_month_to_date_sums_each_period_from_revenue_per_day() -> None:
    by_day = {"2026-11-01": 100, "2026-11-07": 20, "2026-11-08": 5000, "2026-11-30": 7000,
              "2026-12-01": 300, "2026-12-07": 40, "2026-12-08": 9}
    mtd = month_to_date(by_day, D(2026, 12, 7))
    # Nov 8-30 is not compared with Dec 1-7: the same seven days are.
    assert (mtd.revenue_cents, mtd.previous_cents) == (340, 120)
    assert (mtd.start, mtd.previous_end) == (D(2026, 12, 1), D(2026, 11, 7))
    end_of_march = month_to_date({"2026-02-28": 1, "2026-03-01": 2}, D(2026, 3, 31))
    assert (end_of_march.revenue_cents, end_of_march.previous_cents) == (2, 1)
