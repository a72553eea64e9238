"""Text fitted to a number of terminal cells, as the screen measures it: "Chloé" is five
cells, a Chinese character two. Cutting by characters would overflow a column with wide
characters and leave no sign that a name was cut."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

ELLIPSIS = "…"


def fit_cells(text: str, width: int, *, right: bool = False) -> str:
    """`text` in exactly `width` cells: padded when shorter (on the left if `right`), cut
    with "…" when longer."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length <= width:
        return " " * (width - length) + text if right else set_cell_size(text, width)
    # set_cell_size pads with a space where a wide character would be split in two.
    return set_cell_size(text, width - 1) + ELLIPSIS
