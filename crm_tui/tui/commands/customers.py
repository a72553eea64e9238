"""Palette provider: "customer: <name>" goes to any customer by typing part of a name,
email, phone, company or tag (answered from the customers list index, not a table scan)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.command import Hit, Hits, Provider

from crm_tui.services.customer_list import CustomerList, ListQuery

if TYPE_CHECKING:
    from crm_tui.tui.app import CrmApp

LIMIT = 20


class CustomerCommands(Provider):
    @property
    def listing(self) -> CustomerList:
        """The session's list: each palette open asks it, adding no store observer."""
        return cast("CrmApp", self.app).crm.customer_list

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        app = cast("CrmApp", self.app)
        matcher = self.matcher(query)
        ids = await app.run_in_thread(lambda: self.listing.query(ListQuery(text=query)))
        for customer_id in ids[:LIMIT]:
            row = self.listing.row(customer_id)
            title = f"customer: {row.name}"
            yield Hit(max(matcher.match(title), 0.5), matcher.highlight(title),
                      lambda cid=customer_id: app.open_customer(cid),
                      help=" ".join(x for x in (row.email, row.company) if x))
