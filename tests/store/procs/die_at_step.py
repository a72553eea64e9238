"""Run one `crm` command in this process and SIGKILL it at its Nth file-system step.

Usage: die_at_step.py N CRM-ARGS...

A step is a call that changes what is on disk or makes it durable: os.rename, replace,
link, unlink, mkdir, rmdir, fsync, fdatasync. Counting them and dying at each N in turn kills the
command at every point where a crash could leave something behind, without the program
knowing about it. When the command finishes before step N, this prints "finished K" (K:
the steps it took) and exits with the command's status.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import Any

STEPS = ("rename", "replace", "link", "unlink", "mkdir", "rmdir", "fsync", "fdatasync")


def _counting(real: Callable[..., Any], state: dict[str, int]) -> Callable[..., Any]:
    def step(*args: Any, **kwargs: Any) -> Any:
        state["n"] += 1
        if state["n"] == state["die_at"]:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    return step


def main() -> None:
    state = {"n": 0, "die_at": int(sys.argv[1])}
    for name in STEPS:
        setattr(os, name, _counting(getattr(os, name), state))
    from crm_tui.cli.main import main as crm

    try:
        crm(args=sys.argv[2:], prog_name="crm", obj={})  # exits with the command's status
    finally:
        print(f"finished {state['n']}", flush=True)


if __name__ == "__main__":
    main()
