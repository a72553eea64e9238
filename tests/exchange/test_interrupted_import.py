"""An import whose process ended before it finished reads as interrupted, and can be
reverted; one still under way cannot be reverted under it."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.batches import list_batches
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.revert import revert

from .import_support import write_csv

# A process that imports one customer as a batch, then stops inside the batch (as a big
# import does between chunks) and says so.
IMPORTING = """
import sys, threading
from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.exchange import importer
from tests.conftest import AS_OF

crm = Crm.open(sys.argv[1], clock=Clock.at(AS_OF), staff="bob")
real = importer.Pipeline.run

def run_then_hang(self, rows, handler):
    real(self, rows, handler)
    print("imported", flush=True)
    threading.Event().wait()

importer.Pipeline.run = run_then_hang
importer.import_file(crm, "customers", sys.argv[2])
"""


def test_a_killed_import_is_interrupted_and_revertable(crm: Crm, tmp_path: Path) -> None:
    people = write_csv(tmp_path / "people.csv", "name,email\nAnn Lee,ann@x.com\n")
    child = subprocess.Popen([sys.executable, "-c", IMPORTING, str(crm.db.path), str(people)],
                             stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
    try:
        assert child.stdout is not None and child.stdout.readline() == "imported\n"
        (batch,) = list_batches(crm)
        assert batch.status == "running" and batch.who == "bob"
        with pytest.raises(ValidationError, match="still importing"):
            revert(crm, batch.batch_id)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    (batch,) = list_batches(crm)
    assert batch.status == "interrupted"
    assert [c["email"] for c in crm.customers.all()] == ["ann@x.com"]
    assert revert(crm, batch.batch_id).removed == {"customers": 1}
    assert list(crm.customers.all()) == []


def test_a_finished_import_is_done_not_interrupted(crm: Crm, tmp_path: Path) -> None:
    """The process that ran it has ended too: only a batch left running is interrupted."""
    import_file(crm, "customers", write_csv(tmp_path / "p.csv", "name,email\nAnn,a@x.com\n"))
    assert [b.status for b in list_batches(crm)] == ["done"]
