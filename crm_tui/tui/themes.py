"""Theme files: JSON in `themes/` (the project's, then the user's), registered at start-up.

A file holds Textual `Theme` fields: {"name": "crm-dark", "primary": "#...", "dark": true,
...}. A broken file is skipped with a message naming it; the app falls back to a default.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import orjson
from platformdirs import user_config_dir
from textual.theme import Theme

import crm_tui

FIELDS = {"name", "primary", "secondary", "warning", "error", "success", "accent",
          "foreground", "background", "surface", "panel", "boost", "dark", "variables"}
DEFAULT_THEME = "crm-dark"


def theme_dirs() -> list[Path]:
    here = Path(crm_tui.__file__).resolve().parent
    candidates = [
        here.parent / "themes",  # a source checkout / editable install
        Path(sys.prefix) / "share" / "crm-tui" / "themes",  # a regular install
        Path(user_config_dir("crm-tui", appauthor=False)) / "themes",
    ]
    if os.environ.get("CRM_THEMES"):
        candidates.append(Path(os.environ["CRM_THEMES"]))
    return [d for d in candidates if d.is_dir()]


def load_themes() -> tuple[list[Theme], list[str]]:
    """Every readable theme file, and a message for each unreadable one."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in theme_dirs():
        for path in sorted(folder.glob("*.json")):
            try:
                data = orjson.loads(path.read_bytes())
                unknown = set(data) - FIELDS
                if unknown:
                    raise ValueError(f"unknown fields {', '.join(sorted(unknown))}")
                theme = Theme(**data)
            except (OSError, ValueError, TypeError) as exc:
                problems.append(f"theme {path.name} skipped: {exc}")
                continue
            themes[theme.name] = theme
    return list(themes.values()), problems
