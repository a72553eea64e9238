"""Packed whole-number arrays (a saved state's long columns): read back as they were, 64-bit
in memory whatever width they were saved in."""

from __future__ import annotations

from array import array

import pytest

from crm_tui.domain.aggregates.packed import pack, packed_length, unpack


@pytest.mark.parametrize("values", [
    [], [0], [1, 2, 3], [-1, 5, 7], [2**31 - 1, -(2**31)], [2**31], [-(2**40), 5, 2**62],
    list(range(5000)),
])
def test_values_read_back_as_they_were(values: list[int]) -> None:
    text = pack(array("q", values))
    again = unpack(text)
    assert (again.typecode, again.tolist(), packed_length(text)) == ("q", values, len(values))
    again.append(2**40)  # room for what a fold adds


def test_small_values_are_saved_in_half_the_text() -> None:
    assert len(pack(array("q", range(3000)))) * 2 < len(pack(array("q", [2**40] * 3000))) + 8


@pytest.mark.parametrize("text", ["", "x", "iAQ", "q!!!!", "iAQAAAA"])
def test_what_is_not_packed_numbers_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        unpack(text)
