"""Completion of a file path as it is typed: the first folder or importable file whose
name starts with what follows the last "/" (→ at the end of the field takes it)."""

from __future__ import annotations

import os
from pathlib import Path

from textual.suggester import Suggester

# What `crm import KIND FILE` reads: delimited text and Excel workbooks.
IMPORTABLE = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


def completion(value: str) -> str | None:
    """`value` completed to the first matching folder (with a trailing "/") or importable
    file, by name; hidden entries only when their "." is typed; None when nothing fits."""
    if not value:
        return None
    folder, _, start = value.rpartition("/")
    where = Path(os.path.expanduser(folder + "/" if folder or value.startswith("/") else "."))
    try:
        entries = sorted(os.scandir(where), key=lambda e: e.name.casefold())
    except OSError:
        return None
    for entry in entries:
        name = entry.name
        if not name.startswith(start) or (name.startswith(".") and not start.startswith(".")):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:  # a folder typed whole still takes its "/"
            return f"{value}{name[len(start):]}/"
        if name != start and name.lower().endswith(IMPORTABLE):
            return value + name[len(start):]
    return None


class PathSuggester(Suggester):
    def __init__(self) -> None:
        # Folders change while the screen is open: never answer from a cache.
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return completion(value)
