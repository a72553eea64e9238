"""Snapshots of the customers screen with marked rows and the filter line."""

from __future__ import annotations

from typing import Any

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import ListQuery

from .conftest import NARROW, WIDE, make_app, settle


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
def test_marks_and_the_filter_line_look_right(crm: Crm, people: dict[str, int],
                                              snap_compare: Any, size: tuple[int, int]) -> None:
    async def mark_and_filter(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.screen.apply_query(ListQuery(text="example", status="active",
                                               sort="spent", descending=True))
        await settle(pilot)
        await pilot.press("home", "space", "space")  # the two biggest spenders
        await settle(pilot)

    assert snap_compare(make_app(crm), terminal_size=size, run_before=mark_and_filter)
