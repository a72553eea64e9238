"""An import whose file cannot be read part-way (a disk or network failing, the file changed
by someone else): the error names the file and says how many rows were saved before, kept
as the import's batch to revert; failing before the first commit, nothing was imported."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.exchange import csv_rows
from crm_tui.services.exchange.batches import list_batches
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.revert import revert
from crm_tui.services.exchange.stopped import ImportStopped

from .test_import_disk_full import crm_on, people  # noqa: F401 (fixtures: 4,500 rows)


class _FailingReader:
    """A CSV reader whose file fails (EIO) once `line` is read."""

    def __init__(self, reader: csv_rows._RowReader, line: int) -> None:
        self.reader, self.line = reader, line

    @property
    def line_num(self) -> int:
        return self.reader.line_num

    def __next__(self) -> list[str]:
        if self.reader.line_num >= self.line:
            raise OSError(errno.EIO, "Input/output error")
        return next(self.reader)


def unreadable_from(monkeypatch: pytest.MonkeyPatch, line: int) -> None:
    """Every CSV file read fails at `line` as a failing disk fails."""
    real = csv_rows.CsvSource._open_text

    def open_text(self: csv_rows.CsvSource, layout: csv_rows.CsvLayout | None) -> None:
        real(self, layout)
        self._reader = _FailingReader(self._reader, line)

    monkeypatch.setattr(csv_rows.CsvSource, "_open_text", open_text)


def test_a_read_error_after_a_commit_keeps_its_rows_as_the_batch(
        crm_on: Crm, people: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    unreadable_from(monkeypatch, 3000)
    with pytest.raises(ImportStopped) as stopped:
        import_file(crm_on, "customers", people)
    assert str(stopped.value) == f"{people}: cannot be read (Input/output error)"
    (batch,) = list_batches(crm_on)
    assert (stopped.value.rows, stopped.value.batch_id) == (2000, batch.batch_id)
    assert batch.status == "failed" and batch.rows == 2000
    assert revert(crm_on, batch.batch_id).removed == {"customers": 2000}


def test_a_read_error_before_the_first_commit_imported_nothing(
        crm_on: Crm, people: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    unreadable_from(monkeypatch, 1000)
    with pytest.raises(ValidationError, match=r"cannot be read \(Input/output error\)") as refused:
        import_file(crm_on, "customers", people)
    assert refused.value.field == "file"
    assert list(crm_on.customers.all()) == []


def test_a_file_changed_while_it_is_imported(crm_on: Crm, people: Path  # noqa: F811
                                             ) -> None:
    """Someone saves over the file's end with other text while the import reads it: the
    bytes the scan checked no longer decode."""
    def change_the_file(done: int, expected: int | None) -> None:
        if done == 2000:
            with people.open("r+b") as handle:
                handle.seek(people.stat().st_size - 200)
                handle.write(b"\xff\xfe\xff\xfe")

    with pytest.raises(ImportStopped) as stopped:
        import_file(crm_on, "customers", people, progress=change_the_file)
    assert str(stopped.value) == (f"{people}: changed while it was being read (it no longer "
                                  "reads as UTF-8)")
    assert stopped.value.rows == 4000
