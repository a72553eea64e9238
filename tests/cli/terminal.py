"""Run the real `crm` command the two ways users do: in a terminal (a pseudo-terminal holds
its stdin, stdout and stderr, so every `isatty()` is true) and piped (each stream a pipe).

    ran = crm_in_terminal(db, "import", "customers", "people.csv")
    ran.returncode, ran.output   # what the terminal showed: stdout and stderr interleaved
    code, said = crm_either_way(db, "export", "customers", terminal=True)  # or piped
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .conftest import ROOT, crm_cmd

COLUMNS, ROWS = 100, 30


@dataclass(frozen=True)
class TerminalRun:
    returncode: int
    output: str  # as written to the terminal: "\r\n" line ends, progress redrawn after "\r"


def crm_in_terminal(db: Path, *args: str, timeout: float = 120,
                    env: dict[str, str] | None = None,
                    preexec_fn: Callable[[], None] | None = None) -> TerminalRun:
    """`python -m crm_tui --db DB ARGS...` on a fresh pseudo-terminal COLUMNS x ROWS wide,
    read until every process holding it has closed it (or `timeout` seconds passed).
    `preexec_fn` runs in the child before crm starts (to set a limit, say)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    environment = {**os.environ, "TERM": "xterm-256color", **(env or {})}
    environment.pop("COLUMNS", None)
    try:
        process = subprocess.Popen([sys.executable, "-m", "crm_tui", "--db", str(db), *args],
                                   stdin=slave, stdout=slave, stderr=slave, cwd=ROOT,
                                   env=environment, preexec_fn=preexec_fn)
    finally:
        os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"crm {' '.join(args)} still running after {timeout} s; "
                                     f"it showed: {b''.join(chunks).decode(errors='replace')}")
            if not select.select([master], [], [], left)[0]:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the last process holding the terminal has closed it
                break
            if not data:
                break
            chunks.append(data)
        returncode = process.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
            process.wait()
    return TerminalRun(returncode, b"".join(chunks).decode("utf-8", errors="replace"))


def crm_either_way(db: Path, *args: str, terminal: bool,
                   preexec_fn: Callable[[], None] | None = None,
                   env: dict[str, str] | None = None) -> tuple[int, str]:
    """`crm --db DB ARGS...` in a terminal or piped: its exit status and what it said (all
    the terminal showed; piped, its stdout then its stderr). `env`: variables to add."""
    if terminal:
        ran = crm_in_terminal(db, *args, preexec_fn=preexec_fn, env=env)
        return ran.returncode, ran.output
    done = crm_cmd(db, *args, preexec_fn=preexec_fn,
                   env={**os.environ, **(env or {})})
    return done.returncode, done.stdout + done.stderr
