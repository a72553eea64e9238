"""The column mapping of a file being imported: each column of the file and the field it
fills (or why it fills none), then the fields a recognised tool's export gives every row;
enter on a column's row asks which field that column should fill."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import DataTable

from crm_tui.services.exchange.mapping import ColumnMapping

NOT_IMPORTED = "(not imported)"
IGNORED = "(ignored)"


class ImportMapping(DataTable[str]):
    class Chosen(Message):
        """Enter on a column: choose the field it fills."""

        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.columns_shown: list[str] = []

    def on_mount(self) -> None:
        self.add_column("Column", key="column")
        self.add_column("Fills", key="field")

    def show(self, mapping: ColumnMapping, changed: frozenset[str] = frozenset()) -> None:
        """One row per column of the file; `changed`: columns whose field was chosen here
        (marked with *); the cursor stays on the same row."""
        row = self.cursor_row
        self.clear()
        self.columns_shown = []
        for index, (label, name) in enumerate(zip(mapping.header, mapping.fields, strict=True)):
            column = label.strip() or f"(column {index + 1})"
            fills = name or (IGNORED if column in mapping.ignored else NOT_IMPORTED)
            mark = " *" if label in changed else ""
            self.add_row(column, fills + mark)
            self.columns_shown.append(label)
        # What the tool's export says of every row without a column for it (a Mailchimp
        # list of subscribed members: all opted in), as `crm import --dry-run` lists it.
        for name, value in mapping.given():
            self.add_row("(every row)", f"{name} = {value}")
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.columns_shown):
            self.post_message(self.Chosen(self.columns_shown[event.cursor_row]))
