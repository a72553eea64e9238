"""Palette provider: "deal: <name> — <customer>" opens the board on that customer's deals
with the deal selected (the closed ones when it is closed); escape comes back."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from crm_tui.domain.money import display_money
from crm_tui.domain.rules.pipeline import OPEN, close_text
from crm_tui.tui.screens.pipeline import PipelineScreen

from .records import Entry, KeptRecordCommands

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm
    from crm_tui.services.pipeline import DealRow
    from crm_tui.tui.app import CrmApp


class DealCommands(KeptRecordCommands["DealRow"]):
    def rows(self, crm: Crm) -> list[DealRow]:
        return crm.pipeline.deals(open_only=False)

    def entry(self, deal: DealRow, customer: str) -> Entry:
        return Entry(f"deal: {deal.name} — {customer}",
                     f"{deal.stage} · {display_money(deal.value)} · {close_text(deal)}",
                     partial(_open, self.crm_app, deal))


def _open(app: CrmApp, deal: DealRow) -> None:
    app.push_screen(PipelineScreen(deal.customer_id, deal_id=deal.id,
                                   closed=deal.status != OPEN))
