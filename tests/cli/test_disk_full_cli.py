"""`crm compact`, `backup`, `export -o` and `import` when the disk takes no more (a
file-size limit stands in for a full disk: writes past it fail with "File too large"), in
a terminal and piped: one line naming what failed and what became of it, exit status 1,
no traceback, every save kept and nothing left half-written to keep the disk full."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from crm_tui.services.crm import Crm

from .conftest import ROOT, copy_of, crm_cmd
from .terminal import crm_either_way, crm_in_terminal

LIMIT = 64 * 1024  # bytes: a table snapshot of the demo is larger, a commit much smaller


def _no_room() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, resource.RLIM_INFINITY))


@pytest.fixture
def compacted(demo_db: Path, tmp_path: Path) -> Path:
    """The demo compacted, then one customer more: a compaction has a snapshot to write."""
    path = copy_of(demo_db, tmp_path)
    assert crm_cmd(path, "compact").returncode == 0
    crm = Crm.open(path)
    crm.customers.create({"first_name": "Nora", "last_name": "Late", "email": "nora@example.com"})
    crm.close()
    return path


def _run(db: Path, terminal: bool, *args: str) -> tuple[int, str]:
    if terminal:
        ran = crm_in_terminal(db, *args, preexec_fn=_no_room)
        return ran.returncode, ran.output
    done = crm_cmd(db, *args, preexec_fn=_no_room)
    assert done.stdout == ""
    return done.returncode, done.stderr


def _kept_everything(db: Path) -> None:
    assert list(db.rglob("*.tmp")) == []  # nothing written aside is left behind
    assert crm_cmd(db, "check").returncode == 0
    exported = crm_cmd(db, "export", "customers", "--format", "jsonl")
    assert exported.stdout.count("\n") == 301 and "nora@example.com" in exported.stdout


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_compact_on_a_full_disk(compacted: Path, terminal: bool) -> None:
    code, said = _run(compacted, terminal, "compact")
    assert code == 1 and "Traceback" not in said
    assert "tables/" in said  # the file it could not write
    assert "the compaction failed (File too large); every save is kept, in the journal" in said
    _kept_everything(compacted)


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_backup_on_a_full_disk(compacted: Path, tmp_path: Path, terminal: bool) -> None:
    target = tmp_path / "backups" / "monday.db"
    code, said = _run(compacted, terminal, "backup", str(target))
    assert code == 1 and "Traceback" not in said
    assert f"{target}: the backup failed (File too large); nothing was written there" in said
    assert list(target.parent.iterdir()) == []  # no backup, not even an unfinished one
    _kept_everything(compacted)


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_export_on_a_full_disk(compacted: Path, tmp_path: Path, terminal: bool) -> None:
    out = tmp_path / "out" / "customers.csv"
    out.parent.mkdir()
    code, said = _run(compacted, terminal, "export", "customers", "-o", str(out))
    assert code == 1 and "Traceback" not in said
    assert f"{out}: File too large" in said
    assert list(out.parent.iterdir()) == []  # neither the file nor its temporary one


def _people(path: Path, rows: int) -> Path:
    path.write_text("first_name,last_name,email\n" + "".join(
        f"Person {n},Row,p{n}@example.com\n" for n in range(rows)))
    return path


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_an_import_the_disk_stops_says_what_it_kept(small_db: Path, tmp_path: Path,
                                                    terminal: bool) -> None:
    # How much the journal grows by a commit of 2,000 rows (an import's commit).
    measure = copy_of(small_db, tmp_path)
    before = (measure / "journal.log").stat().st_size
    assert crm_cmd(measure, "import", "customers",
                   str(_people(tmp_path / "two.csv", 2000))).returncode == 0
    chunk = (measure / "journal.log").stat().st_size - before
    room = (small_db / "journal.log").stat().st_size + chunk * 3 // 2  # one commit fits

    def little_room() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (room, resource.RLIM_INFINITY))

    args = ("import", "customers", str(_people(tmp_path / "many.csv", 4500)))
    code, said = crm_either_way(small_db, *args, terminal=terminal, preexec_fn=little_room)
    assert code == 1 and "Traceback" not in said
    batch = crm_cmd(small_db, "import", "list").stdout.split()[0]
    assert ("journal.log: could not save (File too large); nothing was written; the import "
            f"stopped after 2,000 rows, kept as batch {batch} ('crm import revert {batch}' "
            "undoes them)") in said
    assert crm_cmd(small_db, "import", "revert", batch).returncode == 0
    listed = crm_cmd(small_db, "export", "customers", "--format", "jsonl").stdout
    assert listed.count("\n") == 3  # as before the import


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_export_into_a_full_device(small_db: Path, terminal: bool) -> None:
    args = ("export", "customers", "-o", "/dev/full")
    code, said = crm_either_way(small_db, *args, terminal=terminal)
    assert code == 1 and "Traceback" not in said
    assert "crm: error: /dev/full: No space left on device" in said


def test_export_to_a_full_standard_output(small_db: Path) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "crm_tui", "--db", str(small_db),
                               "export", "customers"], stdout=full, stderr=subprocess.PIPE,
                              text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1
    assert done.stderr == "crm: error: standard output: No space left on device\n"


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["report"], ["import", "list"]],
                         ids=["help", "version", "report", "import list"])
def test_any_output_to_a_full_disk_is_one_line(small_db: Path, args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "crm_tui", "--db", str(small_db), *args],
                              stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                              timeout=120)
    assert done.returncode == 1
    assert done.stderr == "crm: error: No space left on device\n"  # no traceback, no errno
