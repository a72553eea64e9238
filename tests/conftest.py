"""Shared fixtures: a temporary database path, and a Crm session with a fixed clock
(2026-06-15 12:00) and a fixed staff login ("alice")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm

AS_OF = dt.date(2026, 6, 15)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "crm.db"


@pytest.fixture
def crm(tmp_path: Path) -> Iterator[Crm]:
    session = Crm.open(tmp_path / "crm.db", clock=Clock.at(AS_OF), staff="alice")
    yield session
    session.close()
