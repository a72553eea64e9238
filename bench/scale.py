"""The scale targets: every target operation on crm-tui, beside stock TinyDB and SQLite.

    python -m bench [--sizes 10000,100000] [--only SCENARIO,...] [--db PATH ...]

For each size: generate N customers and N x events-per-customer events (bench.generate,
fixed seed), give the same data to stock TinyDB and SQLite, write customers.csv and
purchases.csv; then, in this one run, time each operation on the three engines (see
bench/report.py for the list and bench/baselines.py for what the baselines do). Tables go
to stdout, progress to stderr, every figure and sample to a JSON file under bench/out/.

Scenarios (`--only` picks some; all by default): open (the app's start, keystrokes,
badges, memory), export, save, import, and the read scenarios of bench/reads.py:
cold360, dashboard, screens, sessions. `--db PATH` runs the read scenarios on a copy of an
existing database too (a `crm demo` one, say), after the generated sizes.
"""

from __future__ import annotations

import compileall
import datetime as dt
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from . import baselines, crm_ops, dataset, report
from .common import ROOT, in_process
from .generate import generate
from .reads import READS, ReadOptions, Reads
from .tui_timing import AS_OF, SEARCH_KEYS, private_config

OUT = ROOT / "bench" / "out"
CLASSIC = ("open", "export", "save", "import")
SCENARIOS = CLASSIC + READS


@dataclass(frozen=True)
class Options:
    sizes: list[int]
    events_per_customer: int = 10
    seed: int = 1
    out: Path | None = None
    save_reps: int = 50
    badge_reps: int = 5
    open_reps: int = 3  # app starts in this process (the first ones open and close)
    baseline_budget_s: float = 60.0  # per stock-TinyDB operation: at least one run
    import_budget_s: float = 600.0  # past this crm-tui's import is extrapolated
    only: tuple[str, ...] = SCENARIOS
    dbs: tuple[Path, ...] = ()  # existing databases for the read scenarios
    as_of: dt.date | None = None  # their today (default: the wall clock's)
    reads: ReadOptions = field(default_factory=ReadOptions)


class Progress:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:7.1f}s] {message}", file=sys.stderr,
              flush=True)


def budgeted(action: Callable[[int], object], reps: int, budget_s: float) -> list[float]:
    """Run `action(i)` up to `reps` times, stopping once `budget_s` is spent; ms each."""
    samples: list[float] = []
    started = time.perf_counter()
    for i in range(reps):
        t = time.perf_counter()
        action(i)
        samples.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() - started > budget_s:
            break
    return samples


def probe(engine: str, path: Path, customer: int) -> dict[str, Any]:
    """`bench.probe` in a new process (cold-ish: fresh interpreter, warm page cache)."""
    return in_process("bench.probe", engine, str(path), "--customer", str(customer),
                      "--spawned", repr(time.time()))


def search_states(keys: list[str]) -> list[str]:
    """The distinct search-box contents the keystrokes produce, in order."""
    text, states = "", []
    for key in keys:
        text = text[:-1] if key == "backspace" else text + key
        if text and text not in states:
            states.append(text)
    return states


def purchase_doc(customer_id: int) -> dict[str, Any]:
    stamp = f"{AS_OF.isoformat()}T12:00:00"
    return {"customer_id": customer_id, "product_id": None, "item": "Cable", "quantity": 1,
            "unit_price": 999, "total": 999, "date": AS_OF.isoformat(),
            "payment_method": "card", "status": "completed", "external_id": None,
            "created_at": stamp, "updated_at": stamp, "created_by": "bench", "points": 9}


