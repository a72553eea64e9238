"""Customer totals: only completed purchases count, and incremental == from scratch."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.totals import (
    CustomerTotals,
    NewOrders,
    PurchaseFacts,
    add_purchase,
    compute_totals,
    remove_purchase,
)

D = dt.date


def test_only_completed_purchases_count() -> None:
    totals = compute_totals([
        {"date": "2025-01-05", "total_cents": 1000, "status": "completed"},
        {"date": "2025-01-06", "total_cents": 5000, "status": "refunded"},
        {"date": "2025-01-07", "total_cents": 7000, "status": "pending"},
        {"date": "2025-01-03", "total_cents": 2001, "status": "Completed"},
    ])
    assert totals.order_count == 2
    assert totals.total_spent_cents == 3001
    assert totals.first_order_date == D(2025, 1, 3)
    assert totals.last_order_date == D(2025, 1, 5)
    assert totals.average_order_cents == 1501  # 1500.5 rounds half up


def test_zero_amount_and_same_day_orders_are_orders() -> None:
    totals = compute_totals([
        PurchaseFacts(D(2025, 2, 1), 0),
        PurchaseFacts(D(2025, 2, 1), 0),
        PurchaseFacts(D(2025, 2, 1), 300),
    ])
    assert totals.order_count == 3
    assert totals.total_spent_cents == 300
    assert totals.average_order_cents == 100


def test_no_orders() -> None:
    totals = compute_totals([])
    assert totals == CustomerTotals()
    assert totals.average_order_cents is None
    assert totals.first_order_date is None


def test_datetime_strings_and_total_fallback() -> None:
    totals = compute_totals([{"date": "2025-03-04T10:11:12", "total": 250, "status": "completed"}])
    assert totals.last_order_date == D(2025, 3, 4)
    assert totals.total_spent_cents == 250


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"date": "2025-01-01", "total_cents": 10.5, "status": "completed"}, "total_cents"),
        ({"date": "2025-01-01", "total_cents": -1, "status": "completed"}, "total_cents"),
        ({"date": "01/02/2025", "total_cents": 1, "status": "completed"}, "date"),
        ({"total_cents": 1, "status": "completed"}, "date"),
    ],
)
def test_bad_purchases_are_rejected(record: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        compute_totals([record])
    assert err.value.field == field


def test_removing_first_and_last_moves_the_boundaries() -> None:
    a, b, c = (PurchaseFacts(D(2025, 1, d), 100 * d) for d in (1, 10, 20))
    totals = compute_totals([a, b, c])
    t = remove_purchase(totals, a)
    assert (t.first_order_date, t.last_order_date) == (D(2025, 1, 10), D(2025, 1, 20))
    t = remove_purchase(t, c)
    assert (t.first_order_date, t.last_order_date) == (D(2025, 1, 10), D(2025, 1, 10))
    assert remove_purchase(t, b) == CustomerTotals()


def test_change_purchase_status_and_amount() -> None:
    old = PurchaseFacts(D(2025, 1, 1), 1000)
    totals = compute_totals([old, PurchaseFacts(D(2025, 1, 2), 500)])
    refunded = PurchaseFacts(D(2025, 1, 1), 1000, "refunded")
    t = add_purchase(remove_purchase(totals, old), refunded)
    assert (t.order_count, t.total_spent_cents, t.first_order_date) == (1, 500, D(2025, 1, 2))
    t = add_purchase(remove_purchase(t, refunded), PurchaseFacts(D(2024, 12, 31), 700))
    assert (t.order_count, t.total_spent_cents, t.first_order_date) == (2, 1200, D(2024, 12, 31))


def test_removing_an_unknown_purchase_raises() -> None:
    with pytest.raises(ValidationError):
        remove_purchase(CustomerTotals(), PurchaseFacts(D(2025, 1, 1), 5))


def test_storage_round_trip() -> None:
    totals = compute_totals([PurchaseFacts(D(2025, 1, d % 3 + 1), d) for d in range(7)])
    data = totals.to_dict()
    assert data["order_days"] == {"2025-01-01": 3, "2025-01-02": 2, "2025-01-03": 2}
    assert data["total_spent"] == 21 and data["order_count"] == 7
    assert CustomerTotals.from_dict(data) == totals
    assert CustomerTotals.from_dict(None) == CustomerTotals()
    with pytest.raises(ValidationError) as err:
        CustomerTotals.from_dict({**data, "order_count": 8})
    assert err.value.field == "order_count"


def test_record_without_order_days() -> None:
    """A customer document stored without the histogram still reads, and updates stay exact
    except when its first or last order is removed (then it must be recomputed)."""
    doc = {"order_count": 3, "total_spent": 600, "first_order_date": "2025-01-01",
           "last_order_date": "2025-01-31", "email": "x@example.com"}
    totals = CustomerTotals.from_dict(doc)
    assert (totals.order_count, totals.total_spent_cents) == (3, 600)
    assert totals.last_order_date == D(2025, 1, 31) and not totals.has_order_days
    grown = add_purchase(totals, PurchaseFacts(D(2025, 2, 1), 50))
    assert (grown.order_count, grown.last_order_date, grown.order_days) == (4, D(2025, 2, 1), {})
    inner = remove_purchase(totals, PurchaseFacts(D(2025, 1, 15), 200))
    assert (inner.order_count, inner.total_spent_cents) == (2, 400)
    with pytest.raises(ValidationError):
        remove_purchase(totals, PurchaseFacts(D(2025, 1, 31), 200))


purchases = st.builds(
    PurchaseFacts,
    date=st.dates(D(2020, 1, 1), D(2020, 3, 1)),
    total_cents=st.integers(0, 10**9),
    status=st.sampled_from(["completed", "completed", "refunded", "pending"]),
)


@given(st.lists(st.tuples(purchases, st.booleans()), max_size=40), st.randoms())
def test_incremental_equals_from_scratch(
    steps: list[tuple[PurchaseFacts, bool]], rnd
) -> None:
    """Apply adds, and removes of a random stored purchase; compare with a full recompute."""
    stored: list[PurchaseFacts] = []
    totals = CustomerTotals()
    for purchase, remove in steps:
        if remove and stored:
            victim = stored.pop(rnd.randrange(len(stored)))
            totals = remove_purchase(totals, victim)
        else:
            stored.append(purchase)
            totals = add_purchase(totals, purchase)
        assert totals == compute_totals(stored)
    assert CustomerTotals.from_dict(totals.to_dict()) == totals


@given(st.lists(purchases, min_size=1, max_size=20), st.data())
def test_change_equals_from_scratch(stored: list[PurchaseFacts], data) -> None:
    i = data.draw(st.integers(0, len(stored) - 1))
    new = data.draw(purchases)
    totals = add_purchase(remove_purchase(compute_totals(stored), stored[i]), new)
    stored[i] = new
    assert totals == compute_totals(stored)


def _stored(totals: CustomerTotals) -> dict[str, object]:
    """A customer document's totals fields, as the sales service stores them."""
    data = totals.to_dict()
    del data["order_days"]
    return data


