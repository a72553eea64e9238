"""Pipeline: stage moves, forecast (seed 001 figures), best case, win rate, stale deals."""

import datetime as dt

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.pipeline import (
    UNSCHEDULED,
    best_case_cents,
    deal_facts,
    default_probability,
    is_stale,
    move_deal,
    next_stage,
    pipeline_summary,
    previous_stage,
    stage_names,
    value_by_stage,
    weighted_forecast_by_month,
    weighted_forecast_cents,
    win_rate,
)
from crm_tui.domain.settings import PipelineSettings

AS_OF = dt.date(2025, 11, 12)


def deal(stage: str, value_cents: int, **extra: object) -> dict:
    return {"stage": stage, "value_cents": value_cents, **extra}


def test_stages_and_default_probabilities() -> None:
    assert stage_names() == ("Prospecting", "Qualification", "Proposal", "Negotiation",
                             "Closed Won", "Closed Lost")
    assert [default_probability(s) for s in stage_names()] == [10, 25, 50, 75, 100, 0]
    assert default_probability("closed won") == 100
    with pytest.raises(ValidationError) as err:
        default_probability("Signed")
    assert err.value.field == "stage"


def test_next_and_previous_stage() -> None:
    assert next_stage("Prospecting") == "Qualification"
    assert next_stage("Negotiation") == "Closed Won"
    assert next_stage("Closed Won") is None and next_stage("Closed Lost") is None
    assert previous_stage("Prospecting") is None
    assert previous_stage("Qualification") == "Prospecting"
    assert previous_stage("Closed Lost") == "Negotiation"


def test_move_resets_probability_to_the_stage_default() -> None:
    moved = move_deal(deal("Prospecting", 1, probability=10), "Proposal", AS_OF)
    assert (moved.stage, moved.probability, moved.probability_manual) == ("Proposal", 50, False)
    assert (moved.status, moved.stage_changed_at, moved.closed_date) == ("open", AS_OF, None)


def test_move_keeps_a_probability_set_by_hand() -> None:
    hand = deal("Qualification", 1, probability=40, probability_manual=True)
    moved = move_deal(hand, "Negotiation", AS_OF)
    assert (moved.probability, moved.probability_manual) == (40, True)
    # Setting one while moving marks it manual.
    moved = move_deal(deal("Prospecting", 1), "Proposal", AS_OF, probability=65)
    assert (moved.probability, moved.probability_manual) == (65, True)
    with pytest.raises(ValidationError) as err:
        move_deal(deal("Prospecting", 1), "Proposal", AS_OF, probability=101)
    assert err.value.field == "probability"


def test_closing_and_reopening() -> None:
    hand = deal("Negotiation", 1, probability=60, probability_manual=True)
    won = move_deal(hand, "Closed Won", AS_OF)
    assert (won.status, won.closed_date, won.probability, won.probability_manual) == (
        "won", AS_OF, 100, False)
    lost = move_deal(hand, "Closed Lost", AS_OF)
    assert (lost.status, lost.closed_date, lost.probability) == ("lost", AS_OF, 0)
    later = AS_OF + dt.timedelta(days=3)
    reopened = move_deal({**hand, **won.to_dict()}, "Negotiation", later)
    assert (reopened.status, reopened.closed_date, reopened.probability) == ("open", None, 75)
    assert reopened.stage_changed_at == later


def test_same_stage_is_not_a_move() -> None:
    moved = move_deal(deal("Proposal", 1, stage_changed_at="2025-10-01"), "Proposal", AS_OF)
    assert moved.stage_changed_at == dt.date(2025, 10, 1)


def test_unknown_target_stage() -> None:
    with pytest.raises(ValidationError) as err:
        move_deal(deal("Proposal", 1), "Won", AS_OF)
    assert err.value.field == "stage"


def test_seed_001_usage_example() -> None:
    # "CRM Software Deal", $15,000 created at Qualification: default probability 25%.
    deals = [deal("Qualification", 1_500_000)]
    assert weighted_forecast_cents(deals) == 375_000
    assert best_case_cents(deals) == 0


