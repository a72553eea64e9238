"""Ten sessions on one database, one of them importing: their memory and keystroke latency.

    run(db, csv, sessions=10, seconds=60, ...)  -> dict   (bench.scale prints it)

Starts `sessions` processes of `bench.headless_session` on the same database (each opens
it and loads the customers list, as a person at the customers screen has), waits until
all are ready, then lets `sessions - 1` of them type searches and, `quiet_s` seconds
later, the last one import a purchases CSV into that database for at most `seconds`.
When the import ends the others are told to stop. Every half second it samples each
session's resident memory (RSS, and PSS, which splits pages shared between processes
fairly), with the import's own reading process counted in its session.

Bounded: past `seconds` the import stops itself; the sessions are killed (by their
process group, which this module created) if they overrun by a minute or if the machine's
available memory falls under `MIN_AVAILABLE_MB` (there is no swap to fall back on).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import selectors
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .common import memory_mb, percentile

ROOT = Path(__file__).resolve().parent.parent
MIN_AVAILABLE_MB = 1024
SAMPLE_S = 0.5
ITEMS = [("Laptop", 120_000), ("Monitor", 32_000), ("Keyboard", 7_900), ("Mouse", 2_500),
         ("Cable", 999), ("Support plan", 49_900)]
HEADER = ["external_id", "customer_email", "item", "quantity", "unit_price", "total", "date",
          "payment_method", "status"]


def purchases_csv(emails: list[str], out: Path, rows: int, as_of: dt.date, seed: int = 1
                  ) -> int:
    """A purchases CSV naming existing customers by email, dated in the year before as_of."""
    rng = random.Random(seed)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for n in range(rows):
            item, cents = rng.choice(ITEMS)
            day = as_of - dt.timedelta(days=rng.randrange(365))
            money = f"{cents // 100}.{cents % 100:02d}"
            writer.writerow([f"S{n:08d}", rng.choice(emails), item, 1, money, money,
                             day.isoformat(), "card", "completed"])
    return rows


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            found += [int(c) for c in text.split()]
    except (OSError, ValueError):
        pass
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += _children(p)
    return pids


def _pss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def _available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("inf")


@dataclass
class Session:
    role: str
    process: subprocess.Popen[str]
    ready: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)
    peak_rss_mb: float = 0.0  # the most its process tree held at one sample

    def memory(self) -> tuple[float, float]:
        """(RSS, PSS) of the session's process tree now, MB."""
        pids = _tree(self.process.pid)
        return sum(memory_mb(p)[1] for p in pids), sum(_pss_mb(p) for p in pids)

    def send(self, line: str) -> None:
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)


def latency(samples: list[tuple[float, float]], start: float, end: float) -> dict[str, Any]:
    """Median, p95 and slowest of the keystrokes that started in [start, end), ms."""
    chosen = [ms for wall, ms in samples if start <= wall < end]
    if not chosen:
        return {"keys": 0, "median_ms": None, "p95_ms": None, "max_ms": None}
    return {"keys": len(chosen), "median_ms": statistics.median(chosen),
            "p95_ms": percentile(chosen, 0.95), "max_ms": max(chosen)}


