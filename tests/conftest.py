"""Shared fixtures: every test gets its own temporary database directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "crm.db"
