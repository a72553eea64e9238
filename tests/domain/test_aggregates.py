"""The kept aggregates' figures over plain dict documents: each table folded document by
document (`Aggregates.load`), then read, as the dashboard's read model does; and a change
folded from its (before, after) moves the figures as the documents did."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from collections.abc import Mapping
from typing import Any

import orjson
import pytest

from crm_tui.domain.aggregates import customers, interactions, orders, revenue
from crm_tui.domain.aggregates.derivation import DERIVATIONS, Aggregates
from crm_tui.domain.entities.order_lines import line_shares
from crm_tui.domain.errors import ValidationError

D = dt.date
LATER = D(2030, 1, 1)


def folded(**tables: list[Mapping[str, Any]]) -> Aggregates:
    found = Aggregates()
    for table, docs in tables.items():
        found.load(table, enumerate(docs, 1))
    return found


def purchase(cid: int, day: str, cents: int, status: str = "completed",
             **extra: object) -> dict[str, Any]:
    return {"customer_id": cid, "date": day, "total_cents": cents, "status": status, **extra}


CUSTOMERS = [
    {"status": "active", "customer_type": "retail", "total_spent": 499995, "order_count": 3},
    {"status": "active", "customer_type": "wholesale", "total_spent": 349996, "order_count": 1},
    {"status": "inactive", "customer_type": "retail", "total_spent": 100000, "order_count": 2},
    {"status": "Active", "customer_type": "retail"},
    {"status": "active", "customer_type": "retail", "total_spent": 10**9, "order_count": 9,
     "deleted_at": "2025-01-01T00:00:00"},
]


def test_customer_figures() -> None:
    a = folded(customers=CUSTOMERS)
    found = customers.figures(a.counts, a.columns, a.orders, LATER, top=2)
    s = found.summary
    assert (s.total, s.active) == (4, 3)
    assert s.by_type == {"retail": 3, "wholesale": 1}
    assert s.by_status == {"active": 3, "inactive": 1}
    assert s.total_ltv_cents == 949991
    assert s.average_ltv_cents == 237498  # 237497.75 rounds to 237498
    assert found.top == [(1, 499995, 3), (2, 349996, 1)]
    assert (found.buyers, found.repeat_rate) == (3, pytest.approx(2 / 3))
    empty = folded(customers=[])
    none = customers.figures(empty.counts, empty.columns, empty.orders, LATER, top=10)
    assert (none.summary.total, none.summary.total_ltv_cents) == (0, 0)
    assert (none.summary.average_ltv_cents, none.repeat_rate, none.top) == (None, None, [])


def test_customer_figures_of_a_past_day_come_from_the_orders() -> None:
    people = [{"total_spent": 300, "order_count": 2, "last_order_date": "2025-03-01",
               "created_at": "2025-01-01T09:00:00"}]
    a = folded(customers=people, purchases=[purchase(1, "2025-01-10", 100),
                                            purchase(1, "2025-03-01", 200)])
    then = customers.figures(a.counts, a.columns, a.orders, D(2025, 2, 1), top=5)
    assert (then.summary.total_ltv_cents, then.top, then.repeat_rate) == (100, [(1, 100, 1)],
                                                                          0.0)
    before = customers.figures(a.counts, a.columns, a.orders, D(2024, 12, 31), top=5)
    assert before.summary.total == 0  # entered later, with no order by then


def test_sales_summary() -> None:
    a = folded(purchases=[
        purchase(1, "2025-01-31", 299997),
        purchase(1, "2025-02-01", 100000),
        purchase(2, "2025-02-01", 0),
        purchase(2, "2025-02-03", 5000, "refunded"),
        purchase(3, "2025-03-01", 7, deleted_at="2025-03-02"),
    ])
    s = revenue.sales_summary(a.revenue, a.orders, None, LATER)
    assert (s.transactions, s.revenue_cents, s.largest_cents) == (3, 399997, 299997)
    assert s.average_cents == 133332  # 133332.33
    assert s.revenue_by_day == {"2025-01-31": 299997, "2025-02-01": 100000}
    assert s.revenue_by_month == {"2025-01": 299997, "2025-02": 100000}
    feb = revenue.sales_summary(a.revenue, a.orders, D(2025, 2, 1), D(2025, 2, 28))
    assert (feb.transactions, feb.revenue_cents) == (2, 100000)
    none = revenue.sales_summary({}, {}, None, LATER)
    assert (none.transactions, none.average_cents, none.largest_cents) == (0, None, None)


def test_sales_refuse_float_money() -> None:
    with pytest.raises(ValidationError):
        folded(purchases=[purchase(1, "2025-01-01", 10.5)])  # type: ignore[arg-type]


def test_revenue_by_product() -> None:
    a = folded(purchases=[
        purchase(1, "2025-01-01", 300000, product_id=10, quantity=3),
        purchase(2, "2025-01-02", 100000, product_id=10, quantity=1),
        purchase(2, "2025-01-02", 45000, product_id=11, quantity=3),
        purchase(3, "2025-01-03", 2500, item="Gift wrap"),
        purchase(3, "2025-01-03", 99999, "pending", product_id=11),
    ])
    rows = revenue.by_product(a.revenue, {10: "CRM License", 11: "Consulting"}, None, LATER)
    assert [(r.name, r.transactions, r.quantity, r.revenue_cents) for r in rows] == [
        ("CRM License", 2, 4, 400000),
        ("Consulting", 1, 3, 45000),
        ("Gift wrap", 1, 1, 2500),
    ]


def test_revenue_by_product_shares_each_order_total_among_its_lines() -> None:
    # Stored as the purchase form stores them: cents under the plain names.
    two = {"customer_id": 1, "date": "2025-01-01", "status": "completed", "total": 3000,
           "lines": [{"item": "Mug", "quantity": 2, "unit_price": 1000},
                     {"item": "Tea", "quantity": 1, "unit_price": 500}]}  # + 500 shipping
    one = {"customer_id": 1, "date": "2025-01-02", "status": "completed", "total": 700,
           "item": "Tea"}
    a = folded(purchases=[two, one])
    rows = {r.name: r for r in revenue.by_product(a.revenue, {}, None, LATER)}
    assert [cents for _, cents in line_shares(two)] == [2400, 600]
    assert (rows["Mug"].transactions, rows["Mug"].quantity, rows["Mug"].revenue_cents) == (
        1, 2, 2400)
    assert (rows["Tea"].transactions, rows["Tea"].quantity, rows["Tea"].revenue_cents) == (
        2, 2, 1300)
    assert sum(r.revenue_cents for r in rows.values()) == 3700


def test_interactions_by_channel() -> None:
    a = folded(interactions=[
        {"channel": "email", "date": "2025-01-01"},
        {"channel": "Phone", "date": "2025-01-05"},
        {"channel": "email", "date": "2025-02-01"},
        {"channel": "meeting", "date": "2025-02-02", "deleted_at": "2025-02-03"},
        {"channel": "sms"},  # undated: in no period
    ])
    assert interactions.by_channel(a.interactions, None, LATER) == {"email": 2, "phone": 1}
    assert interactions.by_channel(a.interactions, D(2025, 1, 2), D(2025, 1, 31)) == {
        "phone": 1}


def test_retention_rate() -> None:
    a = folded(purchases=[
        purchase(1, "2025-02-10", 1), purchase(1, "2025-03-05", 1),  # retained
        purchase(2, "2025-02-20", 1),  # churned
        purchase(3, "2025-03-10", 1),  # new this period, not in the denominator
        purchase(4, "2025-02-28", 1), purchase(4, "2025-03-31", 1, "refunded"),  # refund only
    ])
    # The previous period: the 31 days before March 1 (Jan 29 - Feb 28).
    assert orders.retention_rate(a.orders, D(2025, 3, 1), D(2025, 3, 31)) == pytest.approx(
        1 / 3)
    assert orders.retention_rate(a.orders, D(2024, 1, 1), D(2024, 1, 31)) is None


def test_a_change_folds_as_its_before_and_after() -> None:
    first = purchase(1, "2025-01-01", 100, item="Tea")
    a = folded(purchases=[first])
    edited = {**first, "total_cents": 250, "date": "2025-01-02"}
    a.apply("purchases", 1, first, edited)
    assert revenue.sales_summary(a.revenue, a.orders, None, LATER).revenue_by_day == {
        "2025-01-02": 250}
    a.apply("purchases", 1, edited, {**edited, "status": "refunded"})
    assert (a.revenue, a.orders) == ({}, {})  # nothing counts: every key is gone


def test_every_state_is_saved_and_read_back_whole() -> None:
    a = folded(customers=CUSTOMERS,
               purchases=[purchase(1, "2026-01-02", 500, item="Tea"),
                          purchase(2, "2026-01-02", 700, product_id=3, quantity=2),
                          purchase(1, "2026-02-01", 300)],
               interactions=[{"channel": "Email", "date": "2026-01-03"}],
               opportunities=[{"customer_id": 1, "stage": "Proposal", "value_cents": 900,
                               "status": "open", "created_at": "2026-01-01"}],
               feedback=[{"customer_id": 2, "recommend_score": 9, "date": "2026-01-04"}])
    for d in DERIVATIONS:
        saved = orjson.loads(orjson.dumps(d.dump(a.states[d.name])))
        again = d.load(saved)
        assert d.dump(again) == d.dump(a.states[d.name]), d.name
        arrays = (revenue.NAME, customers.NAME)  # compared by their dumps
        assert again == a.states[d.name] or d.name in arrays, d.name
    assert Aggregates({**a.states}).revenue == a.revenue


def _bytes_per_item(derivation_name: str, state: Any, items: int) -> tuple[float, Any]:
    """Peak memory allocated loading a saved state (its JSON values, parsed already), per
    item it holds; and the state loaded."""
    d = next(d for d in DERIVATIONS if d.name == derivation_name)
    saved = orjson.loads(orjson.dumps(d.dump(state)))
    tracemalloc.start()
    try:
        loaded = d.load(saved)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert d.dump(loaded) == d.dump(state)
    return peak / items, loaded


def test_a_saved_customer_state_loads_as_arrays_not_an_object_per_customer() -> None:
    # a row per customer read back as Python objects took ~110 bytes a customer
    people = [{"status": "active", "customer_type": "retail", "order_count": i % 7,
               "total_spent": 10_000_000 + i * 991, "created_at": f"2025-0{1 + i % 9}-01"}
              for i in range(20_000)]
    state = folded(customers=people).states[customers.NAME]
    assert _bytes_per_item(customers.NAME, state, len(people))[0] < 64


def test_saved_orders_load_without_an_object_per_order() -> None:
    # a day's orders are unpacked when first read (arrays made at load took 16 bytes an
    # order)
    sales = [purchase(1 + i % 2999, f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", 1000 + i)
             for i in range(30_000)]
    state = folded(purchases=sales).states[revenue.NAME]
    size, loaded = _bytes_per_item(revenue.NAME, state, len(sales))
    assert size < 8
    march = D(2025, 3, 1), D(2025, 3, 31)
    assert orders.retention_rate(loaded.orders, *march) == orders.retention_rate(
        state.orders, *march) == pytest.approx(0.9)
