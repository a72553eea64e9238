"""How each record form looks, opened with its key over the customers screen, at 80x24 and
120x40 (pytest-textual-snapshot; `pytest --snapshot-update` rewrites them after a change
that was checked by eye)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.widgets import Input

from crm_tui.services.crm import Crm

from .conftest import NARROW, WIDE, make_app, settle
from .test_forms import CASES, IDS, Case, open_case


def opening(case: Case, *keys: str) -> Callable[[Any], Awaitable[None]]:
    """Open the case's form, then press `keys`, with nothing left to chance."""
    async def run_before(pilot: Any) -> None:
        # The detail pane (seen around the form when wide) colours its headings with the
        # theme as it is when shown, which may be before the app applied its theme: show
        # it again so the picture never depends on that race.
        await settle(pilot)
        await pilot.press("escape", "down", "up")  # escape: see open_case
        form = await open_case(pilot, case)
        for field in form.query(Input):  # a blinking cursor would flip between runs
            field.cursor_blink = False
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_form_looks_right(snap_compare: Any, crm: Crm, people: dict[str, int], case: Case,
                          size: tuple[int, int]) -> None:
    assert snap_compare(make_app(crm), terminal_size=size, run_before=opening(case))


def test_a_refused_value_shows_its_reason(snap_compare: Any, crm: Crm,
                                          people: dict[str, int]) -> None:
    feedback = next(case for case in CASES if case.name == "feedback")
    run_before = opening(feedback, *feedback.bad, "ctrl+s")
    assert snap_compare(make_app(crm), terminal_size=NARROW, run_before=run_before)
