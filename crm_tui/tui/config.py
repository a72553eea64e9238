"""Per-user settings of the app (theme, key remaps), in the user's config directory.

These belong to the person, not the shared database: over SSH each user keeps their own.
`CRM_CONFIG` points elsewhere (tests use it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from platformdirs import user_config_dir


def config_path() -> Path:
    env = os.environ.get("CRM_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(user_config_dir("crm-tui", appauthor=False)) / "config.json"


@dataclass
class UserConfig:
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys
    problems: list[str] = field(default_factory=list)  # shown once as notifications

    @classmethod
    def load(cls) -> UserConfig:
        path = config_path()
        if not path.exists():
            return cls()
        try:
            data = orjson.loads(path.read_bytes())
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            return cls(problems=[f"{path}: ignored ({exc})"])
        keymap = data.get("keymap") or {}
        return cls(theme=data.get("theme") if isinstance(data.get("theme"), str) else None,
                   keymap={str(k): str(v) for k, v in keymap.items()}
                   if isinstance(keymap, dict) else {})

    def save(self) -> None:
        """Best effort: failing to remember a theme must never break the app."""
        path = config_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(orjson.dumps({"theme": self.theme, "keymap": self.keymap},
                                         option=orjson.OPT_INDENT_2))
            os.replace(tmp, path)
        except OSError:
            pass
