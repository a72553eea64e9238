"""Only the `crm` entry point sets how Python's cycle collector runs: no module of the store,
the services or the app calls it (freezing or pausing it there kept whatever was alive at
that moment out of collection for the life of the process)."""

from __future__ import annotations

import ast
import gc
import sys
from pathlib import Path

import pytest

from crm_tui.cli import entry

PACKAGE = Path(entry.__file__).resolve().parents[1]


def modules_using_gc() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if "gc" in names:
                found.append(str(path.relative_to(PACKAGE.parent)))
    return found


def test_only_the_entry_point_touches_the_collector() -> None:
    assert modules_using_gc() == ["crm_tui/cli/entry.py"]


def test_the_entry_point_sets_the_thresholds_for_every_command(
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = gc.get_threshold()
    monkeypatch.setattr(sys, "argv", ["crm", "--version"])
    try:
        with pytest.raises(SystemExit) as done:
            entry.main()
        assert done.value.code == 0
        assert gc.get_threshold() == entry.COLLECTOR_THRESHOLDS != before
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def test_the_collector_is_frozen_once_the_command_has_ended(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Quitting then frees what reference counts free, without a last walk of every cycle
    # the session held; while the command runs, the collector works as tuned.
    frozen_while_running: list[int] = []

    def command(obj: dict[str, object]) -> int:
        frozen_while_running.append(gc.get_freeze_count())
        raise SystemExit(0)  # as click ends a command

    monkeypatch.setattr("crm_tui.cli.main.main", command)
    before = gc.get_threshold()
    gc.unfreeze()
    try:
        with pytest.raises(SystemExit):
            entry.main()
        assert frozen_while_running == [0]
        assert gc.get_freeze_count() > 0
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
