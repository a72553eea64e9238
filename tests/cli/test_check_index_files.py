"""`crm check` looks at the files for fast reading by customer and by date (`tables/<t>.by-*`)
too: one missing, damaged, made for another snapshot, or naming the wrong records is noted
(they are rebuilt, never trusted over the records), and the check still passes (exit 0)."""

from __future__ import annotations

import os
import shutil
from array import array
from pathlib import Path

import pytest
from click.testing import CliRunner

from crm_tui.cli import main as cli_main
from crm_tui.domain.aggregates.derivation import DERIVATIONS
from crm_tui.services.base import disk_indexes
from crm_tui.store.check import check_database
from crm_tui.store.derivations import encode_state
from crm_tui.store.derived_files import index_path, write_derived
from crm_tui.store.doc_index import snapshot_identity

from ..conftest import open_session

FAST = "its files for fast reading"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Two customers with tasks, compacted: every index file written."""
    path = tmp_path / "crm.db"
    crm = open_session(path)
    for name in ("Ann", "Bob"):
        customer = crm.customers.create({"first_name": name})
        for n in range(3):
            crm.tasks.create({"customer_id": customer, "title": f"{name} {n}",
                              "due_date": f"2026-06-{20 + n}"})
    crm.db.compact()
    crm.close()
    return path


def by_customer(path: Path) -> Path:
    return index_path(path / "tables", "tasks", "customer")


def checked(path: Path) -> list[str]:
    """The notes of `crm check` about the files for fast reading; it must pass."""
    result = CliRunner().invoke(cli_main.main, ["--db", str(path), "check"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("ok\n")
    report = check_database(path, disk_indexes())
    assert report.problems == []
    return [note for note in report.notes if FAST in note]


def test_the_files_compaction_wrote_check_clean(path: Path) -> None:
    assert by_customer(path).exists()
    assert index_path(path / "tables", "tasks", "due").exists()
    assert checked(path) == []


def test_a_missing_file_is_noted(path: Path) -> None:
    by_customer(path).unlink()
    assert checked(path) == [f"tasks: {FAST} are missing, which is not damage: the next "
                             "session to read the table, or 'crm compact', writes them again"]


def test_a_damaged_file_is_noted(path: Path) -> None:
    data = bytearray(by_customer(path).read_bytes())
    data[-3] ^= 0xFF  # a byte of the body: its checksum no longer matches
    by_customer(path).write_bytes(bytes(data))
    assert [note.split(",")[0] for note in checked(path)] == [
        f"tasks: {FAST} are out of date"]  # as a stale one: it is made again


def test_a_file_of_another_snapshot_is_noted(path: Path, tmp_path: Path) -> None:
    older = tmp_path / "older"
    shutil.copy(by_customer(path), older)
    crm = open_session(path)
    crm.tasks.create({"title": "one more", "due_date": "2026-06-30"})
    crm.db.compact()
    crm.close()
    shutil.copy(older, by_customer(path))
    assert [note.split(",")[0] for note in checked(path)] == [
        f"tasks: {FAST} are out of date"]


def test_a_whole_file_naming_the_wrong_records_is_noted(path: Path) -> None:
    """Written for the right snapshot, its checksums right, but it lists Bob's tasks
    (4-6) under Ann (customer 1) and Ann's under Bob."""
    snapshot = path / "tables" / "tasks.json"
    fd = os.open(snapshot, os.O_RDONLY)
    identity = snapshot_identity(fd, snapshot, "tasks")[0]
    os.close(fd)
    keys, starts, ids = array("q", [1, 2]), array("I", [0, 3, 6]), array("I", [4, 5, 6, 1, 2, 3])
    write_derived(by_customer(path), "index", "tasks", identity, "int/1", [2, 3, 6],
                  [keys, starts, ids], 0o600)
    assert checked(path) == [
        f"tasks: {FAST} by customer do not match its records, which is not damage (they "
        "are never trusted over the records): the next session to read the table, or 'crm "
        "compact', writes them again"]


def test_records_changed_since_the_snapshot_are_not_held_against_it(path: Path) -> None:
    """A task moved to another customer and one done after the compaction: the journal
    says so, and reads take them from there, so the files are still right."""
    crm = open_session(path)
    crm.tasks.update(1, {"customer_id": 2})
    crm.tasks.complete(4)
    crm.close()
    assert checked(path) == []


def test_saved_dashboard_figures_that_do_not_match_are_noted(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    crm = open_session(path)
    who = crm.customers.create({"first_name": "Ann"})
    crm.sales.record({"customer_id": who, "date": "2026-06-01", "item": "Tea", "total": "5"})
    assert crm.analytics.sales_summary().revenue_cents == 500
    crm.db.compact()  # saves the dashboard's figures
    crm.close()
    saved = path / "tables" / "derived.sales.state"
    assert saved.exists()

    def figure_notes() -> list[str]:
        result = CliRunner().invoke(cli_main.main, ["--db", str(path), "check"])
        assert result.exit_code == 0, result.output
        return [line.strip() for line in result.output.splitlines()
                if "figures of the dashboard" in line]

    assert figure_notes() == []
    crm = open_session(path)
    crm.sales.record({"customer_id": who, "date": "2026-06-02", "item": "Tea", "total": "7"})
    crm.close()
    fresh = open_session(path)
    with fresh.db.engine.reading():
        start = fresh.db.engine.derived.start()
    fresh.close()
    spec = next(d for d in DERIVATIONS if d.name == "sales")
    saved.write_bytes(encode_state(spec, start, spec.new_state()))  # intact, but wrong
    assert figure_notes() == [
        "note: the saved sales figures of the dashboard do not match the records, which is "
        "not damage (they are never trusted over the records): the next session to show "
        "them, or 'crm compact', writes them again"]
