"""The type checker is part of the test command: mypy, as configured in pyproject.toml (strict
for domain and store, standard for the rest of the package), finds no error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_error() -> None:
    # No paths on the command line: mypy checks the packages pyproject.toml names, with its
    # settings, exactly as `mypy` run by hand in the project does.
    result = subprocess.run([sys.executable, "-m", "mypy"], capture_output=True, text=True,
                            cwd=ROOT, timeout=600)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert report.startswith("Success: no issues found"), report
