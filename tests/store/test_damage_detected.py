"""Damage that used to pass `crm check` is found, named, kept apart from what is intact, and
refuses writes; `crm check` itself never writes, creates or truncates anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crm_tui.store import CorruptFileError, DamagedError, Database
from crm_tui.store.journal import encode_line

from .damage import ROOT, crm, crm_check, fingerprint, make_legacy

POKE = Path(__file__).parent / "procs" / "poke.py"


def make_db(path: Path) -> None:
    """Ten customers and five events folded into snapshots, then three customers more
    (journal only)."""
    db = Database(path)
    customers = db.table("customers")
    customers.insert_multiple({"name": f"C{n}"} for n in range(10))
    db.table("events").insert_multiple({"n": n} for n in range(5))
    db.compact()
    for n in range(3):
        customers.insert({"name": f"late {n}"})
    db.close()


def names(path: Path) -> list[str]:
    return [d["name"] for d in Database(path, create=False).table("customers")]


def assert_refused(result: subprocess.CompletedProcess[str], file: Path) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crm: error: ") and str(file) in lines[0]
    assert "Traceback" not in result.stderr


def test_a_damaged_last_newline_keeps_the_commit_and_is_reported(db_path: Path) -> None:
    make_db(db_path)
    journal = db_path / "journal.log"
    data = bytearray(journal.read_bytes())
    data[-1:] = b" "  # the last commit's checksum still verifies
    journal.write_bytes(data)
    before = fingerprint(db_path)

    result = crm_check(db_path)
    assert_refused(result, journal)
    assert f"offset {len(data) - 1}" in result.stderr and "newline" in result.stderr
    assert "customers: 13 documents" in result.stdout  # the commit is kept, not dropped
    assert names(db_path)[-1] == "late 2"
    db = Database(db_path)
    with pytest.raises(DamagedError, match="newline"):
        db.table("customers").insert({"name": "new"})  # would have truncated it
    db.close()
    assert fingerprint(db_path) == before


def _append_unfinished_commit(db_path: Path) -> None:
    """What a writer killed after writing its whole line but the newline leaves: the end
    mark was never moved past it (it was never acknowledged)."""
    db = Database(db_path)
    generation = db.generation
    db.close()
    record = {"g": generation + 1, "c": {"customers": {"14": {"name": "unfinished"}}},
              "i": {"customers": 14}}
    with open(db_path / "journal.log", "ab") as journal:
        journal.write(encode_line(record)[:-1])


def test_a_whole_commit_missing_only_its_newline_from_a_killed_writer_is_kept(
        db_path: Path) -> None:
    make_db(db_path)
    _append_unfinished_commit(db_path)
    before = fingerprint(db_path)
    result = crm_check(db_path)
    assert result.returncode == 0, result.stderr
    assert "lacks its newline" in result.stdout and "the next write keeps it" in result.stdout
    assert fingerprint(db_path) == before

    db = Database(db_path)
    db.table("customers").insert({"name": "after"})  # a writer ends the line, then appends
    db.close()
    assert names(db_path)[-2:] == ["unfinished", "after"]
    assert crm_check(db_path).returncode == 0


def test_a_journal_missing_its_last_byte_after_it_was_saved_is_damage(db_path: Path) -> None:
    make_db(db_path)
    journal = db_path / "journal.log"
    journal.write_bytes(journal.read_bytes()[:-1])
    result = crm_check(db_path)
    assert_refused(result, journal)
    assert "newline is missing" in result.stdout
    assert names(db_path)[-1] == "late 2"


def test_a_missing_snapshot_is_detected_and_nothing_is_written(db_path: Path) -> None:
    make_db(db_path)
    snapshot = db_path / "tables" / "customers.json"
    snapshot.unlink()
    before = fingerprint(db_path)

    result = crm_check(db_path)
    assert_refused(result, snapshot)
    assert "missing" in result.stderr and "10 documents" in result.stderr
    with pytest.raises(CorruptFileError, match="missing"):
        names(db_path)  # never "half the customers"
    assert_refused(crm(db_path, "export", "customers"), snapshot)
    assert_refused(crm(db_path, "compact"), snapshot)  # never made permanent
    db = Database(db_path)
    assert len(db.table("events")) == 5  # what does not need the lost file is readable
    with pytest.raises(DamagedError, match="missing"):
        db.table("events").insert({"n": 5})
    db.close()
    assert fingerprint(db_path) == before


def test_a_journal_cut_at_a_line_boundary_is_detected(db_path: Path) -> None:
    make_db(db_path)
    journal = db_path / "journal.log"
    data = journal.read_bytes()
    cut = data.rindex(b"\n", 0, len(data) - 1) + 1
    journal.write_bytes(data[:cut])  # a valid journal, one commit short
    before = fingerprint(db_path)

    result = crm_check(db_path)
    assert_refused(result, journal)
    assert f"offset {cut}: cut short" in result.stderr
    assert_refused(crm(db_path, "compact"), journal)
    assert fingerprint(db_path) == before


def test_a_journal_cut_inside_a_saved_line_is_not_taken_for_an_interrupted_write(
        db_path: Path) -> None:
    make_db(db_path)
    journal = db_path / "journal.log"
    data = journal.read_bytes()
    journal.write_bytes(data[:-20])
    before = fingerprint(db_path)
    result = crm_check(db_path)
    assert_refused(result, journal)
    assert "cut short inside" in result.stderr
    with pytest.raises(DamagedError):
        Database(db_path).table("customers").insert({"name": "x"})  # no silent truncation
    assert fingerprint(db_path) == before


def test_a_session_that_has_the_journal_open_notices_it_was_cut(db_path: Path) -> None:
    make_db(db_path)
    db = Database(db_path)
    assert len(db.table("customers")) == 13
    journal = db_path / "journal.log"
    data = journal.read_bytes()
    journal.write_bytes(data[:data.rindex(b"\n", 0, len(data) - 1) + 1])
    with pytest.raises(DamagedError, match="cut short"):
        db.table("customers").insert({"name": "x"})
    db.close()


def test_a_missing_journal_is_reported_and_check_creates_nothing(db_path: Path) -> None:
    db = Database(db_path)  # never compacted: every customer is in the journal
    db.table("customers").insert_multiple({"name": f"C{n}"} for n in range(5))
    db.close()
    (db_path / "journal.log").unlink()
    (db_path / "lock").unlink()
    before = fingerprint(db_path)
    listing = sorted(p.name for p in db_path.rglob("*"))

    result = crm_check(db_path)
    assert_refused(result, db_path / "journal.log")
    assert "missing" in result.stderr
    assert fingerprint(db_path) == before
    assert sorted(p.name for p in db_path.rglob("*")) == listing  # no new journal, no lock
    with pytest.raises(CorruptFileError, match="missing"):
        Database(db_path)  # opening to write does not create an empty one either


def test_a_missing_marker_file_is_damage_not_a_stranger(db_path: Path) -> None:
    make_db(db_path)
    (db_path / "crm.json").unlink()
    result = crm_check(db_path)
    assert_refused(result, db_path / "crm.json")
    assert "missing" in result.stderr


def test_a_changed_byte_in_the_end_mark_is_detected(db_path: Path) -> None:
    make_db(db_path)
    mark = db_path / "journal.end"
    data = bytearray(mark.read_bytes())
    data[12] ^= 0x04
    mark.write_bytes(data)
    assert_refused(crm_check(db_path), mark)
    with pytest.raises(DamagedError, match=r"journal\.end"):
        Database(db_path).table("customers").insert({"name": "x"})


def test_check_is_read_only_even_where_it_could_write(db_path: Path) -> None:
    """No lock file created, no torn write dropped, no modification time changed."""
    make_db(db_path)
    (db_path / "lock").unlink()
    with open(db_path / "journal.log", "ab") as journal:
        journal.write(b'0badf00d {"g":99,"c":{"customers"')  # a killed writer's fragment
    os.utime(db_path, ns=(1, 1))
    before = fingerprint(db_path), db_path.stat().st_mtime_ns
    result = crm_check(db_path)
    assert result.returncode == 0, result.stderr
    assert "interrupted write" in result.stdout
    assert (fingerprint(db_path), db_path.stat().st_mtime_ns) == before
    assert not (db_path / "lock").exists()


def test_a_database_from_an_older_crm_tui_opens_and_is_upgraded_by_compact(
        db_path: Path) -> None:
    make_db(db_path)
    make_legacy(db_path)
    result = crm_check(db_path)
    assert result.returncode == 0, result.stderr
    assert "older format without checksums" in result.stdout
    assert "does not record which snapshots must exist" in result.stdout
    assert names(db_path)[-1] == "late 2"
    assert crm(db_path, "compact").returncode == 0
    result = crm_check(db_path)
    assert result.returncode == 0 and "note:" not in result.stdout
    (db_path / "tables" / "events.json").unlink()  # now that is noticed
    assert_refused(crm_check(db_path), db_path / "tables" / "events.json")


def test_another_process_refuses_to_write_over_damage(db_path: Path) -> None:
    make_db(db_path)
    snapshot = db_path / "tables" / "events.json"
    data = bytearray(snapshot.read_bytes())
    data[-5] ^= 0x01  # inside a value: same size, still JSON
    snapshot.write_bytes(data)
    before = fingerprint(db_path)
    poke = subprocess.run([sys.executable, str(POKE), str(db_path), "insert", "events",
                           "x", "1"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert poke.returncode != 0 and "events.json" in poke.stderr and "line" in poke.stderr
    assert fingerprint(db_path) == before


def test_a_writer_mends_nothing_in_a_damaged_database(db_path: Path) -> None:
    """A torn last line is normally dropped by the next writer; with the end mark damaged
    nobody can tell it was not a saved commit cut short, so it stays for the repair."""
    make_db(db_path)
    mark = db_path / "journal.end"
    mark.write_bytes(mark.read_bytes().replace(b'"g":', b'"G":'))
    with open(db_path / "journal.log", "ab") as journal:
        journal.write(b'0badf00d {"g":15,"c":{"customers"')
    before = fingerprint(db_path)
    with pytest.raises(DamagedError, match=r"journal\.end"):
        Database(db_path).table("customers").insert({"name": "x"})
    assert fingerprint(db_path) == before
