"""Open the TUI on a database path (imported lazily by the `crm` launcher)."""

from __future__ import annotations

from pathlib import Path

from crm_tui.store import Database

from .app import CrmApp


def run_tui(db_path: Path, *, theme: str | None = None) -> None:
    database = Database(db_path)
    try:
        CrmApp(database, theme_name=theme).run()
    finally:
        database.close()
