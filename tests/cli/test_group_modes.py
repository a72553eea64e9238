"""A team's database in a group-shared (setgid, 2770) folder: every file and folder the
program creates there keeps the group's access (0660 files, 2770 folders), even for a
person whose umask is 077 (store files, backups, restores, exports)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def crm_with_umask(db: Path, *args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "crm_tui", "--db", str(db), *args],
                            capture_output=True, text=True, cwd=ROOT, timeout=300,
                            preexec_fn=lambda: os.umask(0o077))
    assert result.returncode == 0, result.stderr


def test_everything_made_in_a_shared_folder_stays_the_groups(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    os.chmod(team, 0o2770)
    db = team / "crm.db"
    crm_with_umask(db, "demo", "--customers", "20")
    crm_with_umask(db, "backup")
    crm_with_umask(db, "backup", str(team / "before-the-move.db"))
    crm_with_umask(db, "restore", str(team / "before-the-move.db"))
    crm_with_umask(db, "compact")
    crm_with_umask(db, "export", "customers", "-o", str(team / "customers.csv"))
    crm_with_umask(db, "export", "all", "--format", "csv", "-o", str(team / "exports"))
    crm_with_umask(db, "gdpr", "export", "1", "-o", str(team / "one.json"))
    crm_with_umask(db, "gdpr", "erase", "2", "--yes")
    made = list(team.rglob("*"))
    kinds = {p.relative_to(team).parts[0] for p in made}
    assert {"backups", "crm.db", "customers.csv", "exports", "one.json"} <= kinds
    assert any(".pre-restore-" in kind for kind in kinds)
    wrong = {str(p.relative_to(team)): oct(stat.S_IMODE(p.lstat().st_mode)) for p in made
             if stat.S_IMODE(p.lstat().st_mode) != (0o2770 if p.is_dir() else 0o660)}
    assert wrong == {}
