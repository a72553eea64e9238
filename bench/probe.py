"""One engine's "open the customers screen" in a process of its own: cold-ish time and RSS.

    python -m bench.probe crm|tinydb|sqlite PATH --customer ID --spawned WALL_TIME

Prints one JSON object: `process_s` (from the parent's spawn to the first 40 rows),
`open_s` (from opening the database to the first rows), `detail_s` (to one customer's
history loaded), and `rss_mb`, the process's peak resident memory at the end
(VmHWM). For crm-tui, "first rows" is the real app's first frame with customer rows
(headless, 120x40) and "detail" the detail pane showing the highlighted customer, which
loads the event tables; the baselines load the customers, sort, and then fetch the
customer's purchases and interactions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

from .common import memory_mb


def probe_crm(path: Path) -> dict[str, Any]:
    from .frames import row_probe
    from .tui_timing import running_app

    async def run() -> dict[str, Any]:
        with row_probe() as log:
            async with running_app(path, log) as session:
                return {**session.times, "shown_customer": log.detail_id}

    return asyncio.run(run())


def probe_baseline(engine: str, path: Path, customer_id: int) -> dict[str, Any]:
    from . import baselines

    wall_start, started = time.time(), time.perf_counter()
    if engine == "tinydb":
        db, _ = baselines.tinydb_open(path)
        opened = time.perf_counter()
        baselines.tinydb_detail(db, customer_id)
    else:
        con, _ = baselines.sqlite_open(path)
        opened = time.perf_counter()
        baselines.sqlite_detail(con, customer_id)
    return {"open_s": opened - started, "detail_s": time.perf_counter() - started,
            "wall_start": wall_start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("engine", choices=["crm", "tinydb", "sqlite"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--customer", type=int, default=1)
    parser.add_argument("--spawned", type=float, required=True)
    args = parser.parse_args()
    if args.engine == "crm":
        result = probe_crm(args.path)
    else:
        result = probe_baseline(args.engine, args.path, args.customer)
    result["process_s"] = result.pop("wall_start") - args.spawned + result["open_s"]
    result["rss_mb"] = memory_mb()[0]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
