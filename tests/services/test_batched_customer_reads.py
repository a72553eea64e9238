"""Lists naming or filtering each record's customer (the pipeline board, the feedback
inbox, the agenda) read those customers a batch at a time, never all at once: at 100k
customers one read of every deal's customer held over 100 MB for the rest of the session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crm_tui.services import records, tables
from crm_tui.services.crm import Crm
from crm_tui.store import StoreTable
from crm_tui.tui.screens.pipeline import BoardView, board_data

from ..conftest import open_session

PEOPLE = 7
BATCH = 3  # smaller than PEOPLE, so a complete answer needs several batches


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Crm:
    crm = open_session(tmp_path / "crm.db")
    ids = [crm.customers.create({"first_name": f"P{n}", "last_name": "Lee"})
           for n in range(PEOPLE)]
    for n, who in enumerate(ids):
        crm.pipeline.create({"customer_id": who, "name": f"Deal {n}", "value": 100 + n})
        crm.feedback.submit({"customer_id": who, "rating": 1 + n % 5, "date": "2026-06-01"})
    crm.customers.delete(ids[0])
    crm.db.compact()
    monkeypatch.setattr(records, "BATCH", BATCH)
    return crm


def _requests(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many customers each read of several asked for."""
    sizes: list[int] = []
    get = StoreTable.get

    def counted(self: StoreTable, *args: Any, **kwargs: Any) -> Any:
        if self.name == tables.CUSTOMERS and kwargs.get("doc_ids") is not None:
            kwargs["doc_ids"] = list(kwargs["doc_ids"])
            sizes.append(len(kwargs["doc_ids"]))
        return get(self, *args, **kwargs)

    monkeypatch.setattr(StoreTable, "get", counted)
    return sizes


def test_the_board_reads_its_customers_in_batches(
        seeded: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    crm = seeded
    sizes = _requests(monkeypatch)
    data = board_data(crm, BoardView())
    cards = [card for stage in data.stages for card in stage.cards]
    assert sorted(c.customer for c in cards) == [f"P{n} Lee" for n in range(1, PEOPLE)]
    assert sizes and max(sizes) <= BATCH
    crm.close()


def test_the_inbox_and_its_names_read_customers_in_batches(
        seeded: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    crm = seeded
    sizes = _requests(monkeypatch)
    inbox = crm.feedback.rows(crm.feedback.inbox().ids).values()
    names = crm.customers.display_names(f.customer_id for f in inbox)
    assert sorted(names.values()) == [f"P{n} Lee" for n in range(1, PEOPLE)]
    assert len(inbox) == PEOPLE - 1  # not the deleted customer's
    assert sizes and max(sizes) <= BATCH
    crm.close()
