"""Feedback: sentiment bands and NPS."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.feedback import (
    nps,
    nps_breakdown,
    sentiment_for_rating,
)
from crm_tui.domain.settings import FeedbackSettings


@pytest.mark.parametrize(
    ("rating", "sentiment"),
    [(1, "negative"), (2, "negative"), (3, "neutral"), (4, "positive"), (5, "positive")],
)
def test_sentiment_from_rating(rating: int, sentiment: str) -> None:
    assert sentiment_for_rating(rating) == sentiment


@pytest.mark.parametrize("bad", [0, 6, 3.5, "4", None, True])
def test_bad_rating(bad: object) -> None:
    with pytest.raises(ValidationError) as err:
        sentiment_for_rating(bad)
    assert err.value.field == "rating"


def test_sentiment_bands_are_settings() -> None:
    assert sentiment_for_rating(3, FeedbackSettings(neutral_max_rating=2)) == "positive"


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([10, 9, 8, 7, 6, 0], 0.0),  # 2 promoters, 2 passives, 2 detractors
        ([10, 10, 10], 100.0),
        ([0, 6, 6], -100.0),
        ([7, 8], 0.0),
        ([9, 7, 3], 0.0),
        ([9, 9, 7], 66.7),  # 2/3 promoters -> 66.666.. -> 66.7
        ([9, 7, 7], 33.3),
        ([10, 9, 1, 8, 8, 8, 8, 8], 12.5),
        ([10, None, 3, None, 9], 33.3),  # unanswered scores are left out
    ],
)
def test_nps_examples(scores: list, expected: float) -> None:
    assert nps(scores) == expected


def test_nps_none_without_scores() -> None:
    assert nps([]) is None
    assert nps([None, None]) is None


def test_nps_breakdown() -> None:
    b = nps_breakdown([10, 9, 8, 6, None])
    assert (b.responses, b.promoters, b.passives, b.detractors, b.score) == (4, 2, 1, 1, 25.0)


@pytest.mark.parametrize("bad", [-1, 11, 9.5, "10"])
def test_bad_recommend_score(bad: object) -> None:
    with pytest.raises(ValidationError) as err:
        nps([bad])  # type: ignore[list-item]
    assert err.value.field == "recommend_score"


@given(st.lists(st.one_of(st.none(), st.integers(0, 10)), max_size=100))
def test_nps_bounds(scores: list) -> None:
    value = nps(scores)
    if all(s is None for s in scores):
        assert value is None
    else:
        assert value is not None and -100.0 <= value <= 100.0
        assert value == round(value, 1)
