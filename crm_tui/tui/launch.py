"""Open the TUI on a database path (imported lazily by the `crm` launcher)."""

from __future__ import annotations

from pathlib import Path

from crm_tui.services.crm import Crm

from .app import CrmApp


def run_tui(db_path: Path, *, theme: str | None = None) -> None:
    crm = Crm.open(db_path)
    try:
        CrmApp(crm, theme_name=theme).run()
    finally:
        crm.close()
