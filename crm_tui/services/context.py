"""What every use case needs: the database, the clock, who is working, and the settings.

Time comes from a `Clock` so tests (and `--as-of`) fix it; staff attribution defaults to
the operating-system login, so over SSH each person is themself.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from crm_tui.domain.settings import Settings
from crm_tui.store import Database

from . import tables

SETTINGS_TABLE = tables.SETTINGS
SETTINGS_ID = 1


def os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return os.environ.get("USER") or f"uid{os.getuid()}"


# The last whole second read and its local time: stamps are to the second, and an import
# asks for one per row, so a new datetime is made only when the second changes.
_last_wall: tuple[int, dt.datetime] = (-1, dt.datetime.min)


def _wall_now() -> dt.datetime:
    global _last_wall
    second = int(time.time())
    if second != _last_wall[0]:
        _last_wall = (second, dt.datetime.fromtimestamp(second))
    return _last_wall[1]


@dataclass
class Clock:
    """Today and now; fixed in tests and by `--as-of`, the wall clock otherwise."""

    fixed: dt.datetime | None = None
    wall: Callable[[], dt.datetime] = field(default=lambda: _wall_now())
    _last_stamp: tuple[dt.datetime, str] | None = field(default=None, init=False, repr=False,
                                                        compare=False)

    @classmethod
    def at(cls, when: dt.date | dt.datetime | str) -> Clock:
        if isinstance(when, str):
            when = dt.datetime.fromisoformat(when)
        if not isinstance(when, dt.datetime):
            when = dt.datetime.combine(when, dt.time(12, 0))
        return cls(fixed=when)

    def now(self) -> dt.datetime:
        return self.fixed if self.fixed is not None else self.wall()

    def today(self) -> dt.date:
        return self.now().date()

    def stamp(self) -> str:
        now = self.now()
        last = self._last_stamp
        if last is None or last[0] != now:  # the same second: an import stamps 100k rows
            last = self._last_stamp = (now, now.isoformat(timespec="seconds"))
        return last[1]


class ServiceContext:
    """Shared by every service of one session."""

    def __init__(self, db: Database, *, clock: Clock | None = None,
                 staff: str | None = None) -> None:
        self.db = db
        self.clock = clock or Clock()
        self.staff = staff or os_login()
        self._settings: Settings | None = None
        self._settings_generation = -1

    def as_of(self, when: dt.date | None = None) -> dt.date:
        return when if when is not None else self.clock.today()

    @property
    def settings(self) -> Settings:
        """The stored settings, re-read when another session changed them."""
        generation = self.db.generation
        if self._settings is None or generation != self._settings_generation:
            stored = self.db.table(SETTINGS_TABLE).get(doc_id=SETTINGS_ID)
            self._settings = Settings.from_dict(dict(stored) if stored else None)
            self._settings_generation = generation
        return self._settings

    @property
    def last_settings(self) -> Settings | None:
        """The settings as last read, without touching the store (None before the first
        read): for drawing from the UI thread while a worker holds the store."""
        return self._settings
