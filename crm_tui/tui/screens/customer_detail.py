"""The 360-degree view as a screen of its own (narrow terminals, or opened from anywhere)."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header

from crm_tui.services.customer_view import customer_detail
from crm_tui.tui.messages import CustomerDetailReady
from crm_tui.tui.widgets.detail_pane import DetailPane
from crm_tui.tui.widgets.footer import Footer

from .base import CrmScreen


class CustomerDetailScreen(CrmScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="detail.back"),
        Binding("e", "form('customer')", "Edit", id="detail.edit"),
        Binding("p", "form('purchase')", "Purchase", id="detail.purchase"),
        Binding("i", "form('interaction')", "Interaction", id="detail.interaction"),
        Binding("t", "form('task')", "Task", id="detail.task"),
        Binding("a", "form('note')", "Note", show=False, id="detail.note"),
        Binding("o", "form('opportunity')", "Deal", show=False, id="detail.opportunity"),
        Binding("D", "deals", "Deals", id="detail.deals"),
        Binding("f", "form('feedback')", "Feedback", show=False, id="detail.feedback"),
        Binding("r", "form('redeem')", "Redeem", show=False, id="detail.redeem"),
    ]

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield DetailPane(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Customer"
        self.query_one(DetailPane).focus()

    def refresh_data(self) -> None:
        self.fetch()

    @work(thread=True, exclusive=True, group="customer-detail")
    def fetch(self) -> None:
        self.post_message(CustomerDetailReady(customer_detail(self.crm, self.customer_id)))

    def on_customer_detail_ready(self, message: CustomerDetailReady) -> None:
        self.query_one(DetailPane).show(message.detail)

    def action_form(self, name: str) -> None:
        self.crm_app.open_form(name, customer_id=self.customer_id)

    def action_deals(self) -> None:
        """This customer's deals on the board; escape comes back here."""
        self.crm_app.open_deals(self.customer_id)
