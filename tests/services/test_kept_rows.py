"""The tasks' and the deals' rows are read once per session and then kept from the
commits: another session's tasks, deal moves, customers deleted and restored show up
without a second scan of the table (a scan per commit cost each session about a second
at 100,000 customers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.store import Database

from ..conftest import open_session
from .conftest import tables_read


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables every session scans from now on."""
    seen: list[str] = []
    scan = Database.scan

    def counted(self: Database, table: str) -> Iterator[tuple[int, Any]]:
        seen.append(table)
        return scan(self, table)

    monkeypatch.setattr(Database, "scan", counted)
    return seen


def _people(crm: Crm) -> tuple[int, int]:
    return (crm.customers.create({"first_name": "Ann", "last_name": "Lee"}),
            crm.customers.create({"first_name": "Bob", "last_name": "Ray"}))


def _task_ids(crm: Crm) -> list[int]:
    return sorted(r.id for r in crm.tasks.rows())


def test_another_sessions_commits_reach_the_tasks_rows_without_a_scan(
        tmp_path: Path, scans: list[str]) -> None:
    path = tmp_path / "crm.db"
    mine = open_session(path)
    ann, bob = _people(mine)
    first = mine.tasks.create({"customer_id": ann, "title": "Call", "due_date": "2026-06-01"})
    assert _task_ids(mine) == [first]
    assert scans == [tables.TASKS]
    other = open_session(path)
    try:
        new = other.tasks.create({"customer_id": bob, "title": "Send", "due_date": "2026-06-10"})
        assert _task_ids(mine) == [first, new]
        other.tasks.complete(new)
        other.customers.delete(ann)  # her tasks leave the lists
        assert [(r.id, r.status) for r in mine.tasks.rows()] == [(new, "done")]
        other.customers.restore(ann)
        other.tasks.delete(new)
        assert _task_ids(mine) == [first]
    finally:
        other.close()
    assert scans.count(tables.TASKS) == 1  # the first read only
    mine.close()


def test_the_board_follows_moves_and_deletions_without_a_scan(
        tmp_path: Path, scans: list[str]) -> None:
    path = tmp_path / "crm.db"
    mine = open_session(path)
    ann, bob = _people(mine)
    deal = mine.pipeline.create({"customer_id": ann, "name": "Renewal", "value": 100})
    assert [d.stage for d in mine.pipeline.deals()] == ["Prospecting"]
    other = open_session(path)
    try:
        other.pipeline.move(deal, "Proposal")
        later = other.pipeline.create({"customer_id": bob, "name": "Upsell", "value": 50})
        assert [(d.id, d.stage) for d in mine.pipeline.deals()] == [
            (later, "Prospecting"), (deal, "Proposal")]
        other.customers.delete(bob)
        assert [d.id for d in mine.pipeline.deals()] == [deal]
    finally:
        other.close()
    assert scans.count(tables.OPPORTUNITIES) == 1
    mine.close()


def test_a_commit_met_during_the_first_read_is_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another session adds a task while this one is part way through its scan: the new
    task, and the deletion of a customer whose task was already read, are there once the
    scan ends."""
    path = tmp_path / "crm.db"
    mine = open_session(path)
    ann, bob = _people(mine)
    kept = mine.tasks.create({"customer_id": ann, "title": "Call", "due_date": "2026-06-01"})
    gone = mine.tasks.create({"customer_id": bob, "title": "Send", "due_date": "2026-06-02"})
    mine.db.compact()
    scan = Database.scan
    added: list[int] = []

    def interrupted(self: Database, table: str) -> Iterator[tuple[int, Any]]:
        for n, pair in enumerate(scan(self, table)):
            yield pair
            if n == 0 and not added:
                other = open_session(path)
                added.append(other.tasks.create({"title": "Plan", "due_date": "2026-06-03"}))
                other.customers.delete(bob)
                other.close()
                self.refresh()  # this session catches up mid-scan, as a poll would

    monkeypatch.setattr(Database, "scan", interrupted)
    assert set(_task_ids(mine)) == {kept, *added}
    assert gone not in _task_ids(mine)
    mine.close()


def test_with_the_customer_records_here_the_tasks_rows_read_no_customer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tasks' first read asks the session's customer records (the customers screen
    builds them) which customers are live, as the board does: no customer document is
    read, and a deletion and restore in another session still hide and show the rows."""
    path = tmp_path / "crm.db"
    other = open_session(path)
    ann, bob = _people(other)
    hers = other.tasks.create({"customer_id": ann, "title": "Call", "due_date": "2026-06-01"})
    his = other.tasks.create({"customer_id": bob, "title": "Send", "due_date": "2026-06-02"})
    other.customers.delete(bob)
    other.db.compact()
    mine = open_session(path)
    try:
        mine.segments.membership.records.ensure()
        read = tables_read(mine, monkeypatch)
        assert _task_ids(mine) == [hers]
        other.customers.restore(bob)
        assert _task_ids(mine) == [hers, his]
        assert tables.CUSTOMERS not in read
    finally:
        mine.close()
        other.close()
