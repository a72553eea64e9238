"""An import stopped part-way, by a save that failed (a full disk, a read-only one), a file
that could no longer be read, or an error nothing checks for: every row saved before stays,
in the import's batch, which `import revert` undoes. Callers say how much was kept; the
error's own words are the failed save's, the file's, or the unexpected error's."""

from __future__ import annotations

from crm_tui.domain.errors import ValidationError
from crm_tui.store import TransactionError


class ImportStopped(TransactionError):
    """`rows`: the file's rows saved before the failure (0: nothing was imported). The
    failure: a save (a TransactionError), or anything expected that stopped the import
    after rows were saved (the file could no longer be read, say)."""

    def __init__(self, cause: Exception, batch_id: str, rows: int) -> None:
        super().__init__(_words(cause))
        self.batch_id, self.rows = batch_id, rows


def _words(cause: Exception) -> str:
    """The failure in one line: a file's error names the file, so "file:" is left off."""
    if isinstance(cause, ValidationError):
        return cause.message if cause.field == "file" else cause.describe()
    if isinstance(cause, OSError) and cause.strerror:
        return f"{cause.filename}: {cause.strerror}" if cause.filename else cause.strerror
    return str(cause)


class ImportBroke(Exception):
    """An error no check expected stopped the import (`__cause__`); `rows`, `batch_id`:
    as ImportStopped's."""

    def __init__(self, cause: Exception, batch_id: str, rows: int) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.batch_id, self.rows = batch_id, rows


class StopImport(Exception):
    """Raised by a caller's progress callback to stop an import between chunks (a time
    budget, a user's cancel): passed on as raised, not reported as an unexpected error; the
    rows saved before stay in the import's batch."""
