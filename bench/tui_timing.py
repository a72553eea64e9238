"""The TUI figures, measured on the real app (headless, 120x40) driven by Textual's Pilot.

- open: from before `Crm.open` to the end of the first frame that drew customer rows (the
  '…' placeholders drawn while the store is busy are timed apart), and to the frame after
  the detail pane showed the highlighted customer (which loads the event tables);
- search: from a key press in the search box to the end of the first frame that drew rows
  of the new result;
- badge: from `crm.sales.record(...)` + `app.data_changed()` (what a form's save does) to
  the end of the first frame that drew that customer's row with its new total;
- screens: from the key that shows each main screen (1, 3-8) to the end of the first
  frame after its data arrived (its worker's first result applied; Settings: the screen
  drawn), and to the end of its workers; then a second customer's 360 screen (what enter
  opens: to the first frame of that screen showing that customer); the process's CPU
  time over each, and its peak and current resident memory after each.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from crm_tui.cli.entry import tune_collector
from crm_tui.domain.money import display_money
from crm_tui.tui.app import CrmApp
from crm_tui.tui.config import UserConfig
from crm_tui.tui.widgets.customer_table import CustomerTable

from .common import AS_OF, cpu_s, memory_mb, open_crm
from .frames import FrameWatch, RowLog, row_probe

SIZE = (120, 40)
# "sara" typed, three backspaces, then "mi" ("smi"th): the result narrows, widens back to
# the 1-letter answer, narrows again.
SEARCH_KEYS = ["s", "a", "r", "a", "backspace", "backspace", "backspace", "m", "i"]
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "600"))


def private_config(folder: Path) -> None:
    """Never read or write the user's own ~/.config/crm-tui (subprocesses inherit it)."""
    os.environ["CRM_CONFIG"] = str(folder / "bench-config.json")


@dataclass
class Session:
    app: CrmApp
    pilot: Pilot[Any]
    watch: FrameWatch
    log: RowLog
    times: dict[str, float] = field(default_factory=dict)

    @property
    def table(self) -> CustomerTable:
        return self.app.screen.query_one(CustomerTable)


async def settle(pilot: Pilot[Any]) -> None:
    """Let messages and workers finish (the app's periodic poll excepted)."""
    app = pilot.app
    for _ in range(1000):
        await pilot.pause()
        busy = [w for w in app.workers if w.group != "poll" and not w.is_finished]
        if not busy:
            return
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await app.workers.wait_for_complete(busy)
    raise RuntimeError(f"workers still busy: {busy}")


@asynccontextmanager
async def running_app(path: Path, log: RowLog, as_of: dt.date = AS_OF
                      ) -> AsyncIterator[Session]:
    """Open the database and start the app as `crm` does; `times` holds,
    in seconds from before `Crm.open`: open_s (first frame with rows), painted_s (first
    frame with the table body, rows or the '…' placeholders drawn while the store is
    busy), detail_s; and wall_start (time.time() then)."""
    tune_collector()  # what the `crm` entry point does first (idempotent)
    wall_start, started = time.time(), time.perf_counter()
    crm = open_crm(path, as_of)
    try:
        app = CrmApp(crm, config=UserConfig(), theme_name="crm-dark")
        watch = FrameWatch(app)
        painted = watch.expect(lambda: log.drawn > 0 or log.placeholders > 0)
        rows = watch.expect(lambda: log.drawn > 0)
        detail = watch.expect(lambda: log.detail_id is not None)
        async with app.run_test(size=SIZE) as pilot:
            rows_at = await watch.resolved(rows, "open: first rows", TIMEOUT)
            detail_at = await watch.resolved(detail, "open: detail pane", TIMEOUT)
            times = {"open_s": rows_at - started, "detail_s": detail_at - started,
                     "painted_s": await painted - started, "wall_start": wall_start}
            await settle(pilot)
            yield Session(app, pilot, watch, log, times)
    finally:
        crm.close()


async def time_search(s: Session, keys: list[str]) -> list[float]:
    """Seconds from each key press to the frame that drew the new result's rows."""
    await s.pilot.press("slash")
    await settle(s.pilot)
    table = s.table
    seconds = []
    for key in keys:
        old = table.ids

        def redrawn(old: list[int] = old) -> bool:
            return table.ids is not old and (not table.ids or s.log.last_ids is table.ids)

        done = s.watch.expect(redrawn)
        started = time.perf_counter()
        await s.pilot.press(key)
        seconds.append(await s.watch.resolved(done, f"search key {key!r}", TIMEOUT) - started)
        await settle(s.pilot)
    return seconds


async def clear_search(s: Session) -> None:
    await s.pilot.press("escape", "escape")  # focus the table, then empty the search box
    await settle(s.pilot)
    await s.pilot.press("home")  # back to the top: the cursor followed the last match
    await settle(s.pilot)


