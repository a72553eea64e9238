"""Where a refreshed option list puts its cursor: back on the item it was on."""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import OptionDoesNotExist


def highlight_again(listing: OptionList, key: str | None, was: int | None) -> None:
    """Highlight the option `key`; if it is gone (done, voided), the enabled option that
    took its place at index `was`, else the last enabled one."""
    try:
        index = listing.get_option_index(key) if key else (was or 0)
    except OptionDoesNotExist:
        index = was or 0
    enabled = [i for i in range(listing.option_count)
               if not listing.get_option_at_index(i).disabled]
    after = [i for i in enabled if i >= index]
    listing.highlighted = after[0] if after else (enabled[-1] if enabled else None)
