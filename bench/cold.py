"""One cold read in a process of its own: a customer's 360 view, the dashboard's figures, or
one screen's first-paint data, on crm-tui or on the SQLite copy (bench/history.py).

    python -m bench.cold view|dashboard|SCREEN PATH [--engine crm|sqlite]
                         [--customers A,B] [--as-of YYYY-MM-DD] --spawned WALL_TIME

Prints one JSON object, times in seconds from the process's spawn (`--spawned`, the
parent's time.time() then; the interpreter's start and imports count) or from the open:

- `process_s`: spawn -> the first answer (a 360 view: the first customer's);
- `open_s`: the database opened (crm-tui: `Crm.open`; SQLite: `connect`);
- `first_s`, `first_cpu_s`: the first answer after the open, wall and CPU (every thread);
- view only: `second_s`, `second_cpu_s`: the second customer's 360 view right after;
- `peak_mb`, `rss_mb`: VmHWM and VmRSS at the end; `found`: how much was read (a check).

crm-tui's 360 view is `customer_detail` (what the detail pane and the customer screen
show), its dashboard `collect_figures`, its screens bench/screen_data.py; SQLite's are
`history.detail` and `history.dashboard`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import cpu_s, memory_mb, open_crm

WHATS = ("view", "dashboard", "customers", "pipeline", "tasks", "segments", "products",
         "feedback")


def _timed(action: Callable[[], int]) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), cpu_s()
    found = action()
    return time.perf_counter() - wall, cpu_s() - cpu, found


def _open(engine: str, path: Path, as_of: dt.date) -> Any:
    if engine == "sqlite":
        import sqlite3

        return sqlite3.connect(path)
    return open_crm(path, as_of)


def _answer(engine: str, handle: Any, what: str, customer_id: int, as_of: dt.date) -> int:
    if engine == "sqlite":
        from . import history

        if what == "view":
            return history.detail(handle, customer_id)
        return history.dashboard(handle, as_of)
    if what == "view":
        from crm_tui.services.customer_view import customer_detail

        d = customer_detail(handle, customer_id)
        return sum(map(len, (d.purchases, d.interactions, d.opportunities, d.tasks, d.notes,
                             d.feedback, d.ledger)))
    from .screen_data import SCREENS

    return SCREENS[what](handle)


def run(what: str, engine: str, path: Path, customers: list[int], as_of: dt.date,
        spawned: float) -> dict[str, Any]:
    if engine == "sqlite" and what not in ("view", "dashboard"):
        raise SystemExit(f"no SQLite equivalent of {what!r}")
    if engine == "crm" and what != "view":
        from . import screen_data  # noqa: F401  (imports the screens' modules: see there)
    wall_start, started = time.time(), time.perf_counter()
    handle = _open(engine, path, as_of)
    result: dict[str, Any] = {"open_s": time.perf_counter() - started, "found": []}
    for n, customer_id in enumerate(customers if what == "view" else customers[:1]):
        seconds, cpu, found = _timed(lambda c=customer_id: _answer(engine, handle, what, c,
                                                                   as_of))
        result["found"].append(found)
        if n == 0:
            result.update(first_s=seconds, first_cpu_s=cpu,
                          process_s=wall_start - spawned + time.perf_counter() - started)
        else:
            result.update(second_s=seconds, second_cpu_s=cpu)
    result["peak_mb"], result["rss_mb"] = memory_mb()
    result["cpu_s"] = cpu_s()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=WHATS)
    parser.add_argument("path", type=Path)
    parser.add_argument("--engine", choices=["crm", "sqlite"], default="crm")
    parser.add_argument("--customers", default="1", help="comma-separated ids (view)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--spawned", type=float, required=True)
    args = parser.parse_args()
    ids = [int(c) for c in args.customers.split(",")]
    print(json.dumps(run(args.what, args.engine, args.path, ids, args.as_of, args.spawned)))


if __name__ == "__main__":
    main()
