"""Which process runs an import batch, and whether it still does.

A batch is recorded as running when it opens and as done or failed when it ends. A process
killed in between (a SIGKILL, a lost SSH session, a database found damaged mid-way, which
refuses the closing write) leaves it "running" for good. So the record names its process,
and a batch whose process is gone from this machine reads as interrupted: its rows so far
are saved and can be reverted. One still running (here, or on a machine we cannot look at)
must not be reverted under it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from typing import Any

INTERRUPTED = "interrupted"


def this_process() -> dict[str, Any]:
    """What a batch record keeps of the process running it."""
    return {"pid": os.getpid(), "host": socket.gethostname()}


def shown_status(record: Mapping[str, Any]) -> str:
    """The batch's status as the user should read it: "interrupted" for a running batch
    whose process has ended on this machine."""
    status = str(record.get("status", ""))
    if status == "running" and _alive_here(record) is False:
        return INTERRUPTED
    return status


def running_now(record: Mapping[str, Any]) -> bool:
    """Is the batch's import known to be still under way (in a process on this machine,
    this one included)? Unknown (recorded on another machine, or before processes were
    recorded) is not "known": such a batch may be reverted, as it always could."""
    return record.get("status") == "running" and _alive_here(record) is True


def _alive_here(record: Mapping[str, Any]) -> bool | None:
    """Whether the batch's process is alive, or None when this machine cannot tell."""
    pid, host = record.get("pid"), record.get("host")
    if not isinstance(pid, int) or host != socket.gethostname():
        return None
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's
    return True
