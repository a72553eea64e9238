"""TUI tests: a small fixed dataset, no real user config, and helpers to drive the app
(the `crm` fixture with its fixed clock is in tests/conftest.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.worker import WorkerCancelled, WorkerFailed

from crm_tui.services.crm import Crm
from crm_tui.services.demo import fill_demo
from crm_tui.tui.app import CrmApp
from crm_tui.tui.config import UserConfig
from crm_tui.tui.widgets.detail_pane import DetailList

from ..conftest import AS_OF

NARROW = (80, 24)
WIDE = (120, 40)
# A snapshot test decorated with this takes `size` and runs at both, named [80x24], [120x40].
AT_BOTH_SIZES = pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])

SnapCompare = Callable[..., bool]


@pytest.fixture
def people(crm: Crm) -> dict[str, int]:
    """Three customers: Ann (one order: new), Bob (none: prospect), Cyan Corp (vip)."""
    ids = {
        "ann": crm.customers.create({"first_name": "Ann", "last_name": "Lee",
                                     "email": "ann@acme.example", "tags": ["newsletter"]}),
        "bob": crm.customers.create({"first_name": "Bob", "last_name": "Stone",
                                     "email": "bob@stone.example", "phone": "+1 555 0102"}),
        "cyan": crm.customers.create({"kind": "corporate", "company_name": "Cyan Corp",
                                      "email": "sales@cyan.example", "tags": ["vip", "b2b"]}),
    }
    crm.sales.record({"customer_id": ids["ann"], "item": "Cable", "total": "20",
                      "date": "2026-06-01"})
    crm.sales.record({"customer_id": ids["cyan"], "item": "Server", "total": "4800",
                      "date": "2026-05-20"})
    return ids


@pytest.fixture
def demo(crm: Crm) -> Crm:
    """The demo business, 120 customers, as of the fixed date: what snapshots are taken of."""
    fill_demo(crm, customers=120, seed=1, as_of=AS_OF)
    return crm


def make_app(crm: Crm) -> CrmApp:
    return CrmApp(crm, config=UserConfig(), theme_name="crm-dark")


async def settle(pilot: object) -> None:
    """Let messages and workers finish (never a fixed sleep). The app's periodic poll is
    left alone: it restarts every second and is not what a test waits for."""
    app = pilot.app  # type: ignore[attr-defined]
    idle = 0
    for _ in range(200):
        await pilot.pause()  # type: ignore[attr-defined]
        busy = [w for w in app.workers if w.group != "poll" and not w.is_finished]
        if not busy:
            idle += 1
            if idle == 2:  # twice: results workers posted have been applied too
                return
            continue
        idle = 0
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await app.workers.wait_for_complete(busy)
    raise AssertionError(f"workers still busy: {busy}")


def pressing(*keys: str) -> Callable[[Any], Awaitable[None]]:
    """A snapshot's `run_before`: once the app has settled, press `keys` and settle again."""
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def detail_text(screen: object) -> str:
    """The 360 view's list as shown, one line per row (a purchase may take several)."""
    entries = screen.query_one(DetailList)  # type: ignore[attr-defined]
    return "\n".join(str(option.prompt) for option in entries.options)


def cell(screen: object, key: str, column: str) -> str:
    """What a list screen's `#records` table shows in one row's column."""
    return str(screen.query_one("#records").get_cell(key, column))  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def no_detail_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 360 view waits for the cursor to rest; in tests it is fetched at once."""
    monkeypatch.setattr("crm_tui.tui.screens.customers.DETAIL_DELAY", 0.001)
