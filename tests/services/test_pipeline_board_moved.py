"""The whole board follows the deals written since it was read (`rows_since`,
`board_moved`) without reading every deal: its columns equal the board read afresh after
moves, wins, reopenings and value changes of this and another session, a deal written
before the read being folded twice changes nothing; a customer's commit asks for every
deal again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.pipeline import BoardColumn, DealRow

from ..conftest import open_session
from .test_pipeline_board_start import deals_of, shown


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[tuple[Crm, Crm, int]]:
    """Mine and another, and a customer with deals in two stages."""
    path = tmp_path / "crm.db"
    with closing(open_session(path)) as other:
        ann = other.customers.create({"first_name": "Ann", "last_name": "Lee"})
        deals_of(other, ann, 300, 100, 200, 100)
        deals_of(other, ann, 500, 50, stage="Proposal")
        deals_of(other, ann, 70, stage="Closed Won")
        with closing(open_session(path)) as mine:
            yield mine, other, ann


def read(crm: Crm) -> tuple[list[BoardColumn], dict[int, DealRow], int]:
    """The whole board as the screen reads it: the mark, then every deal."""
    mark = crm.pipeline.rows_mark()
    columns = crm.pipeline.board(deals=crm.pipeline.rows())
    return columns, {c.deal.id: c.deal for column in columns for c in column.cards}, mark


def folded(crm: Crm, columns: list[BoardColumn], was: dict[int, DealRow],
           mark: int) -> tuple[list[BoardColumn], dict[int, DealRow], int]:
    since = crm.pipeline.rows_since(mark)
    assert since is not None
    changed, mark = since
    moved = crm.pipeline.board_moved(columns, changed, was)
    assert moved is not None
    kept = {i: d for i, d in was.items() if i not in changed}
    kept.update((c.deal.id, c.deal) for column in moved for c in column.cards
                if c.deal.id in changed)
    return moved, kept, mark


def test_moves_of_both_sessions_are_folded_as_the_board_reads_them(
        sessions: tuple[Crm, Crm, int]) -> None:
    mine, other, _ = sessions
    columns, was, mark = read(mine)
    mine.pipeline.move(2, "Proposal")  # a small deal among bigger ones
    other.pipeline.move(5, "Closed Won")  # leaves the board
    other.pipeline.move(7, "Proposal")  # reopened: comes back
    other.pipeline.update(3, {"value": 9})  # same stage, another place in it
    untouched = next(c for c in columns if c.stage == "Negotiation")  # no deal there
    columns, was, mark = folded(mine, columns, was, mark)
    assert shown(columns) == shown(mine.pipeline.board())
    assert any(c is untouched for c in columns)  # a column no move touched: not rebuilt
    mine.pipeline.move(1, "Negotiation")
    columns, was, mark = folded(mine, columns, was, mark)
    assert shown(columns) == shown(mine.pipeline.board())


def test_a_deal_written_while_the_board_was_read_is_folded_once(
        sessions: tuple[Crm, Crm, int]) -> None:
    mine, other, _ = sessions
    mark = mine.pipeline.rows_mark()
    other.pipeline.move(2, "Proposal")  # after the mark, before every deal is read
    columns = mine.pipeline.board(deals=mine.pipeline.rows())
    was = {c.deal.id: c.deal for column in columns for c in column.cards}
    again, _, _ = folded(mine, columns, was, mark)
    assert shown(again) == shown(columns) == shown(mine.pipeline.board())


def test_a_customers_commit_asks_for_every_deal_again(sessions: tuple[Crm, Crm, int]) -> None:
    mine, other, ann = sessions
    _, _, mark = read(mine)
    other.customers.update(ann, {"last_name": "Ray"})  # the cards name the customer
    assert mine.pipeline.rows_since(mark) is None
    _, _, mark = read(mine)
    other.pipeline.move(1, "Proposal")
    since = mine.pipeline.rows_since(mark)
    assert since is not None and list(since[0]) == [1]
