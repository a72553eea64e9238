"""Errors the store raises. Each names the file (and offset) it is about, for one-line reports."""

from __future__ import annotations

from collections.abc import Sequence
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


class ReadOnlyError(TransactionError):
    """The database can be read but not written here (a read-only mount, or no permission)."""

    def __init__(self, path: Path | str, why: str) -> None:
        self.path = Path(path)
        self.why = why
        super().__init__(f"{self.path}: the database is read-only here ({why}); nothing was saved")


class DamagedError(TransactionError):
    """Damage was found, so nothing is written until the database is repaired: a write
    over damage could fold it into the next compaction and make it permanent."""

    def __init__(self, problems: Sequence[CorruptFileError]) -> None:
        self.problems = list(problems)
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(
            f"{self.problems[0]}{more}; the database is damaged, so nothing was saved: "
            "repair it first with 'crm check --repair'"
        )


class UnstorableValueError(StoreError, ValueError):
    """A document holds a value JSON cannot hold (NaN, infinity, a date object, a key that
    is not text, ...); `key_path` says where, e.g. `lines[0].price`. Nothing was written."""

    def __init__(self, key_path: str, problem: str) -> None:
        self.key_path = key_path
        self.problem = problem
        where = f"'{key_path}'" if key_path else "the document"
        super().__init__(f"{where} {problem}, which JSON cannot hold; nothing was saved")
