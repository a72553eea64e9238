"""Read-only databases are readable: on a read-only mount (EROFS) or in a folder this user may
only read (EACCES), `crm check`, `export` and `report` work without creating or writing
anything (not even the lock file), and every write says the database is read-only."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_tui.store import Database, ReadOnlyError
from crm_tui.store.repair import repair_database

from .damage import ROOT, fingerprint

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
DROP_PRIVILEGE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]


def make_db(path: Path) -> None:
    db = Database(path)
    db.table("customers").insert_multiple({"first_name": f"Ann{n}", "last_name": "Lee",
                                           "email": f"ann{n}@example.org"} for n in range(5))
    db.compact()
    db.table("customers").insert({"first_name": "Bob", "last_name": "Ode"})
    db.close()
    (path / "lock").unlink()


def test_a_journal_that_cannot_be_opened_for_writing_is_read(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection: every open of a database file for writing fails with EROFS, while
    the folder itself looks writable (so only the store's own fallback can save it)."""
    make_db(db_path)
    journal = db_path / "journal.log"
    journal.write_bytes(journal.read_bytes()[:-1] + b" ")  # damaged too: a repair is due
    before = fingerprint(db_path)
    real_open = os.open

    def read_only_open(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        if str(path).startswith(str(db_path)) and flags & WRITE_FLAGS:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only_open)
    db = Database(db_path)
    assert db.read_only and "read-only file system" in (db.read_only_reason or "")
    assert len(db.table("customers")) == 6 and db.damage  # read, and known to be damaged
    with pytest.raises(ReadOnlyError, match="read-only"):
        db.table("customers").insert({"first_name": "Cy"})
    with pytest.raises(ReadOnlyError, match="read-only"):
        db.compact()
    assert len(db.table("customers")) == 6  # the refused write left nothing in memory
    db.close()
    with pytest.raises(ReadOnlyError, match="read-only"):
        repair_database(db_path)
    assert fingerprint(db_path) == before and not (db_path / "lock").exists()
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["crm.db"]  # no copy made


def run_crm(prefix: list[str], db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")  # no __pycache__ written either
    return subprocess.run([*prefix, sys.executable, "-m", "crm_tui", "--db", str(db), *args],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def assert_readable_not_writable(prefix: list[str], db: Path, reason: str,
                                 tmp_path: Path) -> None:
    before = fingerprint(db)
    check = run_crm(prefix, db, "check")
    assert check.returncode == 0 and check.stdout.endswith("ok\n"), check.stderr
    export = run_crm(prefix, db, "export", "customers")
    assert export.returncode == 0, export.stderr
    assert export.stdout.count("\n") == 7 and "Bob" in export.stdout  # header + 6
    report = run_crm(prefix, db, "report", "--as-of", "2026-06-15")
    assert report.returncode == 0 and "CRM SUMMARY REPORT" in report.stdout, report.stderr
    source = tmp_path / "new.csv"
    source.write_text("first_name,last_name,email\nCy,Lee,cy@example.org\n")
    imported = run_crm(prefix, db, "import", "customers", str(source))
    assert imported.returncode != 0
    assert "read-only" in imported.stderr and reason in imported.stderr
    assert "Traceback" not in imported.stderr
    assert fingerprint(db) == before and not (db / "lock").exists()


@pytest.fixture
def read_only_mount(db_path: Path) -> Iterator[list[str]]:
    """A command prefix that runs in a private mount namespace where the database folder
    is bind-mounted read-only: the kernel answers EROFS, as on a read-only disk."""
    script = f'mount --bind "{db_path}" "{db_path}" && mount -o remount,bind,ro ' \
             f'"{db_path}" && exec "$@"'
    prefix = ["unshare", "--mount", "sh", "-c", script, "sh"]
    make_db(db_path)
    probe = subprocess.run([*prefix, "sh", "-c", f'touch "{db_path}/probe"'],
                           capture_output=True, text=True, timeout=30)
    if shutil.which("unshare") is None or "Read-only file system" not in probe.stderr:
        pytest.skip(f"cannot make a read-only mount here: {probe.stderr.strip()}")
    yield prefix


def test_a_database_on_a_read_only_mount(read_only_mount: list[str], db_path: Path,
                                         tmp_path: Path) -> None:
    assert_readable_not_writable(read_only_mount, db_path, "read-only file system", tmp_path)


def test_a_database_in_a_folder_this_user_can_only_read(db_path: Path, tmp_path: Path) -> None:
    """As root, permissions do not deny anything: the commands then run without the
    capability that overrides them (CAP_DAC_OVERRIDE), so the kernel answers EACCES as it
    would to another user. Run as another user, plain permissions do it."""
    make_db(db_path)
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None or subprocess.run(
                [*DROP_PRIVILEGE, "true"], capture_output=True, timeout=30).returncode:
            pytest.skip("running as root and cannot drop CAP_DAC_OVERRIDE here")
        prefix = DROP_PRIVILEGE
    for path in [db_path, *db_path.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        assert_readable_not_writable(prefix, db_path, "no permission", tmp_path)
    finally:
        for path in [db_path, *db_path.rglob("*")]:
            path.chmod(0o700 if path.is_dir() else 0o600)
