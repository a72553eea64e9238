"""The 360-degree view as a screen of its own (narrow terminals, or opened from anywhere).

`CustomerOpener` opens it for the app: the customer's view is read first, off the UI
thread, and the screen is shown with it, so it is drawn once, filled in (shown at once,
then filled, it was drawn twice and its data waited for the empty drawing). A read still
going after `PATIENCE` (the store busy) opens the screen at once; it then reads for itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Header

from crm_tui.services.customer_view import CustomerDetail, customer_detail
from crm_tui.tui.messages import CustomerDetailReady
from crm_tui.tui.widgets.detail_pane import DetailPane
from crm_tui.tui.widgets.footer import Footer

from .base import CrmScreen

if TYPE_CHECKING:
    from crm_tui.tui.app import CrmApp

PATIENCE = 0.1  # seconds a read may take before its screen opens without it


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

    def __init__(self, customer_id: int, detail: CustomerDetail | None = None) -> None:
        """`detail`: the customer's view, read already (shown as the screen is first shown)."""
        super().__init__()
        self.customer_id = customer_id
        self._given = detail

    def compose(self) -> ComposeResult:
        yield Header()
        yield DetailPane(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Customer"
        self.query_one(DetailPane).focus()

    def refresh_data(self) -> None:
        detail, self._given = self._given, None
        if detail is None:
            self.fetch()
        else:  # before the screen is first drawn
            self.query_one(DetailPane).show(detail)

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


class CustomerOpener:
    """The app's way to a customer's 360 screen (see the module docstring). The customer
    asked for last is the one opened: a second key before the first read is back opens
    one screen, not two."""

    def __init__(self, app: CrmApp) -> None:
        self.app = app
        self._pending: int | None = None  # the customer being read for
        self._timer: Timer | None = None

    def open(self, customer_id: int) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._pending = customer_id
        self._timer = self.app.set_timer(PATIENCE, lambda: self._push(customer_id, None))
        self.app.run_worker(lambda: self._read(customer_id), thread=True,
                            group="open-customer", exclusive=True)

    def _read(self, customer_id: int) -> None:
        """In a worker: the view, posted to the app (`arrived`)."""
        self.app.post_message(CustomerDetailReady(customer_detail(self.app.crm, customer_id)))

    def arrived(self, detail: CustomerDetail) -> None:
        self._push(int(detail.customer["id"]), detail)

    def _push(self, customer_id: int, detail: CustomerDetail | None) -> None:
        if customer_id != self._pending:
            return  # opened already (the read came back late), or another asked for since
        self._pending = None
        if self._timer is not None:
            self._timer.stop()
        self.app.push_screen(CustomerDetailScreen(customer_id, detail))
