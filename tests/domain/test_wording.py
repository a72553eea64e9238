"""Counts written for people."""

from crm_tui.domain.wording import counted


def test_one_is_singular_others_plural_with_thousands_separated() -> None:
    assert counted(1, "order") == "1 order"
    assert (counted(0, "order"), counted(2, "order")) == ("0 orders", "2 orders")
    assert counted(1200, "customer") == "1,200 customers"
    assert counted(3, "entry", "entries") == "3 entries"
