"""`crm import --dry-run` writes nothing, so it works where the user may only read the
database (it used to take the write lock and be refused), and it creates no database where
there is none (it says what an import into an empty one would do). Run in a terminal and
piped."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import pytest

from .conftest import crm_cmd
from .terminal import crm_either_way

TERMINAL = pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2
PEOPLE = "email,first_name,last_name\nnew@example.com,Nia,Obi\njohn.doe@email.com,John,Doe\n"


def as_a_reader() -> None:
    """In the child: as root, give up the capabilities that override file permissions,
    so that a folder's permissions deny root as they deny anyone else."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "cannot drop a capability")


def files_of(db: Path) -> dict[str, bytes]:
    return {str(p.relative_to(db)): p.read_bytes() for p in sorted(db.rglob("*"))
            if p.is_file()}


@pytest.fixture
def people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE)
    return path


@TERMINAL
def test_a_dry_run_works_on_a_database_the_user_may_only_read(
        small_db: Path, people: Path, terminal: bool) -> None:
    before = files_of(small_db)
    paths = [small_db, *small_db.rglob("*")]
    for path in paths:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        code, said = crm_either_way(small_db, "import", "customers", str(people),
                                    "--dry-run", terminal=terminal, preexec_fn=as_a_reader)
        assert code == 0, said
        assert f"would import {people}: 2 rows, 0 with errors" in said
        assert "customers: would create 1, 1 unchanged" in said
        code, said = crm_either_way(small_db, "import", "customers", str(people),
                                    terminal=terminal, preexec_fn=as_a_reader)
        assert code == 1 and "read-only" in said and "Traceback" not in said, said
    finally:
        for path in paths:
            path.chmod(0o700 if path.is_dir() else 0o600)
    assert files_of(small_db) == before


@TERMINAL
def test_a_dry_run_creates_no_database(tmp_path: Path, people: Path, terminal: bool) -> None:
    db = tmp_path / "new.db"
    code, said = crm_either_way(db, "import", "customers", str(people), "--dry-run",
                                terminal=terminal)
    assert code == 0 and "customers: would create 2" in said, said  # as into an empty one
    assert not db.exists()
    code, said = crm_either_way(db, "import", "customers", str(people), terminal=terminal)
    assert code == 0 and "customers: 2 created" in said, said
    assert "new@example.com" in crm_cmd(db, "export", "customers").stdout
