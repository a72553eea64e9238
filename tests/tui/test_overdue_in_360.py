"""A customer's overdue task is flagged in their 360 view ("overdue", in the theme's error
colour), beside the other tasks left as they were."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.color import Color

from crm_tui.services.crm import Crm
from crm_tui.tui.widgets.detail_pane import DetailList

from .conftest import AT_BOTH_SIZES, make_app, settle


@AT_BOTH_SIZES
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
        prompts = [option.prompt for option in app.screen.query_one(DetailList).options]
    late = next(p for p in prompts if "Send the invoice" in str(p))
    today = next(p for p in prompts if "Quote the cables" in str(p))
    assert isinstance(late, Text)
    assert late.plain.lstrip().startswith("overdue  [open]") and "overdue" not in str(today)
    start = late.plain.index("overdue")
    colours = [Style.parse(str(span.style)).color for span in late.spans
               if span.start <= start < span.end]
    assert [c.get_truecolor() for c in colours if c] == [
        Color.parse(app.theme_variables["error"]).rich_color.get_truecolor()]
