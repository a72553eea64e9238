"""`crm import` as a script would use it: upserts, dry runs, bad rows, revert, round trip."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import database_bytes

from .conftest import crm_cmd

CUSTOMERS = (
    "Name,E-mail,Phone,Customer ID\n"
    "John Doe,john@x.com,+1 555 0100,C1\n"
    "Ann Lee,ann@x.com,,C2\n"
)
BAD = (
    "email,first name,last name\n"
    "good@x.com,Good,Row\n"
    "not-an-email,Bad,Email\n"
    "also@x.com,Too,Many,Cells\n"
)
PURCHASES = (
    "customer email,item,amount,date\n"
    "good@x.com,Laptop,1200,2026-06-01\n"
    "good@x.com,Mouse,-5,2026-06-02\n"
    "good@x.com,Cable,10,31/06/2026\n"
)


def test_reimport_creates_no_duplicates_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    db, source = tmp_path / "crm.db", tmp_path / "customers.csv"
    source.write_text(CUSTOMERS)
    assert crm_cmd(db, "import", "customers", str(source)).returncode == 0
    before = database_bytes(db)
    dry = crm_cmd(db, "import", "customers", str(source), "--dry-run")
    assert dry.returncode == 0 and "would import" in dry.stdout
    assert database_bytes(db) == before
    assert crm_cmd(db, "import", "customers", str(source)).returncode == 0
    exported = crm_cmd(db, "export", "customers", "--format", "json").stdout
    assert sorted(c["email"] for c in json.loads(exported)) == ["ann@x.com", "john@x.com"]


def test_bad_rows_are_reported_by_line_and_good_rows_import(tmp_path: Path) -> None:
    db, source = tmp_path / "crm.db", tmp_path / "bad.csv"
    source.write_text(BAD)
    result = crm_cmd(db, "import", "customers", str(source))
    assert result.returncode == 1
    assert "line 3: email:" in result.stderr and "line 4:" in result.stderr
    assert "Traceback" not in result.stderr
    emails = [c["email"] for c in json.loads(
        crm_cmd(db, "export", "customers", "--format", "json").stdout)]
    assert emails == ["good@x.com"]
    purchases = tmp_path / "purchases.csv"
    purchases.write_text(PURCHASES)
    result = crm_cmd(db, "import", "purchases", str(purchases))
    assert result.returncode == 1
    assert "line 3: total:" in result.stderr and "line 4: date:" in result.stderr


def test_revert_removes_exactly_one_batch(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("email,first name\none@x.com,One\n")
    second.write_text("email,first name\ntwo@x.com,Two\n")
    crm_cmd(db, "import", "customers", str(first))
    crm_cmd(db, "import", "customers", str(second))
    batch = crm_cmd(db, "import", "list").stdout.splitlines()[0].split()[0]
    result = crm_cmd(db, "import", "revert", batch)
    assert result.returncode == 0, result.stderr
    emails = [c["email"] for c in json.loads(
        crm_cmd(db, "export", "customers", "--format", "json").stdout)]
    assert emails == ["one@x.com"]
    again = crm_cmd(db, "import", "revert", batch)
    assert again.returncode == 1 and again.stderr.startswith("crm: error: batch")


def test_export_all_then_import_all_gives_the_same_export(small_db: Path,
                                                          tmp_path: Path) -> None:
    dump = tmp_path / "all.json"
    assert crm_cmd(small_db, "export", "all", "--format", "json", "--as-of", "2026-06-15",
                   "-o", str(dump)).returncode == 0
    fresh = tmp_path / "fresh.db"
    result = crm_cmd(fresh, "import", "all", str(dump))
    assert result.returncode == 0, result.stdout + result.stderr
    again = tmp_path / "again.json"
    crm_cmd(fresh, "export", "all", "--format", "json", "--as-of", "2026-06-15",
            "-o", str(again))
    assert json.loads(again.read_text()) == json.loads(dump.read_text())


def test_formula_cells_round_trip_through_csv(small_db: Path, tmp_path: Path) -> None:
    exported = tmp_path / "customers.csv"
    crm_cmd(small_db, "export", "customers", "-o", str(exported))
    assert '\'=HYPERLINK(""x"")' in exported.read_text()
    fresh = tmp_path / "fresh.db"
    assert crm_cmd(fresh, "import", "customers", str(exported)).returncode == 0
    raw = json.loads(crm_cmd(fresh, "export", "customers", "--format", "json").stdout)
    assert '=HYPERLINK("x")' in {c["name"] for c in raw}


def test_every_subcommand_has_clear_help(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    for args in (["--help"], ["import", "--help"], ["import", "customers", "--help"],
                 ["export", "--help"], ["check", "--help"], ["backup", "--help"],
                 ["restore", "--help"], ["gdpr", "--help"], ["gdpr", "erase", "--help"]):
        result = crm_cmd(db, *args)
        assert result.returncode == 0 and "Usage:" in result.stdout, args
    wrong = crm_cmd(db, "import", "customers", str(tmp_path / "missing.csv"))
    assert wrong.returncode == 2 and "does not exist" in wrong.stderr
