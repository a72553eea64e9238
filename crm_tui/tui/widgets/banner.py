"""The line across the top of every screen when the database cannot take changes: opened
read-only (a read-only disk, no permission to write) or found damaged.

The app mounts one on each screen it shows while there is something to say (see
`CrmApp.show_banner`), and says the shorter `refusal` when a key would have changed data.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

from textual.widgets import Static

from crm_tui.store import CorruptFileError


class Banner(Static):
    DEFAULT_CSS = """
    Banner { height: auto; padding: 0 1; background: $warning; color: auto 90%;
             text-style: bold; }
    Banner.damaged { background: $error; }
    """

    def show(self, text: str, *, damaged: bool) -> None:
        self.update(text)
        self.set_class(damaged, "damaged")


def banner_text(db_path: Path, read_only: str | None,
                damage: Sequence[CorruptFileError]) -> str | None:
    """What the banner says (None: no banner): damage first, since it can be mended."""
    if damage:
        files = sorted({problem.path.name for problem in damage})
        return (f"This database is damaged ({', '.join(files)}): what can be read is shown, "
                f"nothing can be saved. Quit and run: crm --db {shlex.quote(str(db_path))} "
                "check --repair")
    if read_only:
        return f"Read-only database ({read_only}): viewing only"
    return None


def refusal(read_only: str | None, damage: Sequence[CorruptFileError]) -> str | None:
    """What a key that would change data says instead (None: changes can be saved)."""
    if damage:
        return "Damaged database: nothing can be saved until it is repaired (crm check --repair)"
    if read_only:
        return f"Read-only database: nothing can be saved here ({read_only})"
    return None
