"""`python -m bench`: the scale benchmark, each target beside stock TinyDB and SQLite (see
bench/scale.py).

    python -m bench [--sizes 10000,100000] [--events-per-customer 10] [--out bench/out/x.json]
    python -m bench --only cold360,dashboard,screens,sessions --sizes 10000
    python -m bench --only cold360,dashboard --db /tmp/demo.db --as-of 2026-12-07
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from .reads import ReadOptions
from .scale import SCENARIOS, Options, run


def parse(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench",
                                     description="crm-tui at scale, beside stock TinyDB "
                                                 "and SQLite, against the product's scale targets")
    parser.add_argument("--sizes", default=None,
                        help="customer counts, comma-separated (default: 10000,100000; "
                             "none with --db)")
    parser.add_argument("--only", default=",".join(SCENARIOS),
                        help=f"scenarios to run, comma-separated (default: all: "
                             f"{','.join(SCENARIOS)})")
    parser.add_argument("--db", type=Path, action="append", default=[],
                        help="also run the read scenarios on a copy of this database "
                             "(repeatable)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None,
                        help="today for the --db databases (default: the real today)")
    parser.add_argument("--events-per-customer", type=int, default=10,
                        help="purchases + interactions per customer (default: 10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="JSON results file (default: "
                        "bench/out/scale-DATE.json)")
    parser.add_argument("--save-reps", type=int, default=50)
    parser.add_argument("--badge-reps", type=int, default=5)
    parser.add_argument("--open-reps", type=int, default=3,
                        help="app starts and cold reads timed, each in a new process "
                             "(median reported)")
    parser.add_argument("--sessions", type=int, default=10,
                        help="sessions on one database, one of them importing (default: 10)")
    parser.add_argument("--sessions-seconds", type=float, default=60.0,
                        help="the longest their import runs (default: 60)")
    parser.add_argument("--sessions-quiet", type=float, default=5.0,
                        help="seconds they type before the import starts (default: 5)")
    parser.add_argument("--think-ms", type=float, default=150.0,
                        help="pause between a session's keystrokes (default: 150)")
    parser.add_argument("--baseline-budget", type=float, default=60.0,
                        help="seconds per stock-TinyDB operation before it stops repeating")
    parser.add_argument("--import-budget", type=float, default=600.0,
                        help="seconds after which a crm-tui import is stopped and its time "
                             "extrapolated (default: 600)")
    args = parser.parse_args(argv)
    only = tuple(name.strip() for name in args.only.split(",") if name.strip())
    unknown = [name for name in only if name not in SCENARIOS]
    if unknown:
        parser.error(f"--only: no scenario named {', '.join(unknown)} "
                     f"(scenarios: {', '.join(SCENARIOS)})")
    for db in args.db:
        if not (db / "crm.json").is_file():
            parser.error(f"--db: {db} is not a crm-tui database")
    if args.sessions < 2:
        parser.error("--sessions: at least 2 (one imports, the others type)")
    sizes = args.sizes if args.sizes is not None else ("" if args.db else "10000,100000")
    return Options(sizes=[int(s) for s in sizes.split(",") if s.strip()], only=only,
                   dbs=tuple(args.db), as_of=args.as_of,
                   reads=ReadOptions(reps=args.open_reps, sessions=args.sessions,
                                     sessions_seconds=args.sessions_seconds,
                                     sessions_quiet_s=args.sessions_quiet,
                                     think_ms=args.think_ms),
                   events_per_customer=args.events_per_customer, seed=args.seed,
                   out=args.out, save_reps=args.save_reps, badge_reps=args.badge_reps,
                   open_reps=args.open_reps,
                   baseline_budget_s=args.baseline_budget, import_budget_s=args.import_budget)


def main(argv: list[str] | None = None) -> None:
    run(parse(argv))


if __name__ == "__main__":
    main()
