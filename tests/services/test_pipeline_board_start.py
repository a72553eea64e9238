"""The board's first screenful from the figures the store keeps: each column's count and
value, its first cards and the header's summary equal what the board shows once every deal
is read, whatever the deals' days, customers or stages, and after this and other sessions'
commits; the session's customer records are not needed for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_tui.domain.rules.pipeline import pipeline_summary
from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.services.pipeline import BoardColumn, BoardStart

from ..conftest import open_session
from .conftest import AS_OF


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[tuple[Crm, Crm]]:
    """Mine and another."""
    path = tmp_path / "crm.db"
    other = open_session(path)
    mine = open_session(path)
    try:
        yield mine, other
    finally:
        mine.close()
        other.close()


def deals_of(crm: Crm, customer: int, *values: int, stage: str = "Prospecting") -> list[int]:
    return [crm.pipeline.create({"customer_id": customer, "name": f"Deal {value}",
                                 "value": value, "stage": stage}) for value in values]


def shown(columns: list[BoardColumn]) -> list[tuple[str, int, int, list[int]]]:
    return [(c.stage, c.count, c.total_cents, [card.deal.id for card in c.cards])
            for c in columns]


def agrees(crm: Crm, cards: int) -> BoardStart:
    """The first screenful, checked against the board and summary of every deal read."""
    start = crm.pipeline.board_start(cards=cards)
    assert start is not None
    whole = crm.pipeline.board()
    assert shown(start.columns) == [(stage, count, total, ids[:cards])
                                    for stage, count, total, ids in shown(whole)]
    every = crm.pipeline.deals(open_only=False)
    assert start.summary == pipeline_summary(crm.pipeline.facts(every),
                                             crm.ctx.settings.pipeline)
    return start


def test_the_first_cards_and_figures_are_the_boards(sessions: tuple[Crm, Crm]) -> None:
    mine, other = sessions
    ann = other.customers.create({"first_name": "Ann", "last_name": "Lee"})
    bob = other.customers.create({"first_name": "Bob", "last_name": "Ray"})
    deals_of(other, ann, 500, 900, 900, 100)  # a tie in value: the smaller id first
    deals_of(other, bob, 300, stage="Proposal")
    deals_of(other, bob, 700, stage="Closed Won")
    deals_of(other, ann, 200, stage="Closed Lost")
    mine.segments.membership.records.ensure()
    start = agrees(mine, cards=2)
    assert shown(start.columns)[0] == ("Prospecting", 4, 240_000, [2, 3])
    assert (start.summary.open_count, start.summary.won_count, start.summary.lost_count) == (
        5, 1, 1)


def test_deals_of_any_day_no_customer_or_a_stage_no_longer_configured(
        sessions: tuple[Crm, Crm]) -> None:
    mine, other = sessions
    ann = other.customers.create({"first_name": "Ann", "last_name": "Lee"})
    deals_of(other, ann, 400)
    later = other.pipeline.create({"customer_id": ann, "name": "Next year", "value": 800})
    deals = other.db.table(tables.OPPORTUNITIES)
    # Dated after today (the dashboard's figures as of today leave it out; the board not).
    deals.update({"created_at": (AS_OF + dt.timedelta(days=400)).isoformat(),
                  "stage_changed_at": None}, doc_ids=[later])
    nobody = other.pipeline.create({"customer_id": ann, "name": "Nobody's", "value": 50})
    deals.update({"customer_id": None}, doc_ids=[nobody])
    other.pipeline.create({"customer_id": ann, "name": "Old", "value": 70, "stage": "Proposal"})
    other.pipeline.create({"customer_id": ann, "name": "Older", "value": 90,
                           "stage": "Negotiation"})
    other.settings.update({"pipeline": {"stages": {
        "Prospecting": 10, "Qualification": 25, "Closed Won": 100, "Closed Lost": 0}}})
    mine.segments.membership.records.ensure()
    start = agrees(mine, cards=5)
    assert [c.stage for c in start.columns] == ["Prospecting", "Qualification", "Negotiation",
                                                "Proposal"]
    assert later in [card.deal.id for card in start.columns[0].cards]


def test_deleted_and_gone_customers_and_deleted_deals_leave_it(
        sessions: tuple[Crm, Crm]) -> None:
    mine, other = sessions
    ann = other.customers.create({"first_name": "Ann", "last_name": "Lee"})
    bob = other.customers.create({"first_name": "Bob", "last_name": "Ray"})
    cyd = other.customers.create({"first_name": "Cyd", "last_name": "Orr"})
    kept, dropped = deals_of(other, ann, 100, 200)
    deals_of(other, bob, 300, 400)
    deals_of(other, cyd, 500)
    mine.segments.membership.records.ensure()
    agrees(mine, cards=3)
    other.customers.delete(bob)  # soft-deleted: restorable, their deals hidden
    other.db.table(tables.CUSTOMERS).remove(doc_ids=[cyd])  # gone, their deal left behind
    other.pipeline.delete(dropped)
    start = agrees(mine, cards=3)
    assert shown(start.columns)[0] == ("Prospecting", 1, 10_000, [kept])
    other.customers.restore(bob)
    assert shown(agrees(mine, cards=3).columns)[0][:3] == ("Prospecting", 3, 80_000)


def test_moves_of_another_session_and_of_this_one_are_folded_in(
        sessions: tuple[Crm, Crm]) -> None:
    mine, other = sessions
    ann = other.customers.create({"first_name": "Ann", "last_name": "Lee"})
    first, second = deals_of(other, ann, 100, 200)
    mine.segments.membership.records.ensure()
    agrees(mine, cards=1)
    other.pipeline.move(first, "Proposal")
    mine.pipeline.update(second, {"value": "1.50"})
    start = agrees(mine, cards=1)
    assert [(c.stage, c.count) for c in start.columns if c.count] == [
        ("Prospecting", 1), ("Proposal", 1)]
    mine.pipeline.move(second, "Closed Won")
    assert agrees(mine, cards=1).summary.won_count == 1


def test_before_the_customer_records_are_here_they_are_not_built(
        sessions: tuple[Crm, Crm]) -> None:
    mine, other = sessions
    ann = other.customers.create({"first_name": "Ann", "last_name": "Lee"})
    bob = other.customers.create({"first_name": "Bob", "last_name": "Ray"})
    deals_of(other, ann, 100, 300)
    deals_of(other, bob, 200)
    other.customers.delete(bob)
    start = mine.pipeline.board_start(cards=5)
    assert not mine.segments.membership.records.ready
    assert shown(start.columns)[0] == ("Prospecting", 2, 40_000, [2, 1])
    assert agrees(mine, cards=5) == start
