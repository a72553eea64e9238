"""How each record form looks, opened with its key over the customers screen, at 80x24 and
120x40 (pytest-textual-snapshot; `pytest --snapshot-update` rewrites them after a change
that was checked by eye)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from crm_tui.services.crm import Crm

from .conftest import NARROW, WIDE, make_app, settle
from .test_forms import CASES, IDS, Case, open_case


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_form_looks_right(snap_compare: Any, crm: Crm, people: dict[str, int], case: Case,
                          size: tuple[int, int]) -> None:
    async def opened(pilot: Any) -> None:
        # The detail pane (seen around the form when wide) colours its headings with the
        # theme as it is when shown, which may be before the app applied its theme: show
        # it again so the picture never depends on that race.
        await settle(pilot)
        await pilot.press("down", "up")
        form = await open_case(pilot, case)
        for field in form.query(Input):  # a blinking cursor would flip between runs
            field.cursor_blink = False

    assert snap_compare(make_app(crm), terminal_size=size, run_before=opened)
