"""A database an older crm-tui wrote (snapshots of version 1 or 2, which no derived file
can point into) is rewritten in the current format by the app's session, in the
background, so its reads become fast without anyone running `crm compact`; killed at any
step it opens with all its data; read-only sessions never write; `crm check` says what
is still to do without calling it damage."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from crm_tui.cli.main import main as crm_main
from crm_tui.services.customer_view import customer_detail
from crm_tui.store import Database
from crm_tui.store.aside import AsideSnapshot, write_aside
from crm_tui.store.check import check_database
from crm_tui.store.snapshot import SNAPSHOT_VERSION, SnapshotHeader
from tests.conftest import database_bytes, open_session
from tests.services.test_customer_view import history, loaded, shown

from .damage import make_legacy

UPGRADE = Path(__file__).parent / "procs" / "upgrade_at_step.py"
ROOT = Path(__file__).resolve().parents[2]
WAIT = 60  # seconds: a guard against hanging, never a measure


def versions(path: Path) -> dict[str, int]:
    found = {}
    for snapshot in sorted((path / "tables").glob("*.json")):
        first = snapshot.read_bytes().split(b"\n", 1)[0]
        found[snapshot.stem] = orjson.loads(first if first.startswith(b"{") else first[9:])[
            "version"]
    return found


def make_old(path: Path, version: int) -> None:
    """What an older crm-tui left (make_legacy), without derived files."""
    make_legacy(path, version)
    for derived in [*(path / "tables").glob("*.ids"), *(path / "tables").glob("*.by-*")]:
        derived.unlink()


def wait_for_upgrade() -> None:
    for thread in threading.enumerate():
        if thread.name == "crm-upgrade":
            thread.join(WAIT)
            assert not thread.is_alive()


@pytest.mark.parametrize("version", [1, 2])
def test_the_app_upgrades_an_old_database_and_then_a_360_view_loads_no_table(
        tmp_path: Path, version: int) -> None:
    path = tmp_path / "crm.db"
    first = open_session(path)
    ann = first.customers.create({"first_name": "Ann"})
    history(first, first.customers.create({"first_name": "Bob"}), "a")
    history(first, ann, "a")
    first.db.compact()
    history(first, ann, "b")  # some of it in the journal since
    truth = customer_detail(first, ann)
    first.close()
    make_old(path, version)

    upgrading = open_session(path)
    wait_for_upgrade()
    assert set(versions(path).values()) == {SNAPSHOT_VERSION}
    assert shown(customer_detail(upgrading, ann)) == shown(truth)  # it reads on after
    upgrading.close()

    crm = open_session(path)
    detail = customer_detail(crm, ann)
    assert loaded(crm) == set()
    assert shown(detail) == shown(truth) and detail.customer == truth.customer
    crm.close()
    assert check_database(path).problems == []


def events_db(path: Path, version: int = 2) -> dict[str, Any]:
    """Two tables of an older crm-tui, and commits in the journal since; returns what a
    session reads from it."""
    db = Database(path)
    db.table("events").insert_multiple({"name": f"event {i}", "n": i % 3} for i in range(30))
    db.table("items").insert_multiple({"n": i} for i in range(5))
    db.compact()
    db.table("events").update({"n": 9}, doc_ids=[4])
    db.table("items").insert({"n": 99})
    db.close()
    make_old(path, version)
    return contents(path)


def contents(path: Path) -> dict[str, Any]:
    db = Database(path)
    found = {name: {d.doc_id: dict(d) for d in db.table(name)} for name in ("events", "items")}
    db.close()
    return found


def test_killed_at_any_step_of_the_upgrade_it_opens_with_all_its_data(
        tmp_path: Path) -> None:
    old = tmp_path / "old"
    expected = events_db(old)
    step, kills = 1, 0
    while True:
        work = tmp_path / f"work{step}"
        shutil.copytree(old, work)
        run = subprocess.run([sys.executable, str(UPGRADE), str(step), str(work)], cwd=ROOT,
                             capture_output=True, text=True, timeout=WAIT)
        if run.stdout.startswith("finished"):
            assert run.returncode == 0, run.stderr
            break
        assert run.returncode == -signal.SIGKILL, run.stderr
        kills += 1
        assert contents(work) == expected, f"killed at step {step}"
        assert check_database(work).problems == []
        again = Database(work)  # the next session goes on where the killed one stopped
        again.upgrade_in_background()
        wait_for_upgrade()
        again.close()
        assert set(versions(work).values()) == {SNAPSHOT_VERSION}
        compacting = Database(work)  # and the next compaction clears what the kill left
        compacting.compact()
        compacting.close()
        assert [p.name for p in (work / "tables").iterdir() if p.is_dir()] == []
        assert contents(work) == expected
        shutil.rmtree(work)
        step += 1
    assert kills > 10  # every table's snapshot, derived files and journal were written
    assert set(versions(work).values()) == {SNAPSHOT_VERSION}
    assert contents(work) == expected


def test_another_session_reads_and_writes_on_while_one_upgrades(tmp_path: Path) -> None:
    path = tmp_path / "db"
    expected = events_db(path)
    other = Database(path)
    assert len(other.table("events")) == 30  # loaded from the old snapshot
    upgrading = Database(path)
    upgrading.upgrade_in_background()
    wait_for_upgrade()
    other.table("items").insert({"n": 100})
    assert {d.doc_id: dict(d) for d in other.table("events")} == expected["events"]
    assert other.damage == [] and upgrading.damage == []
    other.close()
    upgrading.close()
    assert len(contents(path)["items"]) == len(expected["items"]) + 1


POKE = Path(__file__).parent / "procs" / "poke.py"


@pytest.mark.parametrize("table", ["events", "items"])
def test_another_process_commits_while_the_snapshots_are_written_aside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str) -> None:
    """The new snapshots (of the old table, and of the tables the journal touched) are
    written without the lock: another process commits meanwhile (it would wait, and time
    out, if the lock were held). The table it changed is written again under the lock
    (its snapshot written aside is out of date); the others are used. Nothing is lost."""
    path = tmp_path / "db"
    events_db(path)
    writes: list[str] = []
    installed: list[str] = []

    def aside_with_a_commit(folder: Path, header: SnapshotHeader, *args: Any
                            ) -> AsideSnapshot:
        if header.table == table:  # its copy taken, being written
            subprocess.run([sys.executable, str(POKE), str(path), "insert", table, "late",
                            "7"], check=True, cwd=ROOT, timeout=WAIT)
        writes.append(header.table)
        return write_aside(folder, header, *args)

    def install(self: AsideSnapshot, tables_dir: Path) -> Any:
        installed.append(self.table)
        return put_in_place(self, tables_dir)

    put_in_place = AsideSnapshot.install
    monkeypatch.setattr("crm_tui.store.engine.write_aside", aside_with_a_commit)
    monkeypatch.setattr(AsideSnapshot, "install", install)
    db = Database(path)
    assert db.engine.upgrade_table("events")
    assert db.engine.state("events").docs is None  # loaded for the upgrade only
    db.close()
    assert writes == ["events", "items"]  # the tables the journal touched, each aside
    assert installed == [name for name in ("events", "items") if name != table]
    assert versions(path) == {"events": SNAPSHOT_VERSION, "items": SNAPSHOT_VERSION}
    assert "late" in {d.get("name") for d in contents(path)[table].values()}
    assert sorted(p.name for p in (path / "tables").iterdir() if not p.is_file()) == []
    assert list((path / "tables").glob("*.tmp")) == []
    assert check_database(path).problems == []
    fresh = Database(path)
    assert fresh.get("events", 4) == {"name": "event 3", "n": 9}  # from the new snapshot
    assert fresh.engine.state("events").docs is None
    fresh.close()


def test_a_table_upgraded_already_is_left_as_it_is(tmp_path: Path) -> None:
    """Asked for a table another session upgraded meanwhile, nothing is written, not even
    aside (its files for fast reading would then be of a snapshot never put in place)."""
    path = tmp_path / "db"
    events_db(path)
    db = Database(path)
    assert db.engine.upgrade_table("events")
    before = database_bytes(path)
    assert not db.engine.upgrade_table("events")
    db.close()
    assert database_bytes(path) == before


def test_a_read_only_session_leaves_an_old_database_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db"
    expected = events_db(path)
    before = database_bytes(path)
    db = Database(path, read_only=True)
    assert db.upgrade_in_background() is None
    assert {d.doc_id: dict(d) for d in db.table("events")} == expected["events"]
    db.close()
    assert database_bytes(path) == before


def test_check_says_what_is_to_do_and_it_is_not_damage(tmp_path: Path) -> None:
    path = tmp_path / "db"
    events_db(path)
    run = CliRunner().invoke(crm_main, ["--db", str(path), "check"], obj={})
    assert run.exit_code == 0, run.output
    assert "the app rewrites it when it opens the database" in run.output

    db = Database(path)
    db.compact()
    db.close()
    (path / "tables" / "events.ids").unlink()
    report = check_database(path)
    assert report.problems == []
    assert "events: its files for fast reading are missing, which is not damage" in " ".join(
        report.notes)
    (path / "tables" / "items.ids").write_bytes(b"00000000 {}\n")
    run = CliRunner().invoke(crm_main, ["--db", str(path), "check"], obj={})
    assert run.exit_code == 0, run.output
    assert "items: its files for fast reading are out of date" in run.output
    assert "damage" not in run.output.replace("not damage", "")


def test_a_session_closed_while_it_upgrades_stops_cleanly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "db"
    expected = events_db(path)
    failures: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", failures.append)
    db = Database(path)
    db.upgrade_in_background()
    db.close()
    wait_for_upgrade()
    assert failures == []
    assert contents(path) == expected
    assert check_database(path).problems == []
