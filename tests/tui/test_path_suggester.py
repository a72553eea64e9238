"""Completing a file's path as it is typed on the import screen: folders (with their "/")
and files an import reads, by name; hidden ones only once their "." is typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.tui.widgets.path_suggester import completion


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "exports").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "clients.csv").write_text("Email\n")
    (tmp_path / "clients.pdf").write_text("")
    (tmp_path / "Orders.tsv").write_text("Email\n")
    (tmp_path / "People.xlsx").write_bytes(b"")
    (tmp_path / "Prices.ods").write_bytes(b"")
    return tmp_path


def test_a_folder_completes_with_its_slash(folder: Path) -> None:
    assert completion(f"{folder}/ex") == f"{folder}/exports/"


def test_only_files_an_import_reads_complete(folder: Path) -> None:
    assert completion(f"{folder}/cl") == f"{folder}/clients.csv"
    assert completion(f"{folder}/Or") == f"{folder}/Orders.tsv"
    assert completion(f"{folder}/clients.p") is None
    assert completion(f"{folder}/Pe") == f"{folder}/People.xlsx"  # an Excel workbook
    assert completion(f"{folder}/Pr") is None  # a workbook format not read


def test_hidden_entries_need_their_dot(folder: Path) -> None:
    assert completion(f"{folder}/") in (f"{folder}/clients.csv", f"{folder}/exports/")
    assert completion(f"{folder}/.h") == f"{folder}/.hidden/"


def test_nothing_to_complete(folder: Path) -> None:
    assert completion("") is None
    assert completion(f"{folder}/zz") is None
    assert completion(f"{folder}/exports") == f"{folder}/exports/"
    assert completion(f"{folder}/missing/a") is None
