"""The scale benchmark (`python -m bench`) runs end to end at a tiny size.

200 customers, 2,000 events, few repetitions: about 15 s on the project's 2-core machine
(the real run is 10,000 and 100,000 customers; see bench/README.md). It proves every
operation of SPEC section 8 is measured on crm-tui and on both baselines, and that the
results file is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.report import OPS

NO_BASELINE = {"badge", "painted"}  # only crm-tui has a screen to draw


def test_the_benchmark_measures_every_operation(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scale.json"
    main(["--sizes", "200", "--events-per-customer", "10", "--out", str(out),
          "--save-reps", "5", "--badge-reps", "2", "--baseline-budget", "5"])
    printed = capsys.readouterr().out
    for op in OPS:
        assert op.label in printed, op.label
    assert "200 customers, 2,000 events" in printed
    assert "load average" in printed

    result = json.loads(out.read_text())["results"][0]
    assert (result["customers"], result["events"]) == (200, 2000)
    assert result["purchases"] > 0
    for op in OPS:
        figures = result["ops"][op.key]
        assert figures["crm"] is not None and figures["crm"] > 0, op.key
        if op.key not in NO_BASELINE:
            assert figures["tinydb"] is not None and figures["sqlite"] is not None, op.key
    assert len(result["samples"]["tui"]["search_ms"]) == 9
    assert result["samples"]["import_crm"]["purchases"]["timed_rows"] == result["purchases"]
