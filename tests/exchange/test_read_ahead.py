"""Rows read ahead by a child process (read_ahead.py): the same rows, lines and row errors
as reading the file here, the child's failures raised here as the file's error, and no
child left behind when the reading stops early."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.exchange.csv_rows import CsvSource
from crm_tui.services.exchange.mapping import build_mapping
from crm_tui.services.exchange.read_ahead import BATCH_ROWS, RowsReadAhead

from .import_support import AS_OF, write_csv

TEXT = ('email,first_name,notes\n'
        'a@x.com,Ann,"two\nlines"\n'
        '\n'
        'b@x.com,Bob\n'
        + "".join(f"p{n}@x.com,P{n},\n" for n in range(BATCH_ROWS + 5))
        + 'c@x.com,Cat,"a quote never closed\n')


def names(fields: Mapping[str, Any], today: date) -> Any:
    """A read-ahead function: what the child makes of a row (here, its first name)."""
    return (fields.get("first_name"), today.isoformat())


def dies_at_p7(fields: Mapping[str, Any], today: date) -> Any:
    if fields.get("first_name") == "P7":
        os._exit(3)
    return None


def refuses_p3(fields: Mapping[str, Any], today: date) -> Any:
    if fields.get("first_name") == "P3":
        raise RuntimeError("no P3 here")
    return None


def _reader(path: Path, read: Any) -> RowsReadAhead:
    with CsvSource(path) as source:
        mapping = build_mapping("customers", source.header, None)
        layout = source.settle(mapping)
    return RowsReadAhead(layout, mapping, read, AS_OF)


def test_rows_read_ahead_are_the_rows_read_here(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", TEXT)
    with CsvSource(path) as source:
        here = list(source.rows(build_mapping("customers", source.header, None)))
    with _reader(path, names) as reader:
        ahead = list(reader)
    assert [(r.line, r.fields, r.error) for r in ahead] == [
        (r.line, r.fields, r.error) for r in here]
    assert [r.line for r in ahead if r.error is not None] == [5]  # Bob's row, as one
    assert [r.ahead for r in ahead if r.error is None][:2] == [
        ("Ann", AS_OF.isoformat()), ("P0", AS_OF.isoformat())]
    assert ahead[-1].fields["first_name"] == "Cat" and len(ahead) == BATCH_ROWS + 8


def test_a_failure_in_the_reader_is_the_files_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", TEXT)
    with _reader(path, refuses_p3) as reader, pytest.raises(ValidationError) as failed:
        list(reader)
    assert failed.value.errors == {"file": "could not be read: no P3 here"}


def test_a_reader_that_dies_is_reported_not_waited_for(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", TEXT)
    with _reader(path, dies_at_p7) as reader, pytest.raises(ValidationError) as failed:
        list(reader)
    assert "exit code 3" in failed.value.errors["file"]


def test_stopping_early_leaves_no_reader_behind(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", TEXT)
    reader = _reader(path, names)
    first = next(iter(reader))
    assert first.fields["first_name"] == "Ann"
    reader.close()
    assert reader._process.returncode is not None
