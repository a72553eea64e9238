"""An import stopped part-way by a save that failed (a full disk, a read-only one): every
row saved before stays, in the import's batch, which `import revert` undoes. Callers say
how much was kept; the error's own words are the failed save's."""

from __future__ import annotations

from crm_tui.store import TransactionError


class ImportStopped(TransactionError):
    """`rows`: the file's rows saved before the failure (0: nothing was imported)."""

    def __init__(self, cause: TransactionError, batch_id: str, rows: int) -> None:
        super().__init__(str(cause))
        self.batch_id, self.rows = batch_id, rows
