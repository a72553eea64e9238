"""The board names its cards' customers and leaves out soft-deleted customers' deals from
the session's customer records once they are here (the customers screen builds them),
reading no customer document; before they are, the cards' customers are read at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm_tui.services import pipeline, tables
from crm_tui.services.crm import Crm
from crm_tui.store.table import StoreTable
from crm_tui.tui.screens.pipeline import BoardData, BoardView, board_data

from ..conftest import open_session


@pytest.fixture
def customer_reads(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The reads of customer documents by id from now on (what each asked for)."""
    seen: list[Any] = []
    get = StoreTable.get

    def counted(self: StoreTable, *args: Any, **kwargs: Any) -> Any:
        if self.name == tables.CUSTOMERS:
            seen.append(kwargs or args)
        return get(self, *args, **kwargs)

    monkeypatch.setattr(StoreTable, "get", counted)
    return seen


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[tuple[Crm, Crm, int, int]]:
    """Two sessions on one database, Ann's and Bob's deals in it."""
    path = tmp_path / "crm.db"
    other = open_session(path)
    ann = other.customers.create({"first_name": "Ann", "last_name": "Lee"})
    bob = other.customers.create({"first_name": "Bob", "last_name": "Ray"})
    other.pipeline.create({"customer_id": ann, "name": "Laptops", "value": 120000})
    other.pipeline.create({"customer_id": bob, "name": "Chairs", "value": 50000})
    mine = open_session(path)
    try:
        yield mine, other, ann, bob
    finally:
        mine.close()
        other.close()


def named(data: BoardData) -> dict[str, str]:
    """Each card's deal and customer."""
    return {card.name: card.customer for stage in data.stages for card in stage.cards}


def test_the_board_reads_no_customer_once_the_records_are_here(
        sessions: tuple[Crm, Crm, int, int], customer_reads: list[Any]) -> None:
    mine, other, ann, bob = sessions
    mine.segments.membership.records.ensure()  # as the customers screen does

    def board(view: BoardView) -> dict[str, str]:
        customer_reads.clear()  # the other session's reads too
        shown = named(board_data(mine, view))
        assert customer_reads == []
        return shown

    assert board(BoardView()) == {"Laptops": "Ann Lee", "Chairs": "Bob Ray"}
    other.customers.update(ann, {"first_name": "Anna"})
    other.customers.delete(bob)  # his deal leaves the board
    assert board(BoardView()) == {"Laptops": "Anna Lee"}
    other.customers.restore(bob)
    other.customers.update(bob, {"last_name": "Roy"})
    assert board(BoardView(text="roy")) == {"Chairs": "Bob Roy"}


def test_before_the_records_are_here_the_cards_customers_are_read_at_once(
        sessions: tuple[Crm, Crm, int, int], customer_reads: list[Any]) -> None:
    mine, other, ann, bob = sessions
    customer_reads.clear()
    assert named(board_data(mine, BoardView())) == {"Laptops": "Ann Lee", "Chairs": "Bob Ray"}
    assert customer_reads and all("doc_ids" in read for read in customer_reads)  # batched
    other.customers.update(ann, {"first_name": "Anna"})
    other.customers.delete(bob)
    assert named(board_data(mine, BoardView())) == {"Laptops": "Anna Lee"}
    assert not mine.segments.membership.records.ready  # the board did not build them


def test_a_deals_facts_are_worked_out_again_only_when_it_or_the_settings_change(
        sessions: tuple[Crm, Crm, int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    mine, other, _, _ = sessions
    worked: list[int] = []
    facts = pipeline.deal_facts

    def counted(deal: Any, settings: Any) -> Any:
        worked.append(deal.id)
        return facts(deal, settings)

    monkeypatch.setattr(pipeline, "deal_facts", counted)
    first = board_data(mine, BoardView())
    assert sorted(worked) == [1, 2]  # the header's summary took the board's facts
    worked.clear()
    assert board_data(mine, BoardView()) == first
    assert worked == []
    other.pipeline.move(1, "Proposal")
    moved = board_data(mine, BoardView())
    assert worked == [1]
    assert {c.name: s.name for s in moved.stages for c in s.cards}["Laptops"] == "Proposal"
    worked.clear()
    other.settings.update({"pipeline": {"stale_days": 30}})
    board_data(mine, BoardView())
    assert sorted(worked) == [1, 2]
