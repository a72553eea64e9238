"""Snapshots of the Segments, Products, Feedback and Settings screens on demo data as of
2026-06-15, at 80x24 and 120x40 (regenerate with `pytest --snapshot-update` and look at
the SVGs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.demo import fill_demo

from ..conftest import AS_OF
from .conftest import NARROW, WIDE, make_app, settle

SnapCompare = Callable[..., bool]


@pytest.fixture
def shop(crm: Crm) -> Crm:
    """The demo business (with its custom segments) and one segment switched off."""
    fill_demo(crm, customers=120, seed=1, as_of=AS_OF)
    crm.segments.create({"name": "Quiet VIPs", "match": "all", "active": False,
                         "conditions": ["lifecycle_segment = vip", "last_order before -45d"]})
    return crm


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
@pytest.mark.parametrize("key", ["5", "6", "7", "8"],
                         ids=["segments", "products", "feedback", "settings"])
def test_screen(shop: Crm, snap_compare: SnapCompare, key: str, size: tuple[int, int]) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)

    assert snap_compare(make_app(shop), terminal_size=size, run_before=run_before)
