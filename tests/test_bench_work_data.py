"""The bench's generated database has work in progress, as a `crm demo` one does: deals in
every stage, tasks open and done with assignees (the bench's session among them), feedback
resolved and not, follow-ups; so the pipeline, agenda and inbox are measured full."""

from __future__ import annotations

from pathlib import Path

from bench.common import open_crm
from bench.generate import generate
from crm_tui.domain.entities.opportunity import STAGES
from crm_tui.services import tables, to_do


def test_the_generated_database_has_deals_tasks_and_feedback(tmp_path: Path) -> None:
    generate(tmp_path / "crm.db", 400, 2000)
    crm = open_crm(tmp_path / "crm.db")
    try:
        deals = crm.pipeline.deals(open_only=False)
        assert 60 <= len(deals) <= 160  # about 27.5% of the customers
        assert {d.stage for d in deals} == set(STAGES)
        mine, team = to_do.to_do(crm, "mine"), to_do.to_do(crm, "team")
        for agenda in (team.tasks, mine.tasks):
            assert agenda.overdue and agenda.due and agenda.upcoming
        assert team.follow_ups.overdue or team.follow_ups.due or team.follow_ups.upcoming
        statuses = {doc["status"] for doc in crm.db.table(tables.TASKS)}
        assert {"open", "done"} <= statuses
        inbox = crm.feedback.inbox()
        rows = crm.feedback.rows(inbox.ids).values()
        assert {r.resolved for r in rows} == {True, False}
        assert any(r.customer_id is None for r in rows)  # anonymous too
        assert inbox.nps.responses > 0
    finally:
        crm.close()


def test_the_work_leaves_the_events_as_they_were(tmp_path: Path) -> None:
    """Drawn from a stream of their own: the same seed gives the same purchases as before
    the work was added (their totals are the customers' totals)."""
    generate(tmp_path / "a", 100, 600)
    generate(tmp_path / "b", 100, 600)
    one, two = open_crm(tmp_path / "a"), open_crm(tmp_path / "b")
    try:
        for table in (tables.PURCHASES, tables.OPPORTUNITIES, tables.TASKS, tables.FEEDBACK):
            assert list(one.db.scan(table)) == list(two.db.scan(table))
        total = sum(doc["total"] for _, doc in one.db.scan(tables.PURCHASES))
        assert total == 17_248_436  # the figure before the work was added
    finally:
        one.close()
        two.close()
