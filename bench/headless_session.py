"""One of the ten sessions of `bench.sessions`: the headless equivalent of a person at the
customers screen, or of one running an import.

    python -m bench.headless_session PATH search|import [--csv FILE] [--seconds 60]
                                     [--think-ms 150] [--seed N] [--as-of DAY]

It runs as the `crm` command does (the collector tuned by its entry point, `tune_collector`:
with Python's defaults every session walked all its objects in a full collection every few
import commits, all of them at about the same moment), opens the database as the app does
(`Crm`) and loads the customers list (the default query, one screenful of rows, the search
text made: what the customers screen holds), prints `{"ready": ...}`, and waits for a line
on stdin. Then, for at most `--seconds`:

- search: keystrokes through the customer list service, as the screen asks them: the
  quick answer for the text typed so far (`query_now`, which never catches up), else the
  query a worker would ask, and the rows of the first screenful; words typed a letter at
  a time, then erased a letter at a time, `--think-ms` apart (someone typing); each
  keystroke's start (time.time()) and latency (ms) is recorded. Meanwhile a thread does
  what the app's poll does once a second: catch up with the other sessions' commits and,
  when there were some, ask the screen's query again (as its refresh does, in a worker).
  It stops at the deadline or on a second stdin line.
- import: `import_file` of a purchases CSV into the same database, stopped at the
  deadline (at the end of a chunk).

Prints one JSON object at the end (samples, import rows and times, CPU, memory).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

from crm_tui.cli.entry import tune_collector
from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import ListQuery
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.stopped import StopImport

from .common import AS_OF, cpu_s, memory_mb, open_crm
from .screen_data import SCREENFUL

POLL_S = 1.0  # the app's POLL_SECONDS
# Pieces of names, emails and places common in both the demo and the generated data.
WORDS = ["ann", "mar", "son", "lee", "ra", "el", "chen", "tin", "ber", "ka", "smi", "sara",
         "ali", "ez", "dav", "example", "on", "ne"]


class Stop(StopImport):
    """The deadline passed, or the parent said stop."""


def texts(rng: random.Random) -> Any:
    """Search-box contents, one per keystroke: a word typed, then erased, forever."""
    while True:
        word = rng.choice(WORDS)
        yield from (word[:n] for n in range(1, len(word) + 1))
        yield from (word[:n] for n in range(len(word) - 1, -1, -1))


def keystroke(crm: Crm, text: str) -> None:
    listing = crm.customer_list
    query = ListQuery(text=text)
    ids = listing.query_now(query)
    if ids is None:
        ids = listing.query(query)
    listing.rows_now(ids[:SCREENFUL])


def poll(crm: Crm, typed: list[str], stop: threading.Event, phase_s: float) -> None:
    """The app's poll (crm_tui/tui/app.py, once a second) and the customers screen's
    refresh when it saw commits: the query for the text typed last, asked again. The
    first poll comes `phase_s` in: sessions opened at different moments poll at
    different moments, not the nine at once."""
    seen = crm.db.generation
    if stop.wait(phase_s):
        return
    while not stop.wait(POLL_S):
        now = crm.db.generation  # catches up
        if now != seen:
            seen = now
            crm.customer_list.query(ListQuery(text=typed[0]))


def search(crm: Crm, deadline: float, stop: threading.Event, think_s: float,
           seed: int) -> dict[str, Any]:
    rng, samples, typed = random.Random(seed), [], [""]
    polling = threading.Thread(target=poll, args=(crm, typed, stop, rng.random() * POLL_S),
                               daemon=True)
    polling.start()
    for text in texts(rng):
        if time.time() >= deadline or stop.is_set():
            break
        wall, started = time.time(), time.perf_counter()
        typed[0] = text
        keystroke(crm, text)
        samples.append((wall, (time.perf_counter() - started) * 1000))
        stop.wait(think_s)
    stop.set()
    polling.join()
    return {"samples": samples}


def run_import(crm: Crm, csv: Path, deadline: float, stop: threading.Event) -> dict[str, Any]:
    done, stopped = 0, None

    def progress(rows: int, expected: int | None) -> None:
        nonlocal done, stopped
        done = rows
        if time.time() >= deadline or stop.is_set():
            stopped = time.time()
            raise Stop

    started = time.time()
    try:
        report = import_file(crm, "purchases", csv, progress=progress)
        done, failed = report.rows, report.failed
    except Stop:
        failed = -1
    ended = time.time()
    # The import's window ends when it stopped taking rows (what it does after, unwinding
    # a stopped batch, is not an import the others would see in normal use).
    return {"import_start": started, "import_end": stopped or ended, "exit": ended,
            "rows": done, "failed": failed, "finished": stopped is None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("role", choices=["search", "import"])
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think-ms", type=float, default=150.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    args = parser.parse_args()
    tune_collector()
    started = time.perf_counter()
    crm = open_crm(args.path, args.as_of)
    keystroke(crm, "")
    crm.customer_list.warm()
    print(json.dumps({"ready": True, "load_s": time.perf_counter() - started,
                      "rss_mb": memory_mb()[1]}), flush=True)
    sys.stdin.readline()  # go
    deadline = time.time() + args.seconds
    stop = threading.Event()
    # A second line (or the parent gone) stops the loop early.
    threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
    try:
        if args.role == "search":
            result = search(crm, deadline, stop, args.think_ms / 1000, args.seed)
        else:
            result = run_import(crm, args.csv, deadline, stop)
    finally:
        crm.close()
    peak, now = memory_mb()
    print(json.dumps({"role": args.role, **result, "cpu_s": cpu_s(), "peak_mb": peak,
                      "rss_mb": now}), flush=True)


if __name__ == "__main__":
    main()
