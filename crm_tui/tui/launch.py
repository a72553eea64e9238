"""Open the TUI on a database path (imported lazily by the `crm` launcher)."""

from __future__ import annotations

from pathlib import Path

from crm_tui.services.crm import Crm
from crm_tui.services.list_preview import PreviewProcess

from .app import CrmApp


def run_tui(db_path: Path, *, theme: str | None = None,
            preview: PreviewProcess | None = None) -> int:
    """Run the app; return the process's exit status, non-zero when the app ended on an
    error (Textual has printed the traceback by then).

    `preview`: the customers table's first rows, started (and closed) by the caller,
    before Textual was imported (see `list_preview`)."""
    crm = Crm.open(db_path)
    try:
        app = CrmApp(crm, theme_name=theme, preview=preview)
        app.run()
        return app.return_code or 0
    finally:
        crm.close()
