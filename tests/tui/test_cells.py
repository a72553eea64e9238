"""fit_cells: text cut and padded by terminal cells, with "…" where cut."""

from __future__ import annotations

from rich.cells import cell_len

from crm_tui.tui.widgets.cells import fit_cells


def test_short_text_is_padded_long_text_cut_with_an_ellipsis() -> None:
    assert fit_cells("Chloé", 8) == "Chloé   "
    assert fit_cells("Chloé Garnier", 8) == "Chloé G…"
    assert fit_cells("Chloé", 5) == "Chloé"
    assert fit_cells("abc", 0) == ""


def test_wide_characters_are_measured_in_cells() -> None:
    cut = fit_cells("東京商事株式会社", 7)  # two cells a character
    assert cell_len(cut) == 7 and cut.endswith("…")
    assert cut.startswith("東京商")
