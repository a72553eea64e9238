"""Sort the customers by choosing a column: every sortable column listed, the current sort
marked with its direction; choosing it again reverses it. Answers (column, descending),
or None on escape."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.services.customer_list import SORT_KEYS
from crm_tui.tui.keymap import hinted
from crm_tui.tui.widgets.customer_table import COLUMNS, SORT_TITLES, sort_arrow

# Biggest, latest first when first chosen: who spent most, who bought last.
FIRST_DESCENDING = frozenset({"orders", "spent", "last_order", "created"})

Sort = tuple[str, bool]  # (column key, descending)


def sort_keys() -> list[str]:
    """Every sortable column: the table's in its order, then those it has no column for."""
    shown = [c.key for c in COLUMNS if c.key in SORT_KEYS]
    return shown + [key for key in SORT_KEYS if key not in shown]


def chosen(current: Sort, key: str) -> Sort:
    """The sort after choosing `key`: the current column reversed, another in its first
    direction."""
    column, descending = current
    return (key, not descending) if key == column else (key, key in FIRST_DESCENDING)


class SortPicker(ModalScreen[Sort | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Cancel", id="sort.cancel"),
        # The list has the focus: j / k move it as its arrows do.
        Binding("j", "focused.cursor_down", "Down", show=False, id="sort.down"),
        Binding("k", "focused.cursor_up", "Up", show=False, id="sort.up"),
    ]
    DEFAULT_CSS = """
    SortPicker { align: center middle; }
    SortPicker > Vertical { width: 44; height: auto; max-height: 90%; padding: 0 1;
                            border: thick $primary; background: $surface; }
    SortPicker #sort-title { text-style: bold; color: $primary; }
    SortPicker OptionList { height: auto; max-height: 16; margin: 1 0; }
    SortPicker .hint { color: $text-muted; }
    """

    def __init__(self, current: Sort) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        column, descending = self.current
        options = []
        for key in sort_keys():
            title = SORT_TITLES[key]
            if key == column:
                prompt = Content.assemble((f"{title} {sort_arrow(descending)}", "bold"),
                                          ("  now: enter reverses", "$text-muted"))
            else:
                prompt = Content(title)
            options.append(Option(prompt, id=key))
        with Vertical():
            yield Static(f"Sort by ({SORT_TITLES.get(column, column)} "
                         f"{sort_arrow(descending)} now)", id="sort-title", markup=False)
            yield OptionList(*options, id="sort-columns", compact=True)
            yield Static(hinted(self, "enter: sort   {sort.cancel}: leave as is"), classes="hint")

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.highlighted = listing.get_option_index(self.current[0]) \
            if self.current[0] in SORT_KEYS else 0
        listing.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(chosen(self.current, event.option.id or self.current[0]))
