"""An import the disk stops part-way (its journal cannot grow): the error says how many
rows were saved before, kept as its batch to revert, or that nothing was imported."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.exchange.batches import list_batches
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.revert import revert
from crm_tui.services.exchange.stopped import ImportStopped
from crm_tui.store import engine as engine_module

from .import_support import write_csv

ROWS = 4500  # imports save 2,000 rows a commit


@pytest.fixture
def people(tmp_path: Path) -> Path:
    lines = [f"Person {n},Row,p{n}@example.com" for n in range(ROWS)]
    return write_csv(tmp_path / "people.csv",
                     "first_name,last_name,email\n" + "\n".join(lines) + "\n")


def disk_full_after(monkeypatch: pytest.MonkeyPatch, big_commits: int) -> None:
    """The journal takes `big_commits` commits of many rows, then no more (small ones,
    like the batch's record, still fit)."""
    real = engine_module.write_all
    seen = 0

    def write_all(fd: int, data: bytes) -> None:
        nonlocal seen
        if len(data) > 100_000:
            seen += 1
            if seen > big_commits:
                raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(engine_module, "write_all", write_all)


@pytest.fixture
def crm_on(tmp_path: Path) -> Iterator[Crm]:
    session = Crm.open(tmp_path / "crm.db")
    yield session
    session.close()


def test_stopped_after_a_commit_keeps_its_rows_as_the_batch(
        crm_on: Crm, people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    disk_full_after(monkeypatch, 1)
    with pytest.raises(ImportStopped, match="No space left on device") as stopped:
        import_file(crm_on, "customers", people)
    (batch,) = list_batches(crm_on)
    assert (stopped.value.rows, stopped.value.batch_id) == (2000, batch.batch_id)
    assert batch.status == "failed" and batch.rows == 2000
    assert len(list(crm_on.customers.all())) == 2000
    monkeypatch.undo()
    assert revert(crm_on, batch.batch_id).removed == {"customers": 2000}


def test_stopped_at_the_first_commit_imported_nothing(
        crm_on: Crm, people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    disk_full_after(monkeypatch, 0)
    with pytest.raises(ImportStopped) as stopped:
        import_file(crm_on, "customers", people)
    assert stopped.value.rows == 0
    assert list(crm_on.customers.all()) == []
