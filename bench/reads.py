"""The read scenarios: cold 360 view, cold dashboard, every screen's first paint and the
memory after it, ten sessions with one importing. Each beside SQLite where SQLite has an
equivalent (bench/history.py), each crm-tui figure from processes of their own.

    Reads(run, crm_path, root, as_of, options).all(selected)

- cold360: `bench.cold view` in a new process, `reps` times: spawn -> the busiest
  customer's 360 view, the view's own time and CPU after the open, then another
  customer's; SQLite: the same customers' rows by index in a new process.
- dashboard: `bench.cold dashboard`, `reps` times: every figure the dashboard draws;
  SQLite: the same figures by GROUP BY.
- screens: each screen's first-paint data headless in a new process of its own
  (`bench.cold SCREEN`, once each), then the real app in one new process visiting every
  screen (`bench.session --screens`): time to each first paint, CPU, memory after each.
- sessions: `bench.sessions` on this database (last: its import writes into it).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from . import history, sessions
from .cold import WHATS
from .common import in_process

READS = ("cold360", "dashboard", "screens", "sessions")
HEADLESS = [w for w in WHATS if w not in ("view", "dashboard")]


class Recorder(Protocol):
    """Where a scenario puts its figures (bench.scale's SizeRun)."""

    samples: dict[str, Any]
    notes: list[str]
    say: Callable[[str], None]

    def put(self, op: str, engine: str, value: float | None) -> None: ...


@dataclass(frozen=True)
class ReadOptions:
    reps: int = 3  # new-process starts per cold figure (median reported)
    sessions: int = 10
    sessions_seconds: float = 60.0
    sessions_quiet_s: float = 5.0  # the sessions type this long before the import starts
    think_ms: float = 150.0


def _median(runs: list[dict[str, Any]], key: str, scale: float = 1.0) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) * scale if values else None


class Reads:
    def __init__(self, run: Recorder, crm: Path, root: Path, as_of: dt.date,
                 options: ReadOptions) -> None:
        self.run, self.crm, self.root, self.as_of, self.options = run, crm, root, as_of, options
        self.sqlite = root / "history.sqlite"
        self.counts: history.Counts | None = None

    def prepare(self) -> history.Counts:
        """The SQLite copy (once): the baselines' data, the customers the views show."""
        if self.counts is None:
            self.run.say("SQLite copy of every table the 360 view and dashboard read")
            self.counts = history.copy(self.crm, self.sqlite)
        return self.counts

    def all(self, selected: tuple[str, ...]) -> None:
        for name in READS:  # in this order: the sessions' import changes the database
            if name in selected:
                getattr(self, f"scenario_{name}")()

    def cold(self, what: str, engine: str, customers: list[int]) -> list[dict[str, Any]]:
        path = self.sqlite if engine == "sqlite" else self.crm
        reps = 1 if what in HEADLESS else max(1, self.options.reps)
        return [in_process("bench.cold", what, str(path), "--engine", engine,
                           "--customers", ",".join(map(str, customers)),
                           "--as-of", self.as_of.isoformat(), "--spawned", repr(time.time()))
                for _ in range(reps)]

    def _both(self, what: str, ops: list[tuple[str, str, float]],
              customers: list[int]) -> dict[str, list[dict[str, Any]]]:
        runs = {engine: self.cold(what, engine, customers) for engine in ("crm", "sqlite")}
        for engine, found in runs.items():
            for op, key, scale in ops:
                self.run.put(op, engine, _median(found, key, scale))
        self.run.samples[f"cold_{what}"] = runs
        return runs

    # ----- scenarios ---------------------------------------------------------------------
    def scenario_cold360(self) -> None:
        counts = self.prepare()
        customers = [counts.busiest, counts.typical]
        self.run.say(f"cold 360 view of customers {customers[0]} then {customers[1]}, "
                     f"new process x {self.options.reps} (crm-tui, SQLite)")
        runs = self._both("view", [("view_process", "process_s", 1),
                                   ("view_first", "first_s", 1000),
                                   ("view_first_cpu", "first_cpu_s", 1000),
                                   ("view_second", "second_s", 1000),
                                   ("view_peak", "peak_mb", 1)], customers)
        self.run.notes.append(
            f"360 views of customer {customers[0]} (most purchases) then {customers[1]}: "
            f"crm-tui read {runs['crm'][0]['found']} history records, SQLite "
            f"{runs['sqlite'][0]['found']} rows (its customer row included)")

    def scenario_dashboard(self) -> None:
        self.prepare()
        self.run.say(f"cold dashboard figures, new process x {self.options.reps}")
        self._both("dashboard", [("dash_process", "process_s", 1), ("dash_first", "first_s", 1),
                                 ("dash_cpu", "first_cpu_s", 1), ("dash_peak", "peak_mb", 1)],
                   [1])

    def scenario_screens(self) -> None:
        self.prepare()
        self.run.say(f"each screen's first-paint data in a new process: {', '.join(HEADLESS)}")
        headless = {}
        for what in HEADLESS:
            (found,) = self.cold(what, "crm", [1])
            headless[what] = found
            self.run.put(f"cold_{what}", "crm", found["process_s" if what == "customers"
                                                      else "first_s"])
        self.run.samples["cold_screens"] = headless
        self.run.say("the app in a new process, visiting every screen")
        tui = in_process("bench.session", str(self.crm), "--screens",
                         "--as-of", self.as_of.isoformat())
        self.run.samples["screens"] = tui
        for visit in tui["visits"][1:]:
            self.run.put(f"tui_{visit['screen'].split(',')[0]}", "crm", visit["paint_s"])
        self.run.put("tui_peak", "crm", max(v["peak_mb"] for v in tui["visits"]))
        baseline = [r["peak_mb"] for key in ("cold_view", "cold_dashboard")
                    for r in self.run.samples.get(key, {}).get("sqlite", [])]
        if baseline:
            self.run.put("tui_peak", "sqlite", max(baseline))

    def scenario_sessions(self) -> None:
        counts = self.prepare()
        n, seconds = self.options.sessions, self.options.sessions_seconds
        rows = min(1_000_000, 6 * counts.customers)
        self.run.say(f"{n} sessions on one database, one importing (up to {rows:,} purchases, "
                     f"at most {seconds:.0f} s)")
        csv_path = self.root / "sessions-purchases.csv"
        sessions.purchases_csv(history.customer_emails(self.sqlite), csv_path, rows,
                               self.as_of)
        found = sessions.run(self.crm, csv_path, sessions=n, seconds=seconds,
                             quiet_s=self.options.sessions_quiet_s,
                             think_ms=self.options.think_ms, as_of=self.as_of,
                             say=self.run.say)
        self.run.samples["sessions"] = found
        if found["aborted"]:
            self.run.notes.append(f"{n} sessions: {found['aborted']}")
        self.run.put("ten_rss", "crm", found["rss_peak_mb"])
        self.run.put("ten_pss", "crm", found["pss_peak_mb"])
        during = [s["during"] for s in found.get("searchers", []) if s["during"]["keys"]]
        for op, key in (("ten_key_median", "median_ms"), ("ten_key_p95", "p95_ms"),
                        ("ten_key_max", "max_ms")):  # the worst session's
            self.run.put(op, "crm", max((d[key] for d in during), default=None))
        imported = found.get("import")
        if imported:
            self.run.put("ten_import_rate", "crm", imported["rows_per_s"])
