"""Data that cannot be right is refused or not shown: a completed purchase dated after today,
and a closed deal's expected close date shown as if it were when it closed."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_tui.domain.entities.purchase import validate_purchase
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.pipeline import close_text, move_deal

TODAY = dt.date(2026, 6, 15)
ORDER = {"customer_id": 1, "item": "Desk", "total": "120"}


@pytest.mark.parametrize("status", ["completed", "refunded"])
def test_a_purchase_that_happened_cannot_be_dated_ahead(status: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_purchase({**ORDER, "status": status, "date": "2026-06-16"}, today=TODAY)
    assert err.value.field == "date"
    assert "after today (2026-06-15)" in err.value.message


def test_today_and_a_pending_order_for_later_are_fine() -> None:
    assert validate_purchase({**ORDER, "date": "2026-06-15"}, today=TODAY)["date"] == \
        "2026-06-15"
    pending = validate_purchase({**ORDER, "status": "pending", "date": "2026-07-01"},
                                today=TODAY)
    assert pending["date"] == "2026-07-01"


def test_an_edit_cannot_complete_a_pending_order_dated_ahead() -> None:
    stored = validate_purchase({**ORDER, "status": "pending", "date": "2026-07-01"},
                               today=TODAY)
    with pytest.raises(ValidationError) as err:
        validate_purchase({"status": "completed"}, today=TODAY, partial=True, current=stored)
    assert err.value.field == "date"
    edit = validate_purchase({"status": "completed", "date": "2026-06-14"}, today=TODAY,
                             partial=True, current=stored)
    assert (edit["status"], edit["date"]) == ("completed", "2026-06-14")


def test_an_open_deal_shows_its_expected_close_and_a_closed_one_when_it_closed() -> None:
    deal = {"stage": "Proposal", "value": 90000, "expected_close_date": "2026-07-31",
            "stage_changed_at": "2026-06-01"}
    assert close_text(deal) == "close 2026-07-31"
    assert close_text({**deal, "expected_close_date": None}) == "no close date"
    won = {**deal, **move_deal(deal, "Closed Won", TODAY).to_dict()}
    lost = {**deal, **move_deal(deal, "Closed Lost", TODAY).to_dict()}
    assert close_text(won) == close_text(lost) == "closed 2026-06-15"
    assert won["expected_close_date"] == "2026-07-31"  # the forecast, kept for the record
    assert close_text({**won, "closed_date": None}) == "closed"  # closed on a day unrecorded
