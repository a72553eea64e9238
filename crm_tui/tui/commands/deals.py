"""Palette provider: "deal: <name> — <customer>" opens the board on that customer's deals
with the deal selected (the closed ones when it is closed); escape comes back."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from crm_tui.domain.money import display_money
from crm_tui.domain.rules.pipeline import OPEN, close_text
from crm_tui.tui.screens.pipeline import PipelineScreen

from .records import Entry, RecordCommands

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm
    from crm_tui.services.pipeline import DealRow


class DealCommands(RecordCommands):
    def entries(self, crm: Crm) -> list[Entry]:
        deals = crm.pipeline.deals(open_only=False)
        names = crm.customers.display_names(d.customer_id for d in deals)
        return [Entry(f"deal: {d.name} — {names[d.customer_id]}",
                      f"{d.stage} · {display_money(d.value)} · {close_text(d)}",
                      partial(self._open, d))
                for d in deals]

    def _open(self, deal: DealRow) -> None:
        self.app.push_screen(PipelineScreen(deal.customer_id, deal_id=deal.id,
                                            closed=deal.status != OPEN))
