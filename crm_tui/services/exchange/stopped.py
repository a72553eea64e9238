"""An import stopped part-way, by a save that failed (a full disk, a read-only one) or by
an error nothing checks for: every row saved before stays, in the import's batch, which
`import revert` undoes. Callers say how much was kept; the error's own words are the
failed save's, or the unexpected error's."""

from __future__ import annotations

from crm_tui.store import TransactionError


class ImportStopped(TransactionError):
    """`rows`: the file's rows saved before the failure (0: nothing was imported)."""

    def __init__(self, cause: TransactionError, batch_id: str, rows: int) -> None:
        super().__init__(str(cause))
        self.batch_id, self.rows = batch_id, rows


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
