"""The benchmark times an import with the cycle collector as the `crm` command has it.

`crm import` runs after the entry point has set the collector's thresholds; the benchmark
calls the importer inside its own process, so it must set them the same way while it
times the import (and put its own back afterwards), or it measures a setting no user runs.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from bench import crm_ops
from crm_tui.cli.entry import COLLECTOR_THRESHOLDS


def test_an_import_is_timed_with_the_commands_collector(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, ...]] = []

    class Report:
        created, failed = 3, 0

    def importing(crm: Any, kind: str, path: Path, **options: Any) -> Report:
        seen.append(gc.get_threshold())
        return Report()

    monkeypatch.setattr(crm_ops, "import_file", importing)
    before = gc.get_threshold()
    assert before != COLLECTOR_THRESHOLDS  # else this test could not tell
    timed = crm_ops.time_import(tmp_path / "db", "purchases", tmp_path / "p.csv", 3, 60.0)
    assert seen == [COLLECTOR_THRESHOLDS]
    assert (timed.rows, timed.created) == (3, 3)
    assert gc.get_threshold() == before
