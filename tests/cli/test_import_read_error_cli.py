"""`crm import` whose file fails part-way (a disk or network read error): one line naming
the file, the rows saved before and the batch that reverts them; exit 1, no traceback.
Piped and in a terminal; the failure is injected by a sitecustomize module."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ROOT, crm_cmd
from .terminal import crm_either_way

TERMINAL = pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
FAILING_DISK = """
import sys
sys.path.insert(0, {root!r})
import pytest
from tests.exchange.test_import_read_error import unreadable_from
unreadable_from(pytest.MonkeyPatch(), 3000)
"""


@TERMINAL
def test_a_file_failing_part_way_says_what_was_kept(small_db: Path, tmp_path: Path,
                                                    terminal: bool) -> None:
    people = tmp_path / "people.csv"
    people.write_text("first_name,last_name,email\n" + "".join(
        f"Person {n},Row,p{n}@example.com\n" for n in range(4500)))
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(FAILING_DISK.format(root=str(ROOT)))
    code, said = crm_either_way(small_db, "import", "customers", str(people),
                                terminal=terminal, env={"PYTHONPATH": str(hook)})
    batch = crm_cmd(small_db, "import", "list").stdout.split()[0]
    assert code == 1 and "Traceback" not in said, said
    assert (f"crm: error: {people}: cannot be read (Input/output error); the import stopped "
            f"after 2,000 rows, kept as batch {batch} ('crm import revert {batch}' undoes "
            "them)") in " ".join(said.split())
    assert crm_cmd(small_db, "import", "revert", batch).returncode == 0
