"""An import its caller stops from the progress callback (a time budget, a cancel) by
raising StopImport: the caller gets its own exception back, not an unexpected-error report;
the rows saved before stay, in the batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.exchange.batches import list_batches
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.stopped import StopImport

from .import_support import write_csv


class _Enough(StopImport):
    pass


def test_a_caller_stops_an_import_from_its_progress(tmp_path: Path) -> None:
    people = write_csv(tmp_path / "people.csv", "first_name,last_name,email\n" + "".join(
        f"Person {n},Row,p{n}@example.com\n" for n in range(4500)))

    def progress(done: int, expected: int | None) -> None:
        if done >= 2000:
            raise _Enough

    crm = Crm.open(tmp_path / "crm.db")
    try:
        with pytest.raises(_Enough):
            import_file(crm, "customers", people, progress=progress)
        assert len(list(crm.customers.all())) == 2000
        (batch,) = list_batches(crm)
        assert batch.rows == 2000
    finally:
        crm.close()
