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


@pytest.fixture(autouse=True)
def private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the developer's own ~/.config/crm-tui."""
    monkeypatch.setenv("CRM_CONFIG", str(tmp_path / "config.json"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "crm.db"


def open_session(path: Path) -> Crm:
    """A session on the database at `path` with the fixed clock and staff."""
    return Crm.open(path, clock=Clock.at(AS_OF), staff="alice")


def database_bytes(path: Path) -> dict[str, bytes]:
    """Every file of a database directory by relative path, to prove nothing changed."""
    return {str(f.relative_to(path)): f.read_bytes() for f in sorted(path.rglob("*"))
            if f.is_file()}


@pytest.fixture
def crm(tmp_path: Path) -> Iterator[Crm]:
    session = open_session(tmp_path / "crm.db")
    yield session
    session.close()
