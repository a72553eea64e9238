"""Segment standings saved beside the snapshots: a session whose day, settings and rules
match starts from them, scores only the customers the journal changed since, and builds no
customer records for its counts; anything else (another day, other settings, an edited
rule, a damaged or stale file) is computed as before and saved again; `crm check` notes a
mismatch as to rebuild; the file holds ids and codes, no person's details."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from crm_tui.cli import main as cli_main
from crm_tui.services import saved_standings
from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.customer_records import CustomerRecords
from crm_tui.services.membership import SegmentMembership, saved_standings_notes
from crm_tui.store import Database
from crm_tui.store.check import check_database
from crm_tui.store.saved_results import encode_saved, result_path

from .conftest import AS_OF, day
from .test_membership_sources import _seeded

RULES = {  # on totals, on tags, on a field only the documents hold
    "Big": ["total_spent >= 100"],
    "Tagged": ["tags has vip"],
    "Inactive": ["status = inactive"],
}


def _file(path: Path) -> Path:
    return result_path(path / "tables", saved_standings.NAME)


def _session(path: Path, on: dt.date = AS_OF) -> Crm:
    return Crm.open(path, clock=Clock.at(on), staff="alice")


def _counts(crm: Crm) -> dict[Any, int]:
    return {count.name: count.count for count in crm.segments.counts()}


def _full_counts(path: Path, on: dt.date = AS_OF) -> dict[Any, int]:
    """The counts as every customer scored from the documents gives them (no saved file
    used: a fresh membership with the file out of the way)."""
    saved = _file(path)
    kept = saved.read_bytes() if saved.exists() else None
    saved.unlink(missing_ok=True)
    crm = Crm(Database(path, read_only=True), clock=Clock.at(on), staff="alice")
    try:
        return _counts(crm)
    finally:
        crm.close()
        if kept is not None:
            saved.write_bytes(kept)


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the customers' records were built (a scan of every customer)."""
    seen: list[int] = []
    scan = CustomerRecords._scan

    def counting(self: CustomerRecords) -> None:
        seen.append(1)
        scan(self)

    monkeypatch.setattr(CustomerRecords, "_scan", counting)
    return seen


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    """Twelve customers with purchases, tags, a soft-deleted one and an inactive one, three
    custom segments; counted, then compacted (which saves the day's standings)."""
    path = tmp_path / "crm.db"
    crm = _session(path)
    ids = _seeded(crm)  # ids[4] soft-deleted, two tagged vip
    crm.customers.update(ids[6], {"status": "inactive"})
    for name, conditions in RULES.items():
        crm.segments.create({"name": name, "conditions": conditions})
    crm.segments.counts()
    crm.db.compact()
    crm.close()
    yield path


def test_saved_at_compaction_then_reopened_counts_without_records(path: Path,
                                                                  scans: list[int]) -> None:
    assert _file(path).exists()
    crm = _session(path)
    try:
        counts = _counts(crm)
        assert scans == []  # the records were never built
        assert not crm.segments.membership.records.ready
    finally:
        crm.close()
    assert counts == _full_counts(path)
    assert counts["Big"] and counts["Tagged"] == 2 and counts["Inactive"] == 1


def test_journal_changes_since_the_save_are_scored(path: Path, scans: list[int]) -> None:
    crm = _session(path)
    before = _counts(crm)
    moved, _, gone = crm.segments.members("lifecycle:prospect")
    crm.sales.record({"customer_id": moved, "item": "Car", "total": "900",
                      "date": day(-1)})
    crm.customers.delete(gone)
    crm.customers.restore(5)  # soft-deleted when saved
    crm.customers.set_tags(1, ["vip"])
    crm.close()
    script = ("import sys; from crm_tui.services.crm import Crm\n"
              "crm = Crm.open(sys.argv[1], staff='bob')\n"
              "crm.customers.update(int(sys.argv[2]), {'status': 'inactive'})\n"
              "crm.close()\n")
    subprocess.run([sys.executable, "-c", script, str(path), "1"], check=True, timeout=60)
    scans.clear()
    crm = _session(path)
    try:
        counts = _counts(crm)
        assert moved in crm.segments.members("Big")
        assert scans == []
    finally:
        crm.close()
    assert counts == _full_counts(path)
    assert (counts["Inactive"], counts["Tagged"]) == (before["Inactive"] + 1,
                                                      before["Tagged"] + 1)


