"""Pipeline service: stage moves and probabilities, closing, board, summary (seed 001)."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_tui.domain.errors import NotFoundError
from crm_tui.domain.rules.pipeline import UNSCHEDULED
from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.pipeline import DealRow, PipelineService

from .conftest import AS_OF, refused_field


@pytest.fixture
def pipeline(crm: Crm) -> PipelineService:
    return PipelineService(crm.ctx, crm.changes)


@pytest.fixture
def acme(crm: Crm) -> int:
    return crm.customers.create({"first_name": "John", "last_name": "Doe",
                                 "email": "john.doe@company.com", "company": "Acme Corp"})


def audit_rows(crm: Crm, entity: str) -> list[dict]:
    return [dict(r) for r in crm.db.table("audit") if r["entity"] == entity]


def test_create_defaults(pipeline: PipelineService, acme: int) -> None:
    deal = pipeline.get(pipeline.create({"customer_id": acme, "name": "CRM Software Deal",
                                         "value": "15000.00"}))
    assert (deal["stage"], deal["probability"], deal["probability_manual"]) == (
        "Prospecting", 10, False)
    assert (deal["status"], deal["owner"], deal["value"]) == ("open", "alice", 1_500_000)
    assert deal["stage_changed_at"] == AS_OF.isoformat() and deal["closed_date"] is None


def test_seed_001_usage_example(pipeline: PipelineService, acme: int) -> None:
    pipeline.create({"customer_id": acme, "name": "CRM Software Deal", "value": 15000.00,
                     "stage": "Qualification", "expected_close_date": "2025-12-31"})
    report = pipeline.summary()
    assert (report.total_cents, report.weighted_cents, report.best_case_cents) == (
        1_500_000, 375_000, 0)
    assert report.forecast_by_month == {"2025-12": 375_000}


def test_seed_001_sample_pipeline(pipeline: PipelineService, acme: int) -> None:
    """The sample report: pipeline $106,950.00, weighted $32,085.00, best case $45,000.00."""
    for name, stage, value in [("A", "Proposal", "45000"), ("B", "Prospecting", "39350"),
                               ("C", "Qualification", "22600"), ("D", "Closed Won", "99999")]:
        pipeline.create({"customer_id": acme, "name": name, "stage": stage, "value": value})
    report = pipeline.summary()
    assert report.total_cents == 10_695_000
    assert report.weighted_cents == 3_208_500
    assert report.best_case_cents == 4_500_000
    assert (report.open_count, report.won_count, report.win_rate) == (3, 1, 1.0)
    assert report.forecast_by_month == {UNSCHEDULED: 3_208_500}
    assert report.value_by_stage["Closed Won"] == 9_999_900


def test_move_proposal_to_negotiation_then_won(pipeline: PipelineService, acme: int) -> None:
    deal = pipeline.create({"customer_id": acme, "name": "Big", "value": 10_000,
                            "stage": "Proposal"})
    pipeline.create({"customer_id": acme, "name": "Lost one", "value": 1, "stage": "Closed Lost"})
    before = pipeline.summary()
    moved = pipeline.move(deal, "Negotiation")
    assert moved["probability"] == 75
    after = pipeline.summary()
    assert after.weighted_cents - before.weighted_cents == 1_000_000 * 25 // 100
    assert before.win_rate == 0.0
    won = pipeline.move(deal, "Closed Won")
    assert (won["status"], won["closed_date"], won["probability"]) == (
        "won", AS_OF.isoformat(), 100)
    assert pipeline.summary().win_rate == 0.5


def test_hand_set_probability_survives_moves(pipeline: PipelineService, acme: int) -> None:
    deal = pipeline.create({"customer_id": acme, "name": "X", "value": 100,
                            "stage": "Qualification", "probability": "40%"})
    assert (pipeline.get(deal)["probability"], pipeline.get(deal)["probability_manual"]) == (
        40, True)
    assert pipeline.move(deal, "Proposal")["probability"] == 40
    assert pipeline.move(deal, "Negotiation")["probability"] == 40
    # Given while moving: hand-set too.
    assert pipeline.move(deal, "Proposal", probability=65)["probability"] == 65
    # Cleared: back to the stage default, which moves follow again.
    cleared = pipeline.update(deal, {"probability": None})
    assert (cleared["probability"], cleared["probability_manual"]) == (50, False)
    assert pipeline.move(deal, "Negotiation")["probability"] == 75


def test_update_probability_and_stage(pipeline: PipelineService, acme: int) -> None:
    deal = pipeline.create({"customer_id": acme, "name": "X", "value": 100})
    edited = pipeline.update(deal, {"probability": 30, "name": "Renamed"})
    assert (edited["name"], edited["probability"], edited["probability_manual"]) == (
        "Renamed", 30, True)
    edited = pipeline.update(deal, {"stage": "Proposal"})
    assert (edited["stage"], edited["probability"]) == ("Proposal", 30)


def test_closing_and_reopening(crm: Crm, pipeline: PipelineService, acme: int) -> None:
    deal = pipeline.create({"customer_id": acme, "name": "X", "value": 100,
                            "stage": "Negotiation", "probability": 60})
    lost = pipeline.move(deal, "Closed Lost")
    assert (lost["status"], lost["probability"], lost["closed_date"]) == (
        "lost", 0, AS_OF.isoformat())
    crm.ctx.clock = Clock.at(AS_OF + dt.timedelta(days=2))
    reopened = pipeline.move(deal, "Negotiation")
    assert (reopened["stage"], reopened["status"], reopened["closed_date"]) == (
        "Negotiation", "open", None)
    assert reopened["probability"] == 75 and reopened["stage_changed_at"] == "2026-06-17"
    # Closing through an edit of the stage follows the same rules.
    won = pipeline.update(deal, {"stage": "won"})
    assert (won["status"], won["probability"], won["closed_date"]) == ("won", 100, "2026-06-17")


def test_board_days_in_stage_and_stale(crm: Crm, pipeline: PipelineService, acme: int) -> None:
    other = crm.customers.create({"first_name": "Jane", "last_name": "Smith"})
    big = pipeline.create({"customer_id": acme, "name": "Big", "value": 900, "stage": "Proposal"})
    small = pipeline.create({"customer_id": other, "name": "Small", "value": 100,
                             "stage": "Proposal", "owner": "bob"})
    pipeline.create({"customer_id": acme, "name": "Done", "stage": "Closed Won"})
    board = pipeline.board(AS_OF + dt.timedelta(days=14))
    assert [c.stage for c in board] == ["Prospecting", "Qualification", "Proposal",
                                        "Negotiation"]
    proposal = board[2]
    assert [c.deal["id"] for c in proposal.cards] == [big, small]  # biggest first
    assert proposal.total_cents == 100_000 and proposal.probability == 50
    assert [(c.days_in_stage, c.stale) for c in proposal.cards] == [(14, False), (14, False)]
    stale = pipeline.board(AS_OF + dt.timedelta(days=15))[2].cards
    assert [(c.days_in_stage, c.stale) for c in stale] == [(15, True), (15, True)]
    # A move restarts the stage clock.
    crm.ctx.clock = Clock.at(AS_OF + dt.timedelta(days=10))
    pipeline.move(big, "Negotiation")
    card = pipeline.board(AS_OF + dt.timedelta(days=15))[3].cards[0]
    assert (card.deal["id"], card.days_in_stage, card.stale) == (big, 5, False)
    # Filters.
    assert [c.deal["id"] for col in pipeline.board(owner="bob") for c in col.cards] == [small]
    assert [c.deal["id"] for col in pipeline.board(customer_id=acme) for c in col.cards] == [big]


def test_soft_deleted_customer(crm: Crm, pipeline: PipelineService, acme: int) -> None:
    pipeline.create({"customer_id": acme, "name": "X", "value": 100})
    crm.customers.delete(acme)
    assert pipeline.summary().open_count == 0
    assert all(not col.cards for col in pipeline.board())
    assert len(pipeline.for_customer(acme)) == 1  # its own history stays
    with pytest.raises(NotFoundError):
        pipeline.create({"customer_id": acme, "name": "Y"})


def test_validation_names_the_field(pipeline: PipelineService, acme: int) -> None:
    cases = [({"customer_id": acme}, "name"), ({"customer_id": acme, "name": "X",
                                                "value": "-5"}, "value"),
             ({"customer_id": acme, "name": "X", "probability": 120}, "probability"),
             ({"customer_id": acme, "name": "X", "stage": "Signed"}, "stage")]
    for data, field in cases:
        assert refused_field(pipeline.create, data) == field
    deal = pipeline.create({"customer_id": acme, "name": "X"})
    assert refused_field(pipeline.move, deal, "Signed") == "stage"
    with pytest.raises(NotFoundError):
        pipeline.create({"customer_id": 999, "name": "X"})


def test_missing_ids(pipeline: PipelineService) -> None:
    for call in (lambda: pipeline.update(42, {"name": "X"}), lambda: pipeline.delete(42),
                 lambda: pipeline.move(42, "Proposal"), lambda: pipeline.get(42)):
        with pytest.raises(NotFoundError):
            call()


def test_writes_are_audited_and_undoable(crm: Crm, pipeline: PipelineService,
                                         acme: int) -> None:
    deal = pipeline.create({"customer_id": acme, "name": "X", "value": 100})
    pipeline.move(deal, "Proposal")
    rows = audit_rows(crm, "opportunities")
    assert [(r["op"], r["who"], r["action"]) for r in rows] == [
        ("create", "alice", "New deal"), ("update", "alice", "Move deal")]
    assert rows[1]["changes"]["stage"] == ["Prospecting", "Proposal"]
    crm.undo()
    assert pipeline.get(deal)["stage"] == "Prospecting"
    pipeline.delete(deal)
    with pytest.raises(NotFoundError):
        pipeline.get(deal)
    crm.undo()
    assert pipeline.get(deal)["name"] == "X"
    crm.undo()
    with pytest.raises(NotFoundError):
        pipeline.get(deal)


def test_noop_edit_writes_nothing(crm: Crm, pipeline: PipelineService, acme: int) -> None:
    deal = pipeline.create({"customer_id": acme, "name": "X", "stage": "Proposal"})
    count = len(crm.db.table("audit"))
    pipeline.update(deal, {"name": "X"})
    pipeline.move(deal, "Proposal")
    assert len(crm.db.table("audit")) == count


def test_closed_board_won_and_lost_latest_closed_first(crm: Crm, pipeline: PipelineService,
                                                       acme: int) -> None:
    other = crm.customers.create({"first_name": "Jane", "last_name": "Smith"})
    pipeline.create({"customer_id": acme, "name": "Open one", "value": 50})
    early = pipeline.create({"customer_id": acme, "name": "Early", "value": 900})
    lost = pipeline.create({"customer_id": other, "name": "Lost", "value": 100})
    pipeline.move(lost, "Closed Lost")
    pipeline.move(early, "Closed Won")
    crm.ctx.clock = Clock.at(AS_OF + dt.timedelta(days=3))
    late = pipeline.create({"customer_id": acme, "name": "Late", "value": 10})
    pipeline.move(late, "Closed Won")
    board = pipeline.board(AS_OF + dt.timedelta(days=5), closed=True)
    assert [c.stage for c in board] == ["Closed Won", "Closed Lost"]
    # Latest closed first, whatever the value; days counted from the close; never stale.
    assert [(c.deal["id"], c.days_in_stage, c.stale) for c in board[0].cards] == [
        (late, 2, False), (early, 5, False)]
    assert [c.deal["id"] for c in board[1].cards] == [lost]
    # One customer's closed deals.
    mine = pipeline.board(AS_OF, customer_id=other, closed=True)
    assert [[c.deal["id"] for c in col.cards] for col in mine] == [[], [lost]]


def test_a_deal_row_holds_each_repeated_string_once() -> None:
    def decoded(stage: str) -> dict[str, object]:  # as each document read brings its own
        return {"customer_id": 1, "name": "Desks", "value": 100, "stage": "".join(stage),
                "owner": "".join("alice"), "expected_close_date": None}

    one, two = DealRow.of(1, decoded("Proposal")), DealRow.of(2, decoded("Proposal"))
    assert one.stage == "Proposal" and one.stage is two.stage and one.owner is two.owner
    assert (one.customer_id, one.value, one.expected_close_date) == (1, 100, None)
