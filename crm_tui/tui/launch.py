"""Open the TUI on a database path (imported lazily by the `crm` launcher)."""

from __future__ import annotations

from pathlib import Path

from crm_tui.services.crm import Crm

from .app import CrmApp


def run_tui(db_path: Path, *, theme: str | None = None) -> int:
    """Run the app; return the process's exit status, non-zero when the app ended on an
    error (Textual has printed the traceback by then)."""
    crm = Crm.open(db_path)
    try:
        app = CrmApp(crm, theme_name=theme)
        app.run()
        return app.return_code or 0
    finally:
        crm.close()
