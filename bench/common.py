"""Timing helpers and a deterministic document generator shared by the benchmarks."""

from __future__ import annotations

import datetime as dt
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

FIRST = ["Ann", "Bob", "Chen", "Dina", "Omar", "Sara", "Youssef", "Lea", "Ivan", "Maya"]
LAST = ["Doe", "Smith", "Alaoui", "Garcia", "Kim", "Novak", "Rossi", "Haddad", "Berg", "Ito"]

ROOT = Path(__file__).resolve().parent.parent  # the project: where `python -m bench.x` runs
AS_OF = dt.date(2026, 6, 15)  # every figure's "today": the generated data's


def open_crm(path: str | Path, as_of: dt.date = AS_OF) -> Crm:
    """A session as the benchmark opens one: a fixed today (as `--as-of` gives) and staff."""
    from crm_tui.services.context import Clock
    from crm_tui.services.crm import Crm

    return Crm.open(path, clock=Clock.at(as_of), staff="bench")


def customer_doc(n: int, rng: random.Random) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "kind": "individual",
        "first_name": first,
        "last_name": last,
        "email": f"{first}.{last}.{n}@example.com".lower(),
        "phone": f"+1 555 {n % 10_000_000:07d}",
        "status": "active",
        "tags": rng.sample(["vip", "b2b", "newsletter", "trade-show", "referral"], 2),
        "total_spent_cents": rng.randrange(0, 500_000),
        "created_at": "2026-01-01T00:00:00",
    }


def docs(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for n in range(count):
        yield customer_doc(n, rng)


def median_ms(action: Callable[[int], object], reps: int) -> float:
    """Median wall time of `action(i)` over `reps` calls, in milliseconds."""
    samples = []
    for i in range(reps):
        start = time.perf_counter()
        action(i)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def memory_mb(pid: int | str = "self") -> tuple[float, float]:
    """(peak, current) resident memory of a process in MB: VmHWM and VmRSS. VmHWM, not
    ru_maxrss: across fork + exec Linux carries the parent's peak into the child's
    ru_maxrss. (0, 0) if the process is gone."""
    found = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = int(value.split()[0]) / 1024  # kB
    except (OSError, ValueError):
        pass
    if pid == "self" and "VmHWM" not in found:  # no /proc: ru_maxrss is KiB on Linux
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak
    return found.get("VmHWM", 0.0), found.get("VmRSS", 0.0)


def cpu_s() -> float:
    """CPU seconds this process has used so far, every thread, user and system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.95: p95) of non-empty samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def in_process(module: str, *args: str) -> dict[str, Any]:
    """`python -m <module> <args>` in a new process; the JSON object it prints last."""
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
