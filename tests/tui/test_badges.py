"""A customer can be a lifecycle vip, in the RFM segment VIP and of the VIP loyalty tier
at once: the three read differently wherever they show (table row, 360 view)."""

from __future__ import annotations

from textual.widgets import Static

from crm_tui.services.crm import Crm
from crm_tui.tui.widgets.customer_table import CustomerTable, cell_text

from .conftest import WIDE, detail_text, make_app, settle
from .test_dashboard import day


async def test_the_three_vips_are_told_apart(crm: Crm) -> None:
    who = crm.customers.create({"first_name": "Vera", "last_name": "Ip",
                                "email": "vera@example.com", "status": "inactive"})
    for when in (day(-20), day(-5)):  # two recent orders of $30,000: 6,000 points
        crm.sales.record({"customer_id": who, "item": "Fleet", "total": "30000", "date": when})
    standing = crm.segments.segments_of(who)
    assert (standing.lifecycle, standing.rfm_segment, standing.tier) == ("vip", "VIP", "VIP")
    app = make_app(crm)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(CustomerTable)
        row = table._row_of(who)
        assert [cell_text(row, key)[0] for key in ("segment", "rfm", "tier")] == [
            "vip", "RFM VIP", "VIP tier"]
        title = str(app.screen.query_one("#detail-title", Static).render())
        assert " vip " in title and " RFM VIP " in title and " VIP tier " in title
        body = detail_text(app.screen)
        assert "status inactive" in body  # the status, apart from the lifecycle
        await pilot.resize_terminal(100, 30)  # no 360 pane: the table has room for both
        await settle(pilot)
        header, drawn = table.render_line(0).text, table.render_line(1).text
        assert "Lifecycle" in header and "Segment" not in header
        assert " vip " in drawn and "RFM VIP" in drawn and "VIP tier" in drawn
