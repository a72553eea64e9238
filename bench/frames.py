"""Seeing what the running app draws: frame timestamps, and which customer rows each drew.

The benchmark drives the real app headless (`App.run_test`). Textual's headless driver
skips turning a frame into terminal bytes; `FrameWatch` does that step itself (what a real
terminal session pays for, minus the write) and, after each frame, resolves the waits whose
condition now holds, stamped with the time that frame was finished.

`row_probe()` wraps `CustomerTable._row_strip` (the one place a table row is drawn; a
placeholder drawn while the store is busy does not count as a row), `DetailPane.show` and
Textual's message dispatch (where a worker's result, a `WorkerResult` message, reaches its
screen) for the duration of a run, remembering the text last drawn for each customer,
which list of ids it was drawn from, which customer the detail pane shows, and how many
results each kind of screen has handled. Nothing in the product is changed; the wrappers are
removed on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from textual._compositor import CompositorUpdate
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.strip import Strip

from crm_tui.services.customer_view import CustomerDetail
from crm_tui.tui.messages import WorkerResult
from crm_tui.tui.widgets.customer_table import CustomerTable
from crm_tui.tui.widgets.detail_pane import DetailPane


@dataclass
class RowLog:
    """Every row strip drawn since the probe was installed."""

    drawn: int = 0
    placeholders: int = 0  # rows drawn as '…' because the store was busy
    last_ids: list[int] | None = None  # the table's ids when a row was last drawn
    text: dict[int, tuple[int, str]] = field(default_factory=dict)  # id -> (seq, text)
    detail_id: int | None = None  # the customer the detail pane last showed
    # the customer each screen's detail pane last showed, by the screen's class name (the
    # customers screen's pane may still be catching up under a 360 screen opened on top)
    detail_by_screen: dict[str, int] = field(default_factory=dict)
    # worker results handled, by the class name of the screen (or app) they were for
    delivered: dict[str, int] = field(default_factory=dict)


@contextmanager
def row_probe() -> Iterator[RowLog]:
    log = RowLog()
    original = CustomerTable._row_strip
    original_show = DetailPane.show
    original_dispatch = MessagePump._dispatch_message

    def drawn(self: CustomerTable, index: int, width: int) -> Strip | None:
        strip = original(self, index, width)
        if strip is None:  # the store was busy: the table draws a placeholder instead
            log.placeholders += 1
        else:
            log.drawn += 1
            log.last_ids = self.ids
            log.text[self.ids[index]] = (log.drawn, strip.text)
        return strip

    def shown(self: DetailPane, detail: CustomerDetail) -> None:
        original_show(self, detail)
        log.detail_id = detail.customer["id"]
        log.detail_by_screen[type(self.screen).__name__] = log.detail_id

    async def dispatched(self: MessagePump, message: Message) -> None:
        await original_dispatch(self, message)
        if isinstance(message, WorkerResult):
            owner = type(self).__name__
            log.delivered[owner] = log.delivered.get(owner, 0) + 1

    CustomerTable._row_strip = drawn  # type: ignore[method-assign]
    DetailPane.show = shown  # type: ignore[method-assign]
    MessagePump._dispatch_message = dispatched  # type: ignore[method-assign]
    try:
        yield log
    finally:
        CustomerTable._row_strip = original  # type: ignore[method-assign]
        DetailPane.show = original_show  # type: ignore[method-assign]
        MessagePump._dispatch_message = original_dispatch  # type: ignore[method-assign]


@dataclass
class _Wait:
    condition: Callable[[], bool]
    done: asyncio.Future[float]


class FrameWatch:
    """Counts the app's frames and stamps the first frame after which a condition holds."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.frames = 0
        self._waits: list[_Wait] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or app._batch_count:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # the bytes a terminal would get
            self.frames += 1
            now = time.perf_counter()
            for wait in list(self._waits):
                if wait.condition():
                    self._waits.remove(wait)
                    if not wait.done.done():
                        wait.done.set_result(now)

        app._display = display  # type: ignore[method-assign]

    def expect(self, condition: Callable[[], bool]) -> asyncio.Future[float]:
        """A future resolved with the perf_counter time of the first frame after which
        `condition()` is true. Register it before causing the change."""
        done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waits.append(_Wait(condition, done))
        return done

    async def until(self, condition: Callable[[], bool], timeout: float = 300.0) -> float:
        return await self.resolved(self.expect(condition), "a condition", timeout)

    async def resolved(self, done: asyncio.Future[float], what: str, timeout: float) -> float:
        """The time `done` resolved; a clear error naming `what` if the app stopped first
        (a worker's exception ends it) or after `timeout` seconds. A condition already true
        with no frame since (a result that changed nothing visible) gets a repaint, so
        the figure is the frame that shows it rather than a wait for an unrelated one."""
        deadline = time.perf_counter() + timeout
        while not done.done():
            if not self.app.is_running or self.app._exception is not None:
                raise RuntimeError(f"{what}: the app stopped ({self.app._exception!r})")
            if time.perf_counter() > deadline:
                held = [w.condition() for w in self._waits if w.done is done]
                raise RuntimeError(f"{what}: no frame after {timeout:.0f} s "
                                   f"(condition met: {held == [True]}; screen "
                                   f"{type(self.app.screen).__name__})")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(done), 1.0)
            if not done.done() and any(w.done is done and w.condition() for w in self._waits):
                self.app.screen.refresh(repaint=True)
        return done.result()
