"""A customer's 360 view shows an open deal's expected close date and a closed deal's
closed date (never the forecast as if it were when the deal closed)."""

from __future__ import annotations

from crm_tui.services.crm import Crm

from .conftest import WIDE, detail_text, make_app, settle


async def test_the_360_view_shows_when_a_closed_deal_closed(crm: Crm,
                                                            people: dict[str, int]) -> None:
    ann = people["ann"]
    crm.pipeline.create({"customer_id": ann, "name": "Open one", "value": "100",
                         "expected_close_date": "2026-07-30"})
    won = crm.pipeline.create({"customer_id": ann, "name": "Won one", "value": "900",
                               "expected_close_date": "2026-08-31"})
    crm.pipeline.move(won, "Closed Won")
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.open_customer(ann)
        await settle(pilot)
        body = detail_text(app.screen)
    deals = {name: next(line for line in body.splitlines() if name in line)
             for name in ("Open one", "Won one")}
    assert "close 2026-07-30" in deals["Open one"]
    assert "closed 2026-06-15" in deals["Won one"] and "2026-08-31" not in deals["Won one"]
