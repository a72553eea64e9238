"""Where the database lives: --db, else $CRM_DB, else the user data directory."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "crm-tui"


def default_db_path() -> Path:
    env = os.environ.get("CRM_DB")
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "crm.db"


def resolve_db_path(option: str | None) -> Path:
    return Path(option).expanduser() if option else default_db_path()
