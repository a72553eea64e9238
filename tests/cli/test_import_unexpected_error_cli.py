"""`crm import` stopped part-way by an error nothing checks for (a bug): one line on stderr
saying so and what the import kept as a batch (to revert), exit 1, no traceback; the rows
saved before stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crm_tui.cli import main as cli_main
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.batches import list_batches

from ..tui.test_import_unexpected_error import broken_after
from .test_disk_full_cli import _people


@pytest.mark.parametrize(("commits", "kept"), [(1, 2000), (0, 0)])
def test_an_unexpected_error_says_what_the_import_kept(small_db: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       commits: int, kept: int) -> None:
    people = _people(tmp_path / "many.csv", 4500)
    broken_after(monkeypatch, commits)
    result = CliRunner().invoke(cli_main.main,
                                ["--db", str(small_db), "import", "customers", str(people)])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "Traceback" not in said
    crm = Crm.open(small_db)
    try:
        if kept:
            (batch,) = list_batches(crm)
            assert (f"crm: error: an unexpected error (RuntimeError: something broke); the "
                    f"import stopped after 2,000 rows, kept as batch {batch.batch_id} ('crm "
                    f"import revert {batch.batch_id}' undoes them)") in said
        else:
            assert ("crm: error: an unexpected error (RuntimeError: something broke); "
                    "nothing was imported") in said
        assert len(list(crm.customers.all())) == 3 + kept
    finally:
        crm.close()
