"""What the customers screen sends out or takes in: export the customers the list shows
now (its search, filters, sort or saved view, as `crm export customers --view` does),
copy the current customer's email, and open the import screen."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from crm_tui.domain.wording import counted
from crm_tui.tui.widgets.customer_table import CustomerTable

from .customers_bulk import BulkActions
from .import_file import ImportScreen

# The customer's contact to copy, first that they have: cells are not selected one by one.
COPIED = ("email", "phone", "name")


class ExchangeActions(BulkActions):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("E", "export_view", "Export this view…", show=False, id="customers.export"),
        Binding("y", "yank", "Copy email", show=False, id="customers.yank"),
        Binding("ctrl+o", "import_file", "Import a file…", show=False, id="customers.import"),
    ]

    def action_export_view(self) -> None:
        """Export every customer listed now, in the list's order, to a file (asked)."""
        table = self.query_one(CustomerTable)
        if self._bulk_running:
            self.notify("A change to many customers is still running", severity="warning")
            return
        if table.loading or not self.crm.customer_list.filled:
            self.notify("The list is still loading", severity="warning")
            return
        ids = list(table.ids)
        if not ids:
            self.notify("No customer listed: nothing to export", severity="warning")
            return
        self.ask_export(ids, f"Export the {counted(len(ids), 'customer')} listed to")

    def action_yank(self) -> None:
        """Copy the current customer's email (else their phone, else their name)."""
        customer_id = self.query_one(CustomerTable).current_id
        if customer_id is None:
            self.notify("No customer selected", severity="warning")
            return
        row = self.crm.customer_list.row(customer_id)
        for attribute in COPIED:
            value = str(getattr(row, attribute))
            if value:
                self.app.copy_to_clipboard(value)
                self.notify(f"Copied {row.name}'s {attribute}: {value}", timeout=3)
                return

    def action_import_file(self) -> None:
        """Open the import screen: a file checked by a dry run, then imported."""
        self.app.push_screen(ImportScreen())