def test_an_erase_is_scored_in_the_next_session(path: Path, scans: list[int]) -> None:
    crm = _session(path)
    big = crm.segments.members("Big")
    crm.gdpr.erase(big[-1])  # compacts: the session's standings are saved for the new journal
    crm.close()
    scans.clear()
    crm = _session(path)
    try:
        counts = _counts(crm)
        assert scans == []
    finally:
        crm.close()
    assert counts == _full_counts(path)


@pytest.mark.parametrize("change", ["day", "settings", "rule"])
def test_another_day_settings_or_rule_is_computed_and_saved_again(
        path: Path, scans: list[int], change: str) -> None:
    on = AS_OF + dt.timedelta(days=40) if change == "day" else AS_OF
    crm = _session(path, on)
    if change == "settings":
        crm.settings.update({"lifecycle": {"vip_spent_cents": 5000}})
    elif change == "rule":
        big = crm.segments.resolve("Big")
        crm.segments.update(int(big), {"conditions": ["total_spent >= 300"]})
    before = _file(path).read_bytes()
    counts = _counts(crm)
    crm.close()
    assert scans == [1]  # computed: what was saved was for something else
    assert _file(path).read_bytes() != before  # and saved for this
    assert counts == _full_counts(path, on)
    scans.clear()
    crm = _session(path, on)
    try:
        assert _counts(crm) == counts
        assert scans == []  # the next session of that day starts from it
    finally:
        crm.close()


@pytest.mark.parametrize("spoil", ["damaged", "stale", "missing"])
def test_a_damaged_stale_or_missing_file_is_ignored_and_rebuilt(
        path: Path, scans: list[int], spoil: str) -> None:
    saved = _file(path)
    data = saved.read_bytes()
    if spoil == "damaged":
        saved.write_bytes(data[:-20] + b"X" * 20)
    elif spoil == "stale":  # saved for a journal that began one commit later
        line, body = data.split(b"\n", 1)
        head = orjson.loads(line[9:])
        saved.write_bytes(encode_saved("result", saved_standings.NAME, head["definition"],
                                       (head["epoch"], head["generation"] + 1), body))
    else:
        saved.unlink()
    expected = _full_counts(path)
    scans.clear()
    crm = _session(path)
    try:
        assert _counts(crm) == expected
        assert scans == [1]
    finally:
        crm.close()
    assert saved.read_bytes() == data  # saved again, as the compaction had saved it
    scans.clear()
    crm = _session(path)
    try:
        assert _counts(crm) == expected
        assert scans == []
    finally:
        crm.close()


def test_check_notes_standings_that_do_not_match(path: Path) -> None:
    today = Clock().today()  # `crm check` looks at today's
    crm = _session(path, today)
    crm.segments.counts()  # computed and saved for today
    membership: SegmentMembership = crm.segments.membership
    with crm.db.view():
        key = saved_standings.key_of(today, crm.ctx.settings, membership.definitions().rules)
        start = crm.db.journal_start()
    crm.close()
    assert check_database(path, results=[saved_standings_notes]).notes == []

    wrong = saved_standings.encode({1: ("vip", False, None, None, "Gold", ())})
    _file(path).write_bytes(encode_saved("result", saved_standings.NAME, key, start, wrong))
    notes = check_database(path, results=[saved_standings_notes]).notes
    assert len(notes) == 1 and "do not match the records" in notes[0]
    result = CliRunner().invoke(cli_main.main, ["--db", str(path), "check"])
    assert result.exit_code == 0, result.output
    assert "segment standings of today do not match the records" in result.output
    assert "not damage" in result.output

    _file(path).write_bytes(_file(path).read_bytes()[:-3] + b"!!\n")
    notes = check_database(path, results=[saved_standings_notes]).notes
    assert len(notes) == 1 and "are damaged" in notes[0]


def test_the_file_holds_no_personal_details(path: Path) -> None:
    data = _file(path).read_bytes()
    for personal in (b"C1", b"Test", b"example.com", b"Thing", b"Big", b"Tagged"):
        assert personal not in data
    assert b'"standings"' in data and b'"ids"' in data


def test_a_rule_edited_after_starting_from_the_file(path: Path, scans: list[int]) -> None:
    crm = _session(path)
    try:
        _counts(crm)
        assert scans == []
        big = crm.segments.resolve("Big")
        crm.segments.update(int(big), {"conditions": ["total_spent >= 300"]})
        counts = _counts(crm)
    finally:
        crm.close()
    assert counts == _full_counts(path)
