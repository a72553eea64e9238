"""A customer's overdue task is flagged in their 360 view ("overdue", in the theme's error
colour), beside the other tasks left as they were."""

from __future__ import annotations

import pytest
from textual.color import Color
from textual.widgets import Static

from crm_tui.services.crm import Crm
from crm_tui.tui.widgets.detail_pane import DetailPane

from .conftest import NARROW, WIDE, make_app, settle


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
async def test_an_overdue_task_is_flagged(crm: Crm, people: dict[str, int],
                                          size: tuple[int, int]) -> None:
    ann = people["ann"]
    crm.tasks.create({"customer_id": ann, "title": "Send the invoice", "due_date": "2026-06-10"})
    crm.tasks.create({"customer_id": ann, "title": "Quote the cables", "due_date": "2026-06-15"})
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_customer(ann)
        await settle(pilot)
        body = app.screen.query_one(DetailPane).query_one("#detail-body", Static)
        text = body.render()
        lines = str(text).splitlines()
    late = next(line for line in lines if "Send the invoice" in line)
    today = next(line for line in lines if "Quote the cables" in line)
    assert late.lstrip().startswith("overdue  [open]") and "overdue" not in today
    start = text.plain.index("overdue")
    colours = [span.style.foreground for span in text.spans  # type: ignore[union-attr]
               if span.start <= start < span.end]
    assert colours == [Color.parse(app.theme_variables["error"])]
