"""The scale benchmark (`python -m bench`) runs end to end at a tiny size.

200 customers, 2,000 events, few repetitions, three sessions for a few seconds (the real
run is 10,000 and 100,000 customers, ten sessions for a minute; see bench/README.md). It
proves every operation of SPEC section 8 is measured on crm-tui and on the baselines it
has, that the results file is written, and that the read scenarios can be run alone
(`--only`) on a copy of an existing database (`--db`), which is left as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.generate import generate
from bench.report import OPS

QUICK = ["--save-reps", "5", "--badge-reps", "2", "--baseline-budget", "5", "--open-reps",
         "1", "--sessions", "3", "--sessions-seconds", "3", "--sessions-quiet", "0.5",
         "--think-ms", "0"]
READ_OPS = {"view_", "dash_", "cold_", "tui_", "ten_"}


def _is_read(key: str) -> bool:
    return any(key.startswith(prefix) for prefix in READ_OPS)


def test_the_benchmark_measures_every_operation(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scale.json"
    main(["--sizes", "200", "--events-per-customer", "10", "--out", str(out), *QUICK])
    printed = capsys.readouterr().out
    for op in OPS:
        assert op.label in printed, op.label
    assert "200 customers, 2,000 events" in printed
    assert "load average" in printed
    assert "TUI session visiting every screen" in printed
    assert "during the import (ms)" in printed

    result = json.loads(out.read_text())["results"][0]
    assert (result["customers"], result["events"]) == (200, 2000)
    assert result["purchases"] > 0
    for op in OPS:
        figures = result["ops"][op.key]
        assert figures["crm"] is not None and figures["crm"] > 0, op.key
        for engine in op.baselines:
            assert figures[engine] is not None and figures[engine] > 0, (op.key, engine)
    assert len(result["samples"]["tui"]["search_ms"]) == 9
    assert result["samples"]["import_crm"]["purchases"]["timed_rows"] == result["purchases"]
    visits = result["samples"]["screens"]["visits"]
    assert [v["screen"] for v in visits][1:] == [
        "dashboard", "pipeline", "tasks", "segments", "products", "feedback", "settings",
        "360 screen, another customer"]
    assert all(v["peak_mb"] >= v["rss_mb"] > 0 for v in visits)
    sessions = result["samples"]["sessions"]
    assert sessions["aborted"] is None and len(sessions["searchers"]) == 2
    assert sessions["import"]["rows"] > 0


def test_read_scenarios_alone_on_a_copy_of_a_database(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    db = tmp_path / "existing.db"
    generate(db, 100, 600)
    before = {p.relative_to(db): p.read_bytes() for p in db.rglob("*") if p.is_file()}
    out = tmp_path / "reads.json"
    main(["--only", "cold360,sessions", "--db", str(db), "--as-of", "2026-06-15",
          "--out", str(out), *QUICK])
    printed = capsys.readouterr().out
    assert f"{db} (a copy), as of 2026-06-15: 100 customers" in printed
    assert "360 view, new process" in printed
    assert "open TUI" not in printed and "dashboard" not in printed

    (result,) = json.loads(out.read_text())["results"]
    measured = {key for key, figures in result["ops"].items() if figures.get("crm")}
    assert measured == {"view_process", "view_first", "view_first_cpu", "view_second",
                        "view_peak", "ten_rss", "ten_pss", "ten_key_median", "ten_key_p95",
                        "ten_key_max", "ten_import_rate"}
    assert result["ops"]["view_first"]["sqlite"] > 0
    # The sessions' import wrote into the copy, never into the database given.
    assert result["samples"]["sessions"]["import"]["rows"] > 0
    after = {p.relative_to(db): p.read_bytes() for p in db.rglob("*") if p.is_file()}
    assert after == before


def test_an_unknown_scenario_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--only", "cold360,colder", "--sizes", "200"])
    assert stop.value.code == 2
    assert "--only: no scenario named colder" in capsys.readouterr().err
