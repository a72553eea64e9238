"""A stage's title on a narrow board (80 columns: about 18 per stage) shows its deal
count and total whole: the word "deals" gives way before any digit of the amount does."""

from __future__ import annotations

import pytest

from crm_tui.tui.widgets.pipeline_board import Card, Stage, StageColumn


def _stage(deals: int, each_cents: int) -> Stage:
    cards = [Card(n, n, f"Deal {n}", "Customer", each_cents, 3, False) for n in range(deals)]
    return Stage("Qualification", 25, cards, deals, deals * each_cents)


@pytest.mark.parametrize("width", [14, 17, 18, 19, 22])
def test_a_stage_total_is_never_cut(width: int) -> None:
    stage = _stage(4381, 730_000)  # 4,381 deals of $7,300: $31,981,300 in all
    title = StageColumn(stage)._title(1, width).plain
    assert title.endswith("$31M") and "4,381" in title and len(title) <= width


def test_the_word_stays_where_it_fits() -> None:
    assert StageColumn(_stage(12, 950_000))._title(1, 18).plain == " 12 deals · $114k"
