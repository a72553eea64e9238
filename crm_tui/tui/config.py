"""Per-user settings of the app (theme, key remaps), in the user's config directory.

These belong to the person, not the shared database: over SSH each user keeps their own.
`CRM_CONFIG` points elsewhere (tests use it).

A file that cannot be read (not JSON, no permission) is never written over: the app says
so at start, works with its defaults, and remembers nothing (a theme chosen is for the
session) until the file is fixed, so a typo never costs the person their keymap. When the
app does save, it changes only the theme and writes back everything else as it was read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from platformdirs import user_config_dir


def config_path() -> Path:
    env = os.environ.get("CRM_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(user_config_dir("crm-tui", appauthor=False)) / "config.json"


def _unreadable(path: Path, reason: str) -> str:
    return (f"{path} could not be read ({reason}): using the defaults, and nothing is saved "
            "to it until it is fixed")


def _read(path: Path) -> tuple[dict[str, Any], str | None]:
    """The file's settings ({} when there is no file), or why it cannot be read."""
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return {}, None
    except OSError as exc:
        return {}, exc.strerror or str(exc)
    except orjson.JSONDecodeError as exc:
        return {}, f"not valid JSON: {exc}"
    if not isinstance(data, dict):
        return {}, "not a JSON object"
    return data, None


@dataclass
class UserConfig:
    theme: str | None = None
    keymap: dict[str, Any] = field(default_factory=dict)  # binding id -> keys, as written
    problems: list[str] = field(default_factory=list)  # shown once as notifications
    readable: bool = True  # False: the file is there but could not be read; never save

    @classmethod
    def load(cls) -> UserConfig:
        path = config_path()
        data, reason = _read(path)
        if reason is not None:
            return cls(readable=False, problems=[_unreadable(path, reason)])
        problems = []
        theme = data.get("theme")
        if theme is not None and not isinstance(theme, str):
            problems.append(f"{path}: \"theme\" should be a theme's name; ignored")
            theme = None
        keymap = data.get("keymap") or {}
        if not isinstance(keymap, dict):
            problems.append(f"{path}: \"keymap\" should map key binding ids to keys; ignored")
            keymap = {}
        return cls(theme=theme, keymap=dict(keymap), problems=problems)

    def save(self) -> bool:
        """Remember the theme, leaving everything else in the file as it is now. False
        when not saved: the file could not be read (at start or now: never overwritten),
        or cannot be written (a theme must never break the app)."""
        path = config_path()
        data, reason = _read(path)
        if not self.readable or reason is not None:
            return False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(orjson.dumps({**data, "theme": self.theme},
                                         option=orjson.OPT_INDENT_2))
            os.replace(tmp, path)
        except OSError:
            return False
        return True