class SizeRun:
    """Every figure for one size; `result` is what goes to the JSON file."""

    def __init__(self, size: int, options: Options, say: Callable[[str], None]) -> None:
        self.size, self.options, self.say = size, options, say
        self.events = size * options.events_per_customer
        self.ops: dict[str, dict[str, float | None]] = {}
        self.samples: dict[str, Any] = {}
        self.notes: list[str] = []

    def put(self, op: str, engine: str, value: float | None) -> None:
        self.ops.setdefault(op, {})[engine] = value

    def run(self, root: Path) -> dict[str, Any]:
        n, only = f"{self.size:,}", self.options.only
        if any(name in only for name in CLASSIC):
            self.say(f"{n}: generating {n} customers, {self.events:,} events and the "
                     "baselines")
            paths, build = dataset.build(root, self.size, self.events, self.options.seed)
            purchases = dataset.count_rows(paths.purchases_csv)
        else:
            self.say(f"{n}: generating {n} customers and {self.events:,} events")
            paths = dataset.paths_in(root)
            build = {"generate_s": generate(paths.crm, self.size, self.events,
                                            self.options.seed)["total_s"]}
            purchases = 0
        self.say(f"{n}: built in {sum(build.values()):.0f} s "
                 + ", ".join(f"{k} {v:.1f}" for k, v in build.items()))
        if "open" in only:
            self.tui(paths)
            self.processes(paths)
            self.searches(paths)
        if "export" in only:
            self.exports(paths, root)
        if "save" in only:
            self.saves(paths)
        if "import" in only:
            self.imports(paths, root, purchases)
        reads = Reads(self, paths.crm, root, AS_OF, self.options.reads)
        reads.all(only)
        if reads.counts is not None and not purchases:
            purchases = reads.counts.purchases
        return {"customers": self.size, "events": self.events, "purchases": purchases,
                "build_s": build, "ops": self.ops, "samples": self.samples,
                "notes": self.notes, "load_after": os.getloadavg()}

    # ----- the running app --------------------------------------------------------------
    def tui(self, paths: dataset.Paths) -> None:
        reps = max(1, self.options.open_reps)
        self.say(f"{self.size:,}: the app: open x {reps}, then {len(SEARCH_KEYS)} keystrokes "
                 f"and {self.options.badge_reps} badge updates")
        # Each session in a fresh process (see bench.session): this one holds gigabytes of
        # generated data and baselines, which are not the app's.
        opens = [in_process("bench.session", str(paths.crm), "--open-only")
                 for _ in range(reps - 1)]
        tui = in_process("bench.session", str(paths.crm),
                         "--badge-reps", str(self.options.badge_reps))
        opens.append({k: tui[k] for k in ("open_s", "painted_s", "detail_s")})
        self.samples["tui"], self.samples["opens"] = tui, opens
        self.first_customer = tui["first_customer"] or 1
        open_s = [o["open_s"] for o in opens]
        self.put("open", "crm", statistics.median(open_s))
        self.put("painted", "crm", statistics.median(o["painted_s"] for o in opens))
        if len(open_s) > 1:
            self.notes.append("crm-tui open in-process, each start (s): "
                              + ", ".join(f"{x:.2f}" for x in open_s))
        self.put("search", "crm", statistics.median(tui["search_ms"]))
        self.put("search_max", "crm", max(tui["search_ms"]))
        self.put("badge", "crm", statistics.median(tui["badge_ms"]) if tui["badge_ms"] else None)
        budget = self.options.baseline_budget_s
        opened = {"tinydb": budgeted(lambda i: baselines.tinydb_open(paths.tinydb), 3, budget),
                  "sqlite": budgeted(lambda i: baselines.sqlite_open(paths.sqlite), 20, budget)}
        for engine, samples in opened.items():
            self.put("open", engine, statistics.median(samples) / 1000)
        self.samples["open_baselines_ms"] = opened

    def processes(self, paths: dataset.Paths) -> None:
        reps = max(1, self.options.open_reps)
        self.say(f"{self.size:,}: open in a new process x {reps} (crm-tui, TinyDB, SQLite), RSS")
        # Each figure is the median of `reps` starts, as for the in-process open: a single
        # start of the same app on this machine varied by up to 1.5x.
        runs = {engine: [probe(engine, path, self.first_customer) for _ in range(reps)]
                for engine, path in (("crm", paths.crm), ("tinydb", paths.tinydb),
                                     ("sqlite", paths.sqlite))}
        self.samples["processes"] = runs
        for engine, starts in runs.items():
            for op, key in (("open_process", "process_s"), ("detail", "detail_s"),
                            ("memory", "rss_mb")):
                self.put(op, engine, statistics.median(r[key] for r in starts))
        self.notes.append("crm-tui open in a new process, each start (s): "
                          + ", ".join(f"{r['process_s']:.2f}" for r in runs["crm"]))

    def searches(self, paths: dataset.Paths) -> None:
        states = search_states(SEARCH_KEYS)
        self.say(f"{self.size:,}: baseline searches {states}")
        db = baselines.tinydb_open(paths.tinydb)[0]
        con = baselines.sqlite_open(paths.sqlite)[0]
        budget = self.options.baseline_budget_s
        runs = {"tinydb": budgeted(lambda i: baselines.tinydb_search(db, states[i]),
                                   len(states), budget),
                "sqlite": budgeted(lambda i: baselines.sqlite_search(con, states[i]),
                                   len(states), budget)}
        db.close()
        con.close()
        self.samples["search_baselines_ms"] = runs
        for engine, samples in runs.items():
            self.put("search", engine, statistics.median(samples))
            self.put("search_max", engine, max(samples))
        if len(runs["tinydb"]) < len(states):
            self.notes.append(f"stock TinyDB search: {len(runs['tinydb'])} of {len(states)} "
                              f"search strings timed (budget {budget:.0f} s)")

    def exports(self, paths: dataset.Paths, root: Path) -> None:
        self.say(f"{self.size:,}: export customers CSV")
        crm = crm_ops.time_export(paths.crm, root / "export-crm.csv")
        self.put("export_customers", "crm", crm["seconds"])
        for engine, action in (("tinydb", baselines.tinydb_export),
                               ("sqlite", baselines.sqlite_export)):
            started = time.perf_counter()
            action(getattr(paths, engine), root / f"export-{engine}.csv")
            self.put("export_customers", engine, time.perf_counter() - started)

    def saves(self, paths: dataset.Paths) -> None:
        reps, budget = self.options.save_reps, self.options.baseline_budget_s
        self.say(f"{self.size:,}: save one purchase x {reps}")
        crm = crm_ops.time_save(paths.crm, self.size, reps)
        self.put("save", "crm", crm["median_ms"])
        self.put("save_first", "crm", crm["first_ms"])

        def customer(i: int) -> int:
            return 1 + (i * 7919) % self.size

        db = baselines.tinydb_open(paths.tinydb)[0]
        tiny = budgeted(lambda i: baselines.tinydb_save(db, customer(i), purchase_doc(
            customer(i))), reps, budget)
        db.close()
        con = baselines.sqlite_open(paths.sqlite)[0]
        lite = budgeted(lambda i: baselines.sqlite_save(con, customer(i), purchase_doc(
            customer(i))), reps, budget)
        con.close()
        self.samples["save_ms"] = {"tinydb": tiny, "sqlite": lite}
        for engine, samples in (("tinydb", tiny), ("sqlite", lite)):
            self.put("save", engine, statistics.median(samples))
            self.put("save_first", engine, samples[0])
        if len(tiny) < reps:
            self.notes.append(f"stock TinyDB save: {len(tiny)} of {reps} saves timed "
                              f"(budget {budget:.0f} s; each rewrites the whole file twice)")

    def imports(self, paths: dataset.Paths, root: Path, purchases: int) -> None:
        budget = self.options.import_budget_s
        self.say(f"{self.size:,}: import {self.size:,} customers then {purchases:,} purchases "
                 f"(crm-tui budget {budget:.0f} s each)")
        db = root / "import.db"
        timings = {}
        for kind, csv_path, rows in (("customers", paths.customers_csv, self.size),
                                     ("purchases", paths.purchases_csv, purchases)):
            t = crm_ops.time_import(db, kind, csv_path, rows, budget)
            timings[kind] = t.__dict__
            self.put(f"import_{kind}", "crm", t.seconds)
            if t.extrapolated:
                self.notes.append(
                    f"crm-tui import {kind}: EXTRAPOLATED from the first {t.timed_rows:,} of "
                    f"{t.rows:,} rows ({t.timed_rows / t.measured_s:,.0f} rows/s over "
                    f"{t.measured_s:.0f} s), assuming the rate holds")
            elif t.failed:
                self.notes.append(f"crm-tui import {kind}: {t.failed} rows failed")
            self.say(f"{self.size:,}: import {kind}: {t.seconds:.1f} s"
                     + (" (extrapolated)" if t.extrapolated else ""))
        self.samples["import_crm"] = timings
        stock = baselines.tinydb_import(TinyDB(root / "import.json"), paths.customers_csv,
                                        paths.purchases_csv)
        con = sqlite3.connect(root / "import.sqlite")
        lite = baselines.sqlite_import(con, paths.customers_csv, paths.purchases_csv)
        con.close()
        for engine, (customers_s, purchases_s) in (("tinydb", stock), ("sqlite", lite)):
            self.put("import_customers", engine, customers_s)
            self.put("import_purchases", engine, purchases_s)


