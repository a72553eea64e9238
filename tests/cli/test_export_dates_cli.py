"""`crm export --since D1 --until D2` with D1 after D2 selects nothing by construction:
refused as a usage error naming both, in a terminal and piped, not an empty file."""

from __future__ import annotations

from pathlib import Path

import pytest

from .terminal import crm_either_way


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_since_after_until_is_refused(small_db: Path, tmp_path: Path, terminal: bool) -> None:
    out = tmp_path / "purchases.csv"
    args = ("export", "purchases", "--since", "2026-12-01", "--until", "2026-01-01",
            "-o", str(out))
    code, said = crm_either_way(small_db, *args, terminal=terminal)
    assert code == 2 and "Traceback" not in said
    assert ("Invalid value for '--since': 2026-12-01 is after --until 2026-01-01: no date "
            "is in between") in said
    assert not out.exists()
