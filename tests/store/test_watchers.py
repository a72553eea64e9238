"""Watchers (`db.watch`): told of each committed change to a table, this process's and
another's, whether or not the table is loaded; never of what is rolled back."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from crm_tui.store import Database


class Seen:
    def __init__(self) -> None:
        self.calls: list[tuple[dict[int, Any], bool]] = []

    def committed(self, docs: Mapping[int, Any], everything: bool) -> None:
        self.calls.append((dict(docs), everything))


def test_own_and_other_sessions_commits_reach_a_watcher_of_an_unloaded_table(
        tmp_path: Path) -> None:
    db = Database(tmp_path / "db")
    people = db.table("people")
    first = people.insert({"name": "Ann"})
    db.compact()
    db.close()

    db = Database(tmp_path / "db")
    seen = Seen()
    db.watch("people", seen)
    with db.transaction():
        db.table("people").replace(first, {"name": "Ann Lee"})
    assert seen.calls == [({first: {"name": "Ann Lee"}}, False)]

    other = Database(tmp_path / "db")
    second = other.table("people").insert({"name": "Bob"})
    other.table("things").insert({"name": "not watched"})
    other.close()
    db.refresh()
    assert seen.calls[1:] == [({second: {"name": "Bob"}}, False)]
    assert db.engine.state("people").docs is None  # nothing of that loaded the table
    db.close()


def test_rollbacks_are_not_told_and_a_truncate_is_everything(tmp_path: Path) -> None:
    db = Database(tmp_path / "db")
    seen = Seen()
    db.watch("people", seen)
    with pytest.raises(RuntimeError), db.transaction():
        db.table("people").insert({"name": "Never"})
        raise RuntimeError("abort")
    assert seen.calls == []
    db.table("people").truncate()
    assert seen.calls == [({}, True)]
    db.close()