class DbRun(SizeRun):
    """The read scenarios on a copy of an existing database (the copy is what they read,
    and what the sessions' import writes into)."""

    def __init__(self, source: Path, options: Options, say: Progress) -> None:
        super().__init__(0, options, say)
        self.source = source
        self.say = lambda message: say(f"{source.name}: {message}")

    def run(self, root: Path) -> dict[str, Any]:
        crm = root / "crm.db"
        self.say(f"copying {self.source}")
        shutil.copytree(self.source, crm)
        (crm / "lock").unlink(missing_ok=True)  # ours: no session of the original holds it
        as_of = self.options.as_of or dt.date.today()
        reads = Reads(self, crm, root, as_of, self.options.reads)
        counts = reads.prepare()
        reads.all(self.options.only)
        return {"database": str(self.source), "as_of": as_of.isoformat(),
                "customers": counts.customers, "events": counts.events,
                "purchases": counts.purchases, "ops": self.ops, "samples": self.samples,
                "notes": self.notes, "load_after": os.getloadavg()}


def _git(*args: str) -> str:
    """A read-only git query about the code being measured ("" if git is unavailable)."""
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.rstrip()


def machine() -> dict[str, Any]:
    changed = _git("status", "--porcelain", "--", "crm_tui").splitlines()
    return {"cpus": os.cpu_count(), "load_before": os.getloadavg(), "python": sys.version,
            "date": time.strftime("%Y-%m-%d %H:%M:%S"), "commit": _git("rev-parse", "HEAD").strip(),
            "uncommitted": [line[3:] for line in changed]}


