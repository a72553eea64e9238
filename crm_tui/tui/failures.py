"""What the app says when the database refuses a change: disk full, read-only, no access.

Every save, from a form or a key, reports these the same way (a message, nothing lost on
screen, the app alive), in words that say what to do about it.
"""

from __future__ import annotations

import errno

from crm_tui.store import StoreError

# What a write can fail with below the services: the store's own errors, and the
# operating system's (taking the lock on a read-only disk, a folder without access).
WRITE_FAILURES = (StoreError, OSError)

HINTS = {
    errno.ENOSPC: "the disk is full: free some space, then save again",
    errno.EDQUOT: "the disk quota is used up: free some space, then save again",
    errno.EROFS: "the database is on a read-only disk: nothing can be saved there",
    errno.EACCES: "you may not write to the database: ask whoever manages it for access",
    errno.EPERM: "you may not write to the database: ask whoever manages it for access",
}


def _os_error(exc: BaseException) -> OSError | None:
    """The operating system's error behind `exc` (itself, or what the store wrapped)."""
    while exc is not None:
        if isinstance(exc, OSError):
            return exc
        exc = exc.__cause__  # type: ignore[assignment]
    return None


def failure_message(exc: BaseException) -> str:
    """One line: what failed, and what to do about it when the reason is known."""
    cause = _os_error(exc)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        text = f"{where}{exc.strerror or exc}"
    else:
        text = str(exc)
    hint = HINTS.get(cause.errno) if cause is not None and cause.errno is not None else None
    return f"{text} ({hint})" if hint else text
