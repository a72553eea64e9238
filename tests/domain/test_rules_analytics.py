"""The analytics rules over plain dict records that are not kept aggregates (those are
tested in test_aggregates.py)."""

import datetime as dt

import pytest

from crm_tui.domain.rules.analytics import (
    follow_ups,
    interactions_by_channel,
    month_to_date,
    month_to_date_days,
)

D = dt.date


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
