"""The feedback inbox is known from an index (`feedback.inbox_key`: open or not, the day,
the recommend score), not from a read of every feedback: its order, open count and NPS
come from the keys, less the feedback of soft-deleted customers. The index is derived
like the others: written by compaction, holding no comment and no name, rebuilt when
missing or damaged, folded from every session's commits, checked by `crm check`; and its
counts are the dashboard's and `crm report`'s."""

from __future__ import annotations

import os
from array import array
from pathlib import Path

import pytest

from crm_tui.domain.rules.feedback import nps_breakdown
from crm_tui.services import tables
from crm_tui.services.base import disk_indexes
from crm_tui.services.crm import Crm
from crm_tui.services.feedback import INBOX, Inbox, inbox_key
from crm_tui.services.report import summary_report
from crm_tui.store.check import check_database
from crm_tui.store.derived_files import index_path, write_derived
from crm_tui.store.doc_index import snapshot_identity

from ..conftest import open_session
from .conftest import AS_OF, day, harm, tables_read


def _seed(crm: Crm) -> dict[str, int]:
    """Feedback of three customers (one then soft-deleted) and anonymous feedback, open and
    resolved, with and without a recommend score, two on one day."""
    ann, bob, gone = (crm.customers.create({"first_name": name}) for name in ("Ann", "Bob", "Gone"))
    made = {
        "ann old": crm.feedback.submit({"customer_id": ann, "rating": 2, "recommend_score": 3,
                                        "comments": "Too slow", "date": day(-9)}),
        "bob done": crm.feedback.submit({"customer_id": bob, "rating": 5, "recommend_score": 10,
                                         "date": day(-1)}),
        "anon": crm.feedback.submit({"rating": 4, "recommend_score": 8, "date": day(-4)}),
        "ann new": crm.feedback.submit({"customer_id": ann, "rating": 3, "date": day(-4)}),
        "gone": crm.feedback.submit({"customer_id": gone, "rating": 1, "recommend_score": 0,
                                     "date": day(-2)}),
    }
    crm.feedback.resolve(made["bob done"], "Thanked")
    crm.customers.delete(gone)
    return made


def _from_the_records(crm: Crm) -> Inbox:
    """The inbox as the records say it is (every feedback read): what the keys must give."""
    deleted = {c["id"] for c in crm.customers.all(include_deleted=True) if c.get("deleted_at")}
    shown = [{"id": i, **doc} for i, doc in crm.db.scan(tables.FEEDBACK)
             if doc.get("customer_id") not in deleted]
    ordered = sorted(shown, key=lambda f: (not f.get("resolved"), f["date"], f["id"]),
                     reverse=True)
    scores = [f.get("recommend_score") for f in shown]
    return Inbox([f["id"] for f in ordered], sum(1 for f in shown if not f.get("resolved")),
                 nps_breakdown(scores, crm.ctx.settings.feedback))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """The seeded feedback, compacted (the index file written)."""
    path = tmp_path / "crm.db"
    crm = open_session(path)
    _seed(crm)
    crm.db.compact()
    crm.close()
    return path


def test_the_inbox_comes_from_the_keys_in_its_order(crm: Crm) -> None:
    made = _seed(crm)
    inbox = crm.feedback.inbox()
    assert inbox.ids == [made[k] for k in ("ann new", "anon", "ann old", "bob done")]
    assert inbox.open == 3
    nps = inbox.nps  # 10 promoter, 8 passive, 3 detractor; not the deleted customer's 0
    assert (nps.promoters, nps.passives, nps.detractors, nps.score) == (1, 1, 1, 0.0)
    assert inbox == _from_the_records(crm)


def test_the_inbox_reads_no_feedback_and_follows_every_session(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine, other = open_session(path), open_session(path)
    try:
        read = tables_read(mine, monkeypatch)
        first = mine.feedback.inbox()
        assert len(first.ids) == 4 and tables.FEEDBACK not in read
        # Another session: new feedback, one resolved, one reopened, a customer deleted
        # and another restored, a feedback deleted.
        ann = other.feedback.get(first.ids[0])["customer_id"]
        new = other.feedback.submit({"rating": 1, "recommend_score": 2, "date": day(0)})
        other.feedback.resolve(first.ids[1])
        other.feedback.reopen(first.ids[3])
        gone = next(c["id"] for c in other.customers.all(include_deleted=True)
                    if c.get("deleted_at"))
        other.customers.restore(gone)
        other.customers.delete(ann)
        read.clear()
        after = mine.feedback.inbox()
        assert tables.FEEDBACK not in read
        monkeypatch.undo()
        assert after == _from_the_records(mine)
        assert after.ids[0] == new and first.ids[0] not in after.ids
        other.feedback.delete(new)
        assert mine.feedback.inbox() == _from_the_records(mine)
    finally:
        mine.close()
        other.close()


def test_the_index_file_holds_no_comment_nor_name(path: Path) -> None:
    data = index_path(path / "tables", tables.FEEDBACK, INBOX).read_bytes()
    assert b"Too slow" not in data and b"Ann" not in data and b"Thanked" not in data


@pytest.mark.parametrize("how", ["missing", "damaged"])
def test_a_missing_or_damaged_file_is_written_again(path: Path, how: str) -> None:
    file = index_path(path / "tables", tables.FEEDBACK, INBOX)
    harm(file, how)
    crm = open_session(path)
    try:
        inbox = crm.feedback.inbox()
        assert inbox == _from_the_records(crm) and len(inbox.ids) == 4
    finally:
        crm.close()
    assert file.exists()
    assert check_database(path, disk_indexes()).notes == []


def test_check_notes_a_file_with_the_wrong_keys(path: Path) -> None:
    """Written for the right snapshot, its checksums right, but every feedback listed as
    open on one day: noted, never trusted (the records say what each is)."""
    snapshot = path / "tables" / "feedback.json"
    fd = os.open(snapshot, os.O_RDONLY)
    identity = snapshot_identity(fd, snapshot, tables.FEEDBACK)[0]
    os.close(fd)
    key = inbox_key({"date": day(0)})
    write_derived(index_path(path / "tables", tables.FEEDBACK, INBOX), "index",
                  tables.FEEDBACK, identity, "int/2", [1, 2, 5],
                  [array("q", [key]), array("I", [0, 5]), array("I", [1, 2, 3, 4, 5])], 0o600)
    report = check_database(path, disk_indexes())
    assert report.problems == []
    assert [note.split(" do not match")[0] for note in report.notes] == [
        "feedback: its files for fast reading by inbox"]


def test_the_inbox_counts_what_the_dashboard_and_the_report_count(crm: Crm) -> None:
    """Every feedback dated up to the day: the inbox's open count and NPS are the
    dashboard's unresolved feedback and NPS, and the report's lines say the same."""
    _seed(crm)
    crm.feedback.submit({"rating": 5, "recommend_score": 9, "date": day(0)})
    inbox = crm.feedback.inbox()
    assert (inbox.open, inbox.nps) == (crm.analytics.unresolved_feedback(AS_OF),
                                       crm.analytics.nps(as_of=AS_OF))
    report = summary_report(crm, AS_OF)
    assert f"Unresolved Feedback: {inbox.open}\n" in report
    assert f"({inbox.nps.responses} responses:" in report
