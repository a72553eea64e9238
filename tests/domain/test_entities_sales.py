"""Products, purchases and opportunities: money in cents and the fields that follow others."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crm_tui.domain.entities.opportunity import STAGES, stage_status, validate_opportunity
from crm_tui.domain.entities.product import product_key, validate_product
from crm_tui.domain.entities.purchase import validate_purchase
from crm_tui.domain.errors import ValidationError

TODAY = date(2024, 5, 1)


def errors(validate: Any, data: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as err:
        validate(data, today=TODAY, **kwargs)
    return err.value.errors


# Products


def test_product() -> None:
    product = validate_product(
        {"name": "  CRM  License ", "price": "$999.99", "active": "no"}, today=TODAY
    )
    assert product == {
        "name": "CRM License",
        "category": None,
        "price": 99999,
        "description": None,
        "active": False,
    }


def test_product_errors() -> None:
    assert set(errors(validate_product, {"price": "-1"})) == {"name", "price"}
    assert "negative" in errors(validate_product, {"name": "x", "price": "-1"})["price"]
    assert errors(validate_product, {"name": "x"})["price"].startswith(
        "is required: expected an amount"
    )


def test_product_key_ignores_case_and_spacing() -> None:
    assert product_key("  Laptop   PRO ") == product_key("laptop pro") == "laptop pro"


# Purchases


def test_total_is_quantity_times_unit_price() -> None:
    purchase = validate_purchase(
        {"customer_id": "3", "item": "Laptop", "quantity": "3", "unit_price": "999.99"}, today=TODAY
    )
    assert purchase == {
        "customer_id": 3,
        "product_id": None,
        "item": "Laptop",
        "quantity": 3,
        "unit_price": 99999,
        "total": 299997,
        "date": "2024-05-01",
        "payment_method": None,
        "status": "completed",
        "external_id": None,
    }


def test_given_total_is_kept_and_unit_price_derived() -> None:
    discounted = validate_purchase(
        {"customer_id": 1, "product_id": 2, "quantity": 2, "unit_price": 10, "total": "15"},
        today=TODAY,
    )
    assert discounted["total"] == 1500 and discounted["unit_price"] == 1000
    legacy = validate_purchase({"customer_id": 1, "item": "Laptop", "total": 1200}, today=TODAY)
    assert (legacy["quantity"], legacy["unit_price"], legacy["total"]) == (1, 120000, 120000)
    split = validate_purchase(
        {"customer_id": 1, "item": "x", "quantity": 3, "total": "10.00"}, today=TODAY
    )
    assert split["unit_price"] == 333


def test_free_items_are_valid_orders() -> None:
    free = validate_purchase({"customer_id": 1, "item": "Sample", "unit_price": 0}, today=TODAY)
    assert free["total"] == 0


def test_purchase_errors() -> None:
    assert errors(validate_purchase, {"customer_id": 1}) == {
        "item": "is required when no product is given: say what was bought",
        "unit_price": "is required (or give the total): expected an amount like 1200, "
        "1,200.50 or $99.99 (at most 2 decimals)",
    }
    bad = errors(
        validate_purchase,
        {
            "customer_id": 0,
            "item": "x",
            "quantity": 0,
            "unit_price": "1.001",
            "total": "-5",
            "status": "lost",
            "date": "someday",
        },
    )
    assert set(bad) == {"customer_id", "quantity", "unit_price", "total", "status", "date"}
    assert bad["quantity"] == "must be a whole number from 1 to 1000000; got 0"
    assert "YYYY-MM-DD" in bad["date"]
    assert "customer_id" in errors(validate_purchase, {"item": "x", "unit_price": 1})
    too_big = errors(
        validate_purchase,
        {"customer_id": 1, "item": "x", "quantity": 1_000_000, "unit_price": "999,999,999"},
    )
    assert "too large" in too_big["total"]


def test_purchase_enums() -> None:
    purchase = validate_purchase(
        {
            "customer_id": 1,
            "item": "x",
            "unit_price": 1,
            "status": "Refunded",
            "payment_method": "Credit Card",
            "date": "-3d",
        },
        today=TODAY,
    )
    assert purchase["status"] == "refunded"
    assert purchase["payment_method"] == "credit_card"
    assert purchase["date"] == "2024-04-28"


def test_editing_quantity_recomputes_the_total() -> None:
    stored = validate_purchase(
        {"customer_id": 1, "item": "x", "quantity": 2, "unit_price": 5}, today=TODAY
    )
    assert validate_purchase({"quantity": 3}, today=TODAY, partial=True, current=stored) == {
        "quantity": 3,
        "total": 1500,
    }
    assert validate_purchase(
        {"unit_price": 4, "total": 7}, today=TODAY, partial=True, current=stored
    ) == {"unit_price": 400, "total": 700}
    assert validate_purchase({"status": "refunded"}, today=TODAY, partial=True, current=stored) == {
        "status": "refunded"
    }


# Opportunities


def deal(**fields: Any) -> dict[str, Any]:
    return validate_opportunity({"customer_id": 1, "name": "Deal", **fields}, today=TODAY)


def test_new_deal_defaults() -> None:
    assert deal(value="15,000") == {
        "customer_id": 1,
        "name": "Deal",
        "value": 1500000,
        "stage": "Prospecting",
        "probability": 10,
        "probability_manual": False,
        "expected_close_date": None,
        "status": "open",
        "closed_date": None,
        "owner": None,
        "stage_changed_at": "2024-05-01",
    }


@pytest.mark.parametrize(
    ("written", "stage"),
    [
        ("negotiation", "Negotiation"),
        ("CLOSED WON", "Closed Won"),
        ("closed-lost", "Closed Lost"),
        ("won", "Closed Won"),
        ("qualified", "Qualification"),
    ],
)
def test_stages_are_case_insensitive(written: str, stage: str) -> None:
    assert deal(stage=written)["stage"] == stage


def test_stage_defaults_and_status() -> None:
    expected = dict(zip(STAGES, (10, 25, 50, 75, 100, 0), strict=True))
    for stage, probability in expected.items():
        result = deal(stage=stage)
        assert result["probability"] == probability
        assert result["status"] == stage_status(stage)
        assert (result["closed_date"] is not None) == (stage_status(stage) != "open")


def test_closing_status_moves_the_stage() -> None:
    lost = deal(status="lost")
    assert (lost["stage"], lost["probability"], lost["closed_date"]) == (
        "Closed Lost",
        0,
        "2024-05-01",
    )
    assert deal(status="won", closed_date="2024-04-02")["closed_date"] == "2024-04-02"


def test_inconsistent_stage_and_status_is_an_error() -> None:
    assert errors(
        validate_opportunity, {"customer_id": 1, "name": "D", "stage": "Proposal", "status": "won"}
    ) == {"status": "must be open when the stage is Proposal, not won"}


def test_open_deal_has_no_closed_date() -> None:
    assert deal(stage="Proposal", closed_date="2024-01-01")["closed_date"] is None


def test_manual_probability() -> None:
    hand_set = deal(stage="Proposal", probability="60%")
    assert (hand_set["probability"], hand_set["probability_manual"]) == (60, True)
    same_as_default = deal(stage="Proposal", probability=50)
    assert same_as_default["probability_manual"] is False
    forced_default = deal(stage="Proposal", probability=60, probability_manual="no")
    assert forced_default["probability"] == 50
    closed = deal(stage="Closed Won", probability=30, probability_manual=True)
    assert (closed["probability"], closed["probability_manual"]) == (100, False)
    assert (
        "0 to 100"
        in errors(validate_opportunity, {"customer_id": 1, "name": "D", "probability": 101})[
            "probability"
        ]
    )


def test_moving_a_deal_resets_probability_unless_hand_set() -> None:
    later = date(2024, 5, 9)
    stored = deal()
    moved = validate_opportunity({"stage": "Proposal"}, today=later, partial=True, current=stored)
    assert moved == {"stage": "Proposal", "probability": 50, "stage_changed_at": "2024-05-09"}
    hand_set = {
        **stored,
        **validate_opportunity({"probability": 60}, today=TODAY, partial=True, current=stored),
    }
    assert hand_set["probability_manual"] is True
    moved = validate_opportunity(
        {"stage": "Negotiation"}, today=later, partial=True, current=hand_set
    )
    assert moved == {"stage": "Negotiation", "stage_changed_at": "2024-05-09"}
    won = validate_opportunity({"stage": "closed won"}, today=later, partial=True, current=hand_set)
    assert won == {
        "stage": "Closed Won",
        "probability": 100,
        "probability_manual": False,
        "status": "won",
        "closed_date": "2024-05-09",
        "stage_changed_at": "2024-05-09",
    }
    reopened = validate_opportunity(
        {"stage": "Negotiation"}, today=later, partial=True, current={**hand_set, **won}
    )
    assert (
        reopened["status"] == "open"
        and reopened["closed_date"] is None
        and reopened["probability"] == 75
    )


def test_resubmitting_the_same_stage_keeps_its_date() -> None:
    stored = deal(stage="Proposal")
    assert validate_opportunity(
        {"stage": "proposal"}, today=date(2024, 6, 1), partial=True, current=stored
    ) == {"stage": "Proposal"}
