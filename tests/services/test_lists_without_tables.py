"""The pipeline board and the feedback inbox of a new session read their records without
loading the deals, feedback or customers tables (a loaded table stays in memory for the
session), and say what a session holding those tables says."""

from __future__ import annotations

from pathlib import Path

from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.tui.screens.pipeline import BoardData, BoardView, board_data

from ..conftest import open_session

READ = (tables.OPPORTUNITIES, tables.FEEDBACK, tables.CUSTOMERS)


def _seeded(path: Path) -> None:
    """Deals and feedback in the snapshots, more changes in the journal after them."""
    crm = open_session(path)
    ann = crm.customers.create({"first_name": "Ann", "last_name": "Lee"})
    bob = crm.customers.create({"first_name": "Bob", "last_name": "Ray"})
    gone = crm.customers.create({"first_name": "Gone"})
    for n, who in enumerate((ann, bob, gone, ann)):
        crm.pipeline.create({"customer_id": who, "name": f"Deal {n}", "value": 1000 * (n + 1),
                             "owner": "alice" if n % 2 else "bob"})
        crm.feedback.submit({"customer_id": who, "rating": 1 + n, "recommend_score": 2 * n,
                             "date": f"2026-06-0{n + 1}"})
    crm.db.compact()
    late = crm.pipeline.create({"customer_id": bob, "name": "Late deal", "value": 500})
    crm.pipeline.move(late, "Closed Won")
    crm.pipeline.move(crm.pipeline.deals()[0].id, "Qualification")
    crm.feedback.resolve(crm.feedback.inbox().ids[0], "Called back")
    crm.feedback.submit({"rating": 5, "date": "2026-06-09"})  # anonymous
    crm.customers.delete(gone)
    crm.close()


def _board(crm: Crm) -> list[BoardData]:
    return [board_data(crm, BoardView(owner=owner, closed=closed, text=text))
            for owner in (None, "alice") for closed in (False, True) for text in ("", "ann")]


def _loaded(crm: Crm) -> set[str]:
    return {name for name in READ if crm.db.engine.state(name).docs is not None}


def test_the_board_reads_no_table(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    _seeded(path)
    fresh = open_session(path)
    boards = _board(fresh)
    assert _loaded(fresh) == set()
    first = boards[0]
    assert [c.name for s in first.stages for c in s.cards] == ["Deal 1", "Deal 0", "Deal 3"]
    assert "Gone" not in {c.customer for s in first.stages for c in s.cards}
    assert set(first.deals) == {c.deal_id for s in first.stages for c in s.cards}
    assert (first.summary.open_count, first.summary.won_count) == (3, 1)
    assert first.owners == ["alice", "bob"]
    for name in READ:
        len(fresh.db.table(name))  # loaded: the same answers from memory
    assert _board(fresh) == boards
    fresh.close()


def _inbox(crm: Crm) -> tuple[list[object], ...]:
    inbox = crm.feedback.inbox()
    return ([inbox], list(crm.feedback.rows(inbox.ids).values()), [crm.feedback.nps()],
            crm.tasks.all(open_only=False))


def test_the_inbox_reads_no_table(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    _seeded(path)
    fresh = open_session(path)
    (inbox,), rows, nps, _ = _inbox(fresh)
    assert _loaded(fresh) == set()
    by_id = {r.id: r for r in rows}
    assert [(by_id[i].date, by_id[i].resolved) for i in inbox.ids] == [
        ("2026-06-09", False), ("2026-06-02", False), ("2026-06-01", False),
        ("2026-06-04", True)]  # unresolved first, newest first; not the deleted customer's
    assert inbox.open == 3
    assert nps[0].promoters + nps[0].passives + nps[0].detractors == 3
    assert inbox.nps == nps[0]
    answers = _inbox(fresh)
    for name in READ:
        len(fresh.db.table(name))  # loaded: the same answers from memory
    assert _inbox(fresh) == answers
    fresh.close()