def test_seed_001_sample_report() -> None:
    """Three open deals giving the sample report's pipeline $106,950.00, weighted $32,085.00,
    best case $45,000.00 with the default stage probabilities (a closed deal is ignored)."""
    deals = [
        deal("Proposal", 4_500_000),
        deal("Prospecting", 3_935_000),
        deal("Qualification", 2_260_000),
        deal("Closed Won", 9_999_900, status="won"),
    ]
    summary = pipeline_summary(deals)
    assert summary.total_cents == 10_695_000
    assert summary.weighted_cents == 3_208_500
    assert summary.best_case_cents == 4_500_000
    assert summary.open_count == 3
    assert summary.win_rate == 1.0


def test_best_case_edge_and_setting() -> None:
    deals = [deal("Qualification", 100, probability=49), deal("Qualification", 10, probability=50)]
    assert best_case_cents(deals) == 10
    assert best_case_cents(deals, PipelineSettings(best_case_min_probability=40)) == 110


def test_weighted_sum_is_exact_and_rounded_once() -> None:
    # Three 1-cent deals at 50%: 1.5 cents, rounded half-up once -> 2 (per deal would give 3).
    deals = [deal("Proposal", 1) for _ in range(3)]
    assert weighted_forecast_cents(deals) == 2
    assert weighted_forecast_cents([deal("Proposal", 1, probability=33)] * 3) == 1  # 0.99


def test_forecast_by_month() -> None:
    deals = [
        deal("Proposal", 10_000, expected_close_date="2025-12-15"),
        deal("Negotiation", 20_000, expected_close_date="2025-11-30"),
        deal("Prospecting", 5_000, expected_close_date="2025-12-01"),
        deal("Qualification", 4_000),
        deal("Closed Lost", 50_000, expected_close_date="2025-11-01"),
    ]
    assert weighted_forecast_by_month(deals) == {
        "2025-11": 15_000, "2025-12": 5_500, UNSCHEDULED: 1_000,
    }


def test_win_rate() -> None:
    assert win_rate([deal("Proposal", 1)]) is None
    deals = [deal("Closed Won", 1), deal("Closed Won", 1), deal("Closed Lost", 1),
             deal("Proposal", 1)]
    assert win_rate(deals) == pytest.approx(2 / 3)


def test_stale_after_fourteen_idle_days() -> None:
    def since(days: int, **extra: object) -> dict:
        changed = AS_OF - dt.timedelta(days=days)
        return deal("Proposal", 1, stage_changed_at=changed.isoformat(), **extra)

    assert is_stale(since(14), AS_OF) is False
    assert is_stale(since(15), AS_OF) is True
    assert is_stale(since(15, status="won"), AS_OF) is False
    assert is_stale(deal("Proposal", 1, created_at="2025-01-01T09:00:00"), AS_OF) is True
    assert is_stale(since(15), AS_OF, PipelineSettings(stale_days=30)) is False


def test_value_by_stage() -> None:
    deals = [deal("Proposal", 5), deal("Proposal", 7), deal("Closed Won", 1),
             deal("Retired stage", 2)]
    assert value_by_stage(deals) == {
        "Prospecting": 0, "Qualification": 0, "Proposal": 12, "Negotiation": 0,
        "Closed Won": 1, "Closed Lost": 0, "Retired stage": 2,
    }


def test_money_must_be_cents() -> None:
    with pytest.raises(ValidationError) as err:
        weighted_forecast_cents([{"stage": "Proposal", "value": 150.0}])
    assert err.value.field == "value_cents"


def test_a_deals_stage_is_looked_up_in_the_settings_it_is_read_under() -> None:
    deal = {"stage": " proposal ", "value": 1000}
    assert deal_facts(deal).probability == dict(PipelineSettings().stages)["Proposal"]
    renamed = PipelineSettings(stages=(("Lead", 5), ("PROPOSAL", 70), ("Closed Won", 100),
                                       ("Closed Lost", 0)))
    facts = deal_facts(deal, renamed)
    assert (facts.stage, facts.status, facts.probability) == ("PROPOSAL", "open", 70)
    assert deal_facts({"stage": "Closed Won"}, renamed).status == "won"
    gone = deal_facts({"stage": "Negotiation"}, renamed)  # no longer configured: still shown
    assert (gone.stage, gone.status, gone.probability) == ("Negotiation", "open", 0)
