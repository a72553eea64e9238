"""The in-app figures of `tui_timing`, measured in a process of their own.

    python -m bench.session PATH [--badge-reps N] [--open-only]

Prints one JSON object: `time_open`'s figures, or with `--badge-reps` all of `measure`'s
(open, keystrokes, badge redraws). The benchmark's own process holds the generated data,
the baselines and earlier sessions' leftovers (gigabytes at 100k customers); the app's
timings are taken in a fresh interpreter that has imported the app, as a user's has.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from .tui_timing import measure, time_open


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--badge-reps", type=int, default=5)
    parser.add_argument("--open-only", action="store_true")
    args = parser.parse_args()
    if args.open_only:
        result = asyncio.run(time_open(args.path))
    else:
        result = asyncio.run(measure(args.path, args.badge_reps))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
