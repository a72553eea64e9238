"""`python -m bench`: the scale benchmark, each target beside stock TinyDB and SQLite (see
bench/scale.py).

    python -m bench [--sizes 10000,100000] [--events-per-customer 10] [--out bench/out/x.json]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .scale import Options, run


def parse(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench",
                                     description="crm-tui at scale, beside stock TinyDB "
                                                 "and SQLite, against the product's scale targets")
    parser.add_argument("--sizes", default="10000,100000",
                        help="customer counts, comma-separated (default: 10000,100000)")
    parser.add_argument("--events-per-customer", type=int, default=10,
                        help="purchases + interactions per customer (default: 10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="JSON results file (default: "
                        "bench/out/scale-DATE.json)")
    parser.add_argument("--save-reps", type=int, default=50)
    parser.add_argument("--badge-reps", type=int, default=5)
    parser.add_argument("--open-reps", type=int, default=3,
                        help="app starts timed in this process (median reported)")
    parser.add_argument("--baseline-budget", type=float, default=60.0,
                        help="seconds per stock-TinyDB operation before it stops repeating")
    parser.add_argument("--import-budget", type=float, default=600.0,
                        help="seconds after which a crm-tui import is stopped and its time "
                             "extrapolated (default: 600)")
    args = parser.parse_args(argv)
    return Options(sizes=[int(s) for s in args.sizes.split(",")],
                   events_per_customer=args.events_per_customer, seed=args.seed,
                   out=args.out, save_reps=args.save_reps, badge_reps=args.badge_reps,
                   open_reps=args.open_reps,
                   baseline_budget_s=args.baseline_budget, import_budget_s=args.import_budget)


def main(argv: list[str] | None = None) -> None:
    run(parse(argv))


if __name__ == "__main__":
    main()
