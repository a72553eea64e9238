"""The in-app figures of `tui_timing`, measured in a process of their own.

    python -m bench.session PATH [--badge-reps N] [--open-only | --screens [--as-of DAY]]

Prints one JSON object: `time_open`'s figures, with `--screens` `measure_screens`'s (open,
then every screen's first paint and the memory after it), else all of `measure`'s (open,
keystrokes, badge redraws). The benchmark's own process holds the generated data,
the baselines and earlier sessions' leftovers (gigabytes at 100k customers); the app's
timings are taken in a fresh interpreter that has imported the app, as a user's has.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
from pathlib import Path

from .common import AS_OF
from .tui_timing import measure, measure_screens, time_open


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--badge-reps", type=int, default=5)
    parser.add_argument("--open-only", action="store_true")
    parser.add_argument("--screens", action="store_true")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    args = parser.parse_args()
    if args.screens:
        result = asyncio.run(measure_screens(args.path, args.as_of))
    elif args.open_only:
        result = asyncio.run(time_open(args.path))
    else:
        result = asyncio.run(measure(args.path, args.badge_reps))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
