"""Snapshots of the pipeline board and the tasks screen, on demo data as of 2026-06-15,
at 80x24 and 120x40 (regenerate with `pytest --snapshot-update` and look at the SVGs)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.demo import fill_demo

from ..conftest import AS_OF
from .conftest import NARROW, WIDE, make_app, settle

SnapCompare = Callable[..., bool]


@pytest.fixture
def demo(crm: Crm) -> Crm:
    fill_demo(crm, customers=120, seed=1, as_of=AS_OF)
    return crm


def keys(*pressed: str) -> Callable[[Any], Awaitable[None]]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(*pressed)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
def test_pipeline_board(demo: Crm, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    # Cursor one column right and one card down: the highlight shows off the first column.
    assert snap_compare(make_app(demo), terminal_size=size, run_before=keys("3", "l", "j"))


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
def test_tasks_everyone(demo: Crm, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=keys("4", "m", "j"))


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
def test_pipeline_closed_deals(demo: Crm, snap_compare: SnapCompare,
                               size: tuple[int, int]) -> None:
    # c: the Won and Lost columns; the cursor one card down the Won column.
    assert snap_compare(make_app(demo), terminal_size=size, run_before=keys("3", "c", "j"))


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
def test_tasks_team_overdue_only(demo: Crm, snap_compare: SnapCompare,
                                 size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=keys("4", "m", "o"))
