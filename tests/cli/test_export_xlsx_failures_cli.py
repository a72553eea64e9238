"""`crm export --format xlsx` where the writing fails: into a full device, to a full standard
output, to a reader that stops early (`| head -c 10`), its scratch folder's disk full. One
line and exit 1, or (the reader gone) exit 0 and nothing said; never a traceback, nor the
zip complaining when collected. It used to raise XlsxWriter's FileCreateError."""

from __future__ import annotations

import errno
import io
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter

from crm_tui.services.exchange.xlsx import write_xlsx

from .conftest import ROOT
from .terminal import crm_either_way

EXPORT = ("export", "customers", "--format", "xlsx")


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_an_xlsx_export_into_a_full_device(small_db: Path, terminal: bool) -> None:
    code, said = crm_either_way(small_db, *EXPORT, "-o", "/dev/full", terminal=terminal)
    assert code == 1 and "Traceback" not in said and "Exception ignored" not in said, said
    assert said.rstrip().endswith("crm: error: /dev/full: No space left on device")


def test_an_xlsx_export_to_a_full_standard_output(small_db: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "crm_tui", "--db", str(small_db),
                               *EXPORT], stdout=full, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT, timeout=120)
    assert done.returncode == 1
    assert done.stderr == "crm: error: standard output: No space left on device\n"


def test_an_xlsx_export_to_a_pipe_that_closes_early(small_db: Path) -> None:
    pipeline = (f"{sys.executable} -m crm_tui --db {small_db} {' '.join(EXPORT)} -o - "
                "| head -c 10 | wc -c; echo status=${PIPESTATUS[0]}")
    result = subprocess.run(["bash", "-c", pipeline], capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert result.stdout.split() == ["10", "status=0"]
    assert result.stderr == ""


def test_a_full_scratch_disk_raises_its_os_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: xlsxwriter.Workbook) -> None:
        raise xlsxwriter.exceptions.FileCreateError(
            OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(xlsxwriter.Workbook, "close", full)
    with pytest.raises(OSError, match="No space left on device") as raised:
        write_xlsx(["id"], [{"id": 1}], io.BytesIO())
    assert raised.value.errno == errno.ENOSPC