async def time_badge(s: Session, reps: int) -> list[float]:
    """Seconds from recording a purchase for a visible customer (and telling the app, as
    a saved form does) to the frame that drew that row with the new total."""
    while s.app._generation < 0:  # the first poll: before it, data_changed() is a no-op
        await s.pilot.pause(0.05)
    table, listing = s.table, s.app.screen.listing  # type: ignore[attr-defined]
    seconds = []
    top = table.scroll_offset.y  # rows on screen: top .. top + height
    for i in range(min(reps, len(table.ids) - top, table.size.height - 2)):
        customer_id = table.ids[top + i]
        expected = display_money(listing.row(customer_id).spent_cents + 999)
        seq = s.log.drawn

        def redrawn(cid: int = customer_id, seq: int = seq, text: str = expected) -> bool:
            entry = s.log.text.get(cid)
            return entry is not None and entry[0] > seq and text in entry[1]

        done = s.watch.expect(redrawn)
        started = time.perf_counter()
        s.app.crm.sales.record({"customer_id": customer_id, "item": "Cable", "total": "9.99",
                                "date": AS_OF.isoformat()})
        s.app.data_changed()
        seconds.append(await s.watch.resolved(done, "badge update", TIMEOUT) - started)
        await settle(s.pilot)
    return seconds


# (label, key pressed, the screen class whose data shows it painted), in key order.
VISITS = [("dashboard", "1", "DashboardScreen"), ("pipeline", "3", "PipelineScreen"),
          ("tasks", "4", "TasksScreen"), ("segments", "5", "SegmentsScreen"),
          ("products", "6", "ProductsScreen"), ("feedback", "7", "FeedbackScreen"),
          ("settings", "8", "SettingsScreen")]
DETAIL_SCREEN = "CustomerDetailScreen"


def _visit_figures(label: str, seconds: float, cpu: float) -> dict[str, Any]:
    peak, now = memory_mb()
    return {"screen": label, "paint_s": seconds, "cpu_s": cpu, "peak_mb": peak, "rss_mb": now}


async def _time_visit(s: Session, label: str, painted: Any, go: Any) -> dict[str, Any]:
    """The visit's figures, and `settled_s`: to the end of its workers (a screen drawn
    before all it reads is read, the pipeline board's first screenful, reads the rest
    then)."""
    done = s.watch.expect(painted)
    started, cpu = time.perf_counter(), cpu_s()
    await go()
    seconds = await s.watch.resolved(done, f"visit {label}", TIMEOUT) - started
    figures = _visit_figures(label, seconds, cpu_s() - cpu)
    await settle(s.pilot)
    return {**figures, "settled_s": time.perf_counter() - started}


async def visit_screens(s: Session) -> list[dict[str, Any]]:
    """Each main screen in turn, then a second customer's 360 screen: see the docstring."""
    visits = [_visit_figures("customers + detail pane", s.times["detail_s"], cpu_s())]
    delivered = s.log.delivered
    for label, key, owner in VISITS:
        seen = delivered.get(owner, 0)

        def painted(owner: str = owner, seen: int = seen) -> bool:
            if owner == "SettingsScreen":  # filled as it mounts: no worker
                return (type(s.app.screen).__name__ == owner
                        and bool(s.app.screen.query("#settings-form Input")))
            return delivered.get(owner, 0) > seen

        visits.append(await _time_visit(s, label, painted,
                                        lambda key=key: s.pilot.press(key)))
    await s.pilot.press("2")
    await settle(s.pilot)
    ids = s.table.ids
    other = ids[len(ids) // 2] if ids else None
    if other is not None:
        s.log.detail_by_screen.pop(DETAIL_SCREEN, None)

        async def open_other() -> None:
            s.app.open_customer(other)

        visits.append(await _time_visit(
            s, "360 screen, another customer",
            lambda: (type(s.app.screen).__name__ == DETAIL_SCREEN
                     and s.log.detail_by_screen.get(DETAIL_SCREEN) == other),
            open_other))
    return visits


async def measure(path: Path, badge_reps: int) -> dict[str, Any]:
    """Every in-app figure from one session: open, search keystrokes, badge updates."""
    with row_probe() as log:
        async with running_app(path, log) as s:
            first = s.table.ids[0] if s.table.ids else None
            search = await time_search(s, SEARCH_KEYS)
            await clear_search(s)
            badge = await time_badge(s, badge_reps)
            return {"open_s": s.times["open_s"], "detail_s": s.times["detail_s"],
                    "painted_s": s.times["painted_s"], "search_ms": [x * 1000 for x in search],
                    "badge_ms": [x * 1000 for x in badge], "first_customer": first,
                    "frames": s.watch.frames}


async def measure_screens(path: Path, as_of: dt.date = AS_OF) -> dict[str, Any]:
    """A session that opens the app and visits every screen (see `visit_screens`)."""
    with row_probe() as log:
        async with running_app(path, log, as_of=as_of) as s:
            return {**{k: s.times[k] for k in ("open_s", "painted_s", "detail_s")},
                    "visits": await visit_screens(s)}


async def time_open(path: Path) -> dict[str, float]:
    """One more start of the app: open_s and detail_s only."""
    with row_probe() as log:
        async with running_app(path, log) as s:
            return {k: s.times[k] for k in ("open_s", "painted_s", "detail_s")}