def run(options: Options) -> dict[str, Any]:
    say = Progress()
    OUT.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(OUT).free / 2**30
    info = machine()
    say(f"load average {info['load_before'][0]:.2f} {info['load_before'][1]:.2f} "
        f"{info['load_before'][2]:.2f} on {info['cpus']} CPUs; {free:.0f} GiB free under "
        f"{OUT}")
    # As installing the app does (pip compiles what it installs): every process of the
    # run then loads compiled modules, as a user's `crm` does after its first start, even
    # where PYTHONDONTWRITEBYTECODE would have each one compile the app from source.
    compileall.compile_dir(ROOT / "crm_tui", quiet=1)
    compileall.compile_dir(ROOT / "bench", quiet=1)
    results = []
    runs: list[tuple[str, SizeRun]] = [(str(size), SizeRun(size, options, say))
                                       for size in options.sizes]
    runs += [(f"db{n}", DbRun(db, options, say)) for n, db in enumerate(options.dbs)]
    with tempfile.TemporaryDirectory(dir=OUT, prefix="scale-") as tmp:
        private_config(Path(tmp))
        for name, size_run in runs:
            root = Path(tmp) / name
            root.mkdir()
            results.append(size_run.run(root))
            shutil.rmtree(root)
    doc = {"machine": info, "options": {**options.__dict__, "out": str(options.out)},
           "results": results}
    out = options.out or OUT / f"scale-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=1, default=str))
    print_report(doc)
    say(f"done; figures in {out}")
    return doc


def print_report(doc: dict[str, Any]) -> None:
    info = doc["machine"]
    load = " ".join(f"{x:.2f}" for x in info["load_before"])
    print(f"crm-tui scale benchmark, {info['date']}, {info['cpus']} CPUs, "
          f"load average before the run {load} (1, 5, 15 min)")
    changed = info.get("uncommitted") or []
    print(f"code: commit {info.get('commit', '')[:10] or '?'}"
          + (f" + uncommitted changes to {', '.join(changed)}" if changed else ""))
    print("times: s or ms as marked; crm-tui and SQLite fsync each save, stock TinyDB never "
          "does; ratio = baseline / crm-tui (>1: crm-tui is faster/smaller)")
    for result in doc["results"]:
        after = " ".join(f"{x:.2f}" for x in result["load_after"])
        where = (f"{result['database']} (a copy), as of {result['as_of']}: "
                 if "database" in result else "")
        print(f"\n== {where}{result['customers']:,} customers, {result['events']:,} events "
              f"({result['purchases']:,} purchases); load average after: {after} ==")
        for lines in (report.size_table(result), report.notes(result),
                      report.cold_screens_table(result), report.screens_table(result),
                      report.sessions_table(result)):
            if lines:
                print("\n".join(lines))
    if len(doc["results"]) >= 2:
        print("\n== how each cost grows (same figures at each size; x = large / small) ==")
        print("\n".join(report.growth_table(doc["results"])))
