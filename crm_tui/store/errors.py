"""Errors the store raises. Each names the file (and offset) it is about, for one-line reports."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base class: something about the database files or their use is wrong."""


class CorruptFileError(StoreError):
    """A file the store owns could not be read. The file is left byte-for-byte untouched."""

    def __init__(self, path: Path | str, offset: int | None, reason: str) -> None:
        self.path = Path(path)
        self.offset = offset
        self.reason = reason
        where = f"{self.path}" if offset is None else f"{self.path}: offset {offset}"
        super().__init__(f"{where}: {reason}")


class NotADatabaseError(StoreError):
    """The path exists but is not a crm-tui database; the store refuses to touch it."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class TransactionError(StoreError):
    """A write could not be made durable; the in-memory state was rolled back."""