@given(st.lists(purchases, max_size=10), st.lists(purchases, max_size=10))
def test_new_orders_leave_what_adding_one_at_a_time_leaves(
    earlier: list[PurchaseFacts], new: list[PurchaseFacts]
) -> None:
    """NewOrders (a bulk writer's shortcut) works on the stored document; adding the same
    purchases one at a time to the totals read from it must store the same fields."""
    document = {**_stored(compute_totals(earlier)), "email": "x@example.com"}
    totals = CustomerTotals.from_dict(document)
    orders = NewOrders()
    for purchase in new:
        totals = add_purchase(totals, purchase)
        orders.add(purchase.date.isoformat(), purchase.total_cents, purchase.status)
    expected = {k: v for k, v in _stored(totals).items() if document.get(k) != v}
    changed = orders.stored_after(document)
    assert {k: v for k, v in changed.items() if document.get(k) != v} == expected
    assert {**document, **changed} == {**document, **_stored(totals)}


def test_new_orders_ignore_dates_left_on_a_customer_without_orders() -> None:
    # from_dict reads a count of 0 as "no orders", whatever dates were left behind.
    orders = NewOrders()
    orders.add("2025-03-01", 500, "Completed")
    orders.add("2025-03-09", 700, "refunded")
    stale = {"order_count": 0, "total_spent": 0, "first_order_date": "2020-01-01",
             "last_order_date": "2020-01-02"}
    assert orders.stored_after(stale) == {"order_count": 1, "total_spent": 500,
                                          "first_order_date": "2025-03-01",
                                          "last_order_date": "2025-03-01"}
    assert NewOrders().stored_after(stale) == {}
