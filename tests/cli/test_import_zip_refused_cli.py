"""`crm import customers ARCHIVE.zip` says to unzip it, in one line, exit 1. In a terminal
and piped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.exchange.test_import_zip_refused import mailchimp_zip

from .terminal import crm_either_way


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_a_zip_archive_says_to_unzip_it(small_db: Path, tmp_path: Path,
                                        terminal: bool) -> None:
    path = mailchimp_zip(tmp_path / "members.zip")
    code, said = crm_either_way(small_db, "import", "customers", str(path), terminal=terminal)
    assert code == 1 and "Traceback" not in said, said
    assert (f"crm: error: file: {path}: is a zip archive: unzip it, then import the CSV "
            "files it holds") in " ".join(said.split())
