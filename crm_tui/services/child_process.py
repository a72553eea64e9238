"""Work handed to a second process: this package's modules run as programs (`python -m`).

Not a multiprocessing "spawn", which would re-run the caller's main script (a test runner,
the `crm` launcher): the child is started directly, given this process's import path and
its job pickled on its stdin, and answers on its stdout. On a two-core machine the child's
parsing runs beside this process's, which the GIL would otherwise serialise.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from typing import Any


def start_child(module: str, job: Any, *, stderr: int = subprocess.PIPE
                ) -> subprocess.Popen[bytes]:
    """Run `module` (which calls `read_job()` first) with `job`; its stdout is a pipe."""
    process = subprocess.Popen([sys.executable, "-m", module], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=stderr)
    assert process.stdin is not None
    with process.stdin as pipe:
        # The path first: the child must find the modules the job's objects live in.
        pickle.dump(sys.path, pipe)
        pickle.dump(job, pipe)
    return process


def read_job() -> Any:
    """In the child: take the parent's import path, then return the job."""
    pipe = sys.stdin.buffer
    sys.path[:] = pickle.load(pipe)
    return pickle.load(pipe)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Kill the child if it is still running, reap it and close its pipes."""
    if process.poll() is None:
        process.kill()
    process.wait()
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()
