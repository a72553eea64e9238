"""The feedback inbox and the deals' rows are read once per session and then kept from the
commits: another session's feedback, deal moves, customers deleted and restored show up
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


def test_another_sessions_commits_reach_the_inbox_without_a_scan(
        tmp_path: Path, scans: list[str]) -> None:
    path = tmp_path / "crm.db"
    mine = open_session(path)
    ann, bob = _people(mine)
    first = mine.feedback.submit({"customer_id": ann, "rating": 2, "date": "2026-06-01"})
    assert [r.id for r in mine.feedback.inbox()] == [first]
    assert scans == [tables.FEEDBACK]
    other = open_session(path)
    try:
        new = other.feedback.submit({"customer_id": bob, "rating": 5, "date": "2026-06-10"})
        assert [r.id for r in mine.feedback.inbox()] == [new, first]
        other.feedback.resolve(new, "Thanked")
        other.customers.delete(ann)  # her feedback leaves the lists
        assert [(r.id, r.resolved) for r in mine.feedback.inbox()] == [(new, True)]
        other.customers.restore(ann)
        other.feedback.delete(new)
        assert [r.id for r in mine.feedback.inbox()] == [first]
    finally:
        other.close()
    assert scans.count(tables.FEEDBACK) == 1  # the first read only
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
    """Another session submits while this one is part way through its scan: the new
    feedback, and the deletion of a customer whose feedback was already read, are there
    once the scan ends."""
    path = tmp_path / "crm.db"
    mine = open_session(path)
    ann, bob = _people(mine)
    kept = mine.feedback.submit({"customer_id": ann, "rating": 4, "date": "2026-06-01"})
    gone = mine.feedback.submit({"customer_id": bob, "rating": 1, "date": "2026-06-02"})
    mine.db.compact()
    scan = Database.scan
    added: list[int] = []

    def interrupted(self: Database, table: str) -> Iterator[tuple[int, Any]]:
        for n, pair in enumerate(scan(self, table)):
            yield pair
            if n == 0 and not added:
                other = open_session(path)
                added.append(other.feedback.submit({"rating": 5, "date": "2026-06-03"}))
                other.customers.delete(bob)
                other.close()
                self.refresh()  # this session catches up mid-scan, as a poll would

    monkeypatch.setattr(Database, "scan", interrupted)
    assert {r.id for r in mine.feedback.inbox()} == {kept, *added}
    assert gone not in {r.id for r in mine.feedback.inbox()}
    mine.close()


def test_with_the_customer_records_here_the_inbox_reads_no_customer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The inbox's first read asks the session's customer records (the customers screen
    builds them) which customers are live, as the board does: no customer document is
    read, and a deletion and restore in another session still hide and show the rows."""
    path = tmp_path / "crm.db"
    other = open_session(path)
    ann, bob = _people(other)
    hers = other.feedback.submit({"customer_id": ann, "rating": 2, "date": "2026-06-01"})
    his = other.feedback.submit({"customer_id": bob, "rating": 5, "date": "2026-06-02"})
    other.customers.delete(bob)
    other.db.compact()
    mine = open_session(path)
    try:
        mine.segments.membership.records.ensure()
        read = tables_read(mine, monkeypatch)
        assert [r.id for r in mine.feedback.inbox()] == [hers]
        other.customers.restore(bob)
        assert [r.id for r in mine.feedback.inbox()] == [his, hers]
        assert tables.CUSTOMERS not in read
    finally:
        mine.close()
        other.close()