class Ten:
    """One run of the scenario (see the module docstring)."""

    def __init__(self, db: Path, csv_path: Path, sessions: int, seconds: float, quiet_s: float,
                 think_ms: float, as_of: dt.date, say: Callable[[str], None]) -> None:
        self.db, self.csv, self.as_of, self.say = db, csv_path, as_of, say
        self.seconds, self.quiet_s, self.think_ms = seconds, quiet_s, think_ms
        self.roles = ["search"] * (sessions - 1) + ["import"]
        self.sessions: list[Session] = []
        self.aborted: str | None = None
        self.peak_rss = self.peak_pss = 0.0

    def start(self, n: int, role: str) -> Session:
        seconds = self.seconds if role == "import" else self.quiet_s + self.seconds + 30
        args = [sys.executable, "-m", "bench.headless_session", str(self.db), role,
                "--csv", str(self.csv), "--seconds", str(seconds), "--seed", str(n + 1),
                "--think-ms", str(self.think_ms), "--as-of", self.as_of.isoformat()]
        process = subprocess.Popen(args, cwd=ROOT, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   text=True, start_new_session=True)
        return Session(role, process)

    def sample(self) -> float:
        """Memory of every session now; the total RSS. Aborts the run if memory runs low."""
        total_rss = total_pss = 0.0
        for s in self.sessions:
            rss, pss = s.memory()
            s.peak_rss_mb = max(s.peak_rss_mb, rss)
            total_rss, total_pss = total_rss + rss, total_pss + pss
        self.peak_rss, self.peak_pss = max(self.peak_rss, total_rss), max(self.peak_pss,
                                                                          total_pss)
        if _available_mb() < MIN_AVAILABLE_MB and self.aborted is None:
            self.aborted = f"stopped: the machine had under {MIN_AVAILABLE_MB} MB available"
        return total_rss

    def wait_ready(self, budget_s: float) -> None:
        selector = selectors.DefaultSelector()
        for s in self.sessions:
            assert s.process.stdout is not None
            selector.register(s.process.stdout, selectors.EVENT_READ, s)
        deadline = time.monotonic() + budget_s
        waiting = len(self.sessions)
        while waiting and self.aborted is None:
            if time.monotonic() > deadline:
                self.aborted = f"stopped: sessions not ready after {budget_s:.0f} s"
                break
            for key, _ in selector.select(SAMPLE_S):
                s = key.data
                stream: IO[str] = key.fileobj  # type: ignore[assignment]
                line = stream.readline()
                selector.unregister(stream)
                waiting -= 1
                if not line:
                    self.aborted = f"stopped: a {s.role} session failed to start"
                else:
                    s.ready = json.loads(line)
            self.sample()
        selector.close()

    def run(self) -> dict[str, Any]:
        started = time.time()
        self.sessions = [self.start(n, role) for n, role in enumerate(self.roles)]
        try:
            self.wait_ready(600)
            ready_s = time.time() - started
            ready_rss = self.sample()
            ready_pss = sum(s.memory()[1] for s in self.sessions)
            self.say(f"sessions ready in {ready_s:.1f} s, {ready_rss:,.0f} MB RSS in all")
            if self.aborted is None:
                self.drive()
            return self.results(ready_s, ready_rss, ready_pss)
        finally:
            for s in self.sessions:
                s.kill()

    def drive(self) -> None:
        searchers, importer = self.sessions[:-1], self.sessions[-1]
        self.go = time.time()
        for s in searchers:
            s.send("go")
        while time.time() < self.go + self.quiet_s and self.aborted is None:
            self.sample()
            time.sleep(SAMPLE_S)
        importer.send("go")
        hard = time.time() + self.seconds + 60
        while importer.process.poll() is None and self.aborted is None:
            if time.time() > hard:
                self.aborted = "stopped: the import overran its time by a minute"
            self.sample()
            time.sleep(SAMPLE_S)
        for s in searchers:
            s.send("stop")
        for s in self.sessions:
            try:
                out, _ = s.process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                s.kill()
                out = ""
            lines = out.strip().splitlines()
            s.result = json.loads(lines[-1]) if lines else {}

    def results(self, ready_s: float, ready_rss: float, ready_pss: float) -> dict[str, Any]:
        found: dict[str, Any] = {
            "sessions": len(self.sessions), "ready_s": ready_s, "aborted": self.aborted,
            "rss_ready_mb": ready_rss, "pss_ready_mb": ready_pss,
            "rss_peak_mb": self.peak_rss, "pss_peak_mb": self.peak_pss,
            "load_s": [s.ready.get("load_s") for s in self.sessions]}
        imported = self.sessions[-1].result
        if self.aborted is not None or not imported:
            return found
        begin, end = imported["import_start"], imported["import_end"]
        seconds = end - begin
        found["import"] = {**imported, "seconds": seconds,
                           "rows_per_s": imported["rows"] / seconds if seconds > 0 else None,
                           "peak_mb": self.sessions[-1].peak_rss_mb}
        found["searchers"] = [
            {"quiet": latency(s.result.get("samples", []), self.go, begin),
             "during": latency(s.result.get("samples", []), begin, end),
             "cpu_s": s.result.get("cpu_s"), "peak_mb": s.peak_rss_mb,
             # every keystroke: (seconds from the import's start, ms)
             "keys": [(round(wall - begin, 3), round(ms, 2))
                      for wall, ms in s.result.get("samples", [])]}
            for s in self.sessions[:-1]]
        return found


def run(db: Path, csv_path: Path, *, sessions: int = 10, seconds: float = 60.0,
        quiet_s: float = 5.0, think_ms: float = 150.0, as_of: dt.date,
        say: Callable[[str], None] = print) -> dict[str, Any]:
    return Ten(db, csv_path, sessions, seconds, quiet_s, think_ms, as_of, say).run()
