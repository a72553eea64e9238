"""Demo data: deterministic, realistic, and enough of it that every screen has something."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm_tui.domain.entities.customer import CUSTOMER_TYPES
from crm_tui.domain.entities.interaction import CHANNELS
from crm_tui.domain.entities.opportunity import STAGES
from crm_tui.domain.errors import ValidationError
from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.demo import DemoSummary, fill_demo
from crm_tui.services.to_do import to_do
from tests.conftest import AS_OF

CUSTOMERS = 300


def open_crm(path: Path) -> Crm:
    return Crm.open(path / "crm.db", clock=Clock.at(AS_OF), staff="alice")


def documents(crm: Crm) -> dict[str, dict[int, dict[str, Any]]]:
    """Every document of every table, by table and id."""
    return {name: {doc.doc_id: dict(doc) for doc in crm.db.table(name)}
            for name in sorted(crm.db.tables())}


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Crm, DemoSummary]]:
    crm = open_crm(tmp_path_factory.mktemp("demo"))
    summary = fill_demo(crm, customers=CUSTOMERS, seed=7, as_of=AS_OF)
    yield crm, summary
    crm.close()


@pytest.fixture
def demo(filled: tuple[Crm, DemoSummary]) -> Crm:
    return filled[0]


def all_of(crm: Crm, table: str) -> list[dict[str, Any]]:
    return [dict(doc) for doc in crm.db.table(table)]


# ----- determinism --------------------------------------------------------------------------
def test_same_seed_and_date_give_identical_documents(filled: tuple[Crm, DemoSummary],
                                                     tmp_path: Path) -> None:
    crm, summary = filled
    other = open_crm(tmp_path)
    # The other session's clock differs: only as_of decides the data.
    other.ctx.clock = Clock.at(dt.date(2030, 1, 1))
    assert fill_demo(other, customers=CUSTOMERS, seed=7, as_of=AS_OF) == summary
    assert documents(other) == documents(crm)
    other.close()


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    one, two = open_crm(tmp_path / "one"), open_crm(tmp_path / "two")
    fill_demo(one, customers=20, seed=1, as_of=AS_OF)
    fill_demo(two, customers=20, seed=2, as_of=AS_OF)
    assert documents(one)["customers"] != documents(two)["customers"]


def test_as_of_defaults_to_the_session_today_and_the_session_is_left_as_it_was(
        crm: Crm) -> None:
    clock = crm.ctx.clock
    summary = fill_demo(crm, customers=10)
    assert summary.as_of == AS_OF
    assert crm.ctx.clock is clock and crm.ctx.clock.today() == AS_OF
    assert crm.changes.undo_labels == []  # demo data is not an undoable change


# ----- refusing ------------------------------------------------------------------------------
def test_refuses_a_database_with_customers(crm: Crm) -> None:
    crm.customers.create({"first_name": "Existing"})
    with pytest.raises(ValidationError) as err:
        fill_demo(crm, customers=5)
    assert err.value.field == "database"
    assert len(crm.customers.table) == 1 and len(crm.db.table("products")) == 0


def test_force_adds_to_existing_data_without_clashes(crm: Crm) -> None:
    fill_demo(crm, customers=30, seed=3)
    summary = fill_demo(crm, customers=30, seed=3, force=True)  # the very same people again
    assert summary.customers == 30 and summary.products == 0 and summary.segments == 0
    emails = [c["email"] for c in crm.customers.all() if c.get("email")]
    assert len(emails) == len(set(emails))
    assert len(list(crm.customers.all())) == 60


def test_rejects_a_bad_count(crm: Crm) -> None:
    with pytest.raises(ValidationError) as err:
        fill_demo(crm, customers=-1)
    assert err.value.field == "customers"


def test_reports_progress_per_chunk(crm: Crm) -> None:
    seen: list[tuple[int, int]] = []
    fill_demo(crm, customers=12, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(12, 12)]


# ----- every screen has data ------------------------------------------------------------------
def test_summary_counts_what_was_written(filled: tuple[Crm, DemoSummary]) -> None:
    crm, summary = filled
    assert summary.customers == CUSTOMERS == len(crm.customers.table)
    assert summary.purchases == len(crm.db.table("purchases"))
    assert summary.interactions == len(crm.db.table("interactions"))
    assert summary.opportunities == len(crm.db.table("opportunities"))
    assert summary.tasks == len(crm.db.table("tasks"))
    assert summary.feedback == len(crm.db.table("feedback"))
    assert 14 <= summary.products <= 20 and summary.segments == 4
    assert summary.purchases > 2 * CUSTOMERS and summary.interactions > 2 * CUSTOMERS


def test_customers_of_every_kind(demo: Crm) -> None:
    customers = list(demo.customers.all())
    assert {c["kind"] for c in customers} == {"individual", "corporate"}
    assert set(CUSTOMER_TYPES) <= {c["customer_type"] for c in customers}
    assert {c["status"] for c in customers} == {"active", "inactive"}
    assert len({c["source"] for c in customers}) >= 5
    tags = Counter(tag for c in customers for tag in c["tags"])
    assert {"vip", "newsletter", "b2b", "trade-show", "referral", "complaint"} <= set(tags)
    for c in customers:
        assert sum(a["is_default"] for a in c["addresses"]) == 1
    preferences = [c["preferences"] for c in customers]
    assert any(p["do_not_contact"] for p in preferences)
    assert any(p["gdpr_consent"] for p in preferences)
    assert any(not p["email_opt_in"] for p in preferences)
    notes = [n for c in customers for n in c["notes"]]
    assert any(n["pinned"] for n in notes) and any(not n["pinned"] for n in notes)
    assert any(c.get("segment_override") for c in customers) or len(customers) < 500


def test_every_lifecycle_and_rfm_segment_has_members(demo: Crm) -> None:
    counts = {(c.kind, c.name): c.count for c in demo.segments.counts(AS_OF)}
    for kind in ("lifecycle", "rfm"):
        empty = [name for (k, name), n in counts.items() if k == kind and n == 0]
        assert empty == [], f"empty {kind} segments"


def test_custom_segments_have_members(demo: Crm) -> None:
    segments = {s["name"]: s["count"] for s in demo.segments.all()}
    assert set(segments) == {"Big spenders", "Casablanca & Rabat", "Churn watch",
                             "Newsletter VIPs"}
    assert all(count > 0 for count in segments.values()), segments


def test_purchases_spread_over_two_years_with_refunds_and_pending(demo: Crm) -> None:
    purchases = all_of(demo, "purchases")
    days = sorted(p["date"] for p in purchases)
    assert days[0] >= (AS_OF - dt.timedelta(days=731)).isoformat()
    assert days[-1] <= AS_OF.isoformat()
    assert days[0] <= (AS_OF - dt.timedelta(days=600)).isoformat()
    assert {p["status"] for p in purchases} == {"completed", "refunded", "pending"}
    ledger = Counter(e["kind"] for e in all_of(demo, "ledger"))
    assert ledger["earn"] and ledger["redeem"] and ledger["adjust"]


def test_totals_follow_the_purchases(demo: Crm) -> None:
    completed = Counter(p["customer_id"] for p in all_of(demo, "purchases")
                        if p["status"] == "completed")
    for customer in demo.customers.all():
        assert customer["order_count"] == completed[customer["id"]]


def test_interactions_on_every_channel_with_follow_ups_due_and_overdue(demo: Crm) -> None:
    interactions = all_of(demo, "interactions")
    assert {i["channel"] for i in interactions} == set(CHANNELS)
    assert {i["direction"] for i in interactions} == {"inbound", "outbound"}
    agenda = to_do(demo, "team", AS_OF)
    assert agenda.follow_ups.due and agenda.follow_ups.overdue
    assert agenda.tasks.due and agenda.tasks.overdue
    assert demo.interactions.follow_ups(AS_OF).upcoming
    assert demo.tasks.agenda(AS_OF).upcoming
    statuses = {t["status"] for t in all_of(demo, "tasks")}
    assert {"open", "in_progress", "done", "cancelled"} <= statuses
    assert any(t["customer_id"] is None for t in all_of(demo, "tasks"))


def test_deals_in_every_stage_some_stale(demo: Crm) -> None:
    deals = demo.pipeline.deals(open_only=False)
    assert {d["stage"] for d in deals} == set(STAGES)
    figures = demo.analytics.pipeline(AS_OF)
    assert figures.stale_ids and figures.summary.win_rate is not None
    assert any(d.get("probability_manual") for d in deals) or len(deals) < 100


def test_feedback_of_every_rating_some_resolved_some_anonymous(demo: Crm) -> None:
    feedback = all_of(demo, "feedback")
    assert {f["rating"] for f in feedback} == {1, 2, 3, 4, 5}
    assert any(f["resolved"] for f in feedback) and any(not f["resolved"] for f in feedback)
    assert any(f["customer_id"] is None for f in feedback)
    assert demo.analytics.nps(as_of=AS_OF).score is not None


def test_records_are_stamped_when_their_story_says(demo: Crm) -> None:
    noon = f"{AS_OF.isoformat()}T12:00:00"
    for table in ("customers", "purchases", "interactions", "opportunities", "tasks"):
        stamps = sorted(d["created_at"] for d in all_of(demo, table))
        assert stamps[-1] <= noon, table
        assert stamps[0] < (AS_OF - dt.timedelta(days=60)).isoformat(), table
    purchases = all_of(demo, "purchases")
    assert all(p["created_at"][:10] == p["date"] for p in purchases)
    staff = {i["staff"] for i in all_of(demo, "interactions")}
    assert "alice" in staff and len(staff) > 1


def test_audited_as_demo_data_batches(demo: Crm) -> None:
    audit = all_of(demo, "audit")
    assert audit and all(e["action"] == "Demo data" and e["op"] == "batch" for e in audit)
    assert {e["who"] for e in audit} == {"alice"}
