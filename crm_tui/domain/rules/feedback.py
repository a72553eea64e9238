"""Feedback sentiment (from the 1-5 rating) and the Net Promoter Score (from 0-10 scores).

NPS = % promoters (9-10) - % detractors (0-6) over feedback that has a recommend score,
computed exactly and rounded half-up to one decimal, returned as a float (e.g. 33.3).
None when no feedback has a recommend score.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.settings import FeedbackSettings

NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
_DEFAULT = FeedbackSettings()


def validate_rating(rating: object) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError("rating", "must be a whole number from 1 to 5")
    return rating


def validate_recommend_score(score: object) -> int | None:
    """A 0-10 score, or None when the customer did not answer the question."""
    if score is None:
        return None
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise ValidationError("recommend_score", "must be a whole number from 0 to 10")
    return score


def sentiment_for_rating(rating: object, settings: FeedbackSettings = _DEFAULT) -> str:
    """1-2 negative, 3 neutral, 4-5 positive by default."""
    value = validate_rating(rating)
    if value <= settings.negative_max_rating:
        return NEGATIVE
    if value <= settings.neutral_max_rating:
        return NEUTRAL
    return POSITIVE


@dataclass(frozen=True)
class NpsBreakdown:
    responses: int
    promoters: int
    passives: int
    detractors: int
    score: float | None


def nps_breakdown(
    scores: Iterable[int | None], settings: FeedbackSettings = _DEFAULT
) -> NpsBreakdown:
    """Counts and NPS over recommend scores; None entries (unanswered) are skipped."""
    return nps_of_counts(Counter(map(validate_recommend_score, scores)), settings)


def nps_of_counts(counts: Mapping[int | None, int],
                  settings: FeedbackSettings = _DEFAULT) -> NpsBreakdown:
    """`nps_breakdown` of valid scores given as score -> how many (None: unanswered)."""
    promoters = passives = detractors = 0
    for score, count in counts.items():
        if score is None:
            continue
        if score >= settings.promoter_min_score:
            promoters += count
        elif score <= settings.detractor_max_score:
            detractors += count
        else:
            passives += count
    responses = promoters + passives + detractors
    if responses == 0:
        return NpsBreakdown(0, 0, 0, 0, None)
    exact = Decimal(100 * (promoters - detractors)) / Decimal(responses)
    rounded = float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return NpsBreakdown(responses, promoters, passives, detractors, rounded)


def nps(scores: Iterable[int | None], settings: FeedbackSettings = _DEFAULT) -> float | None:
    """NPS from recommend scores (-100.0 to 100.0), None without any score."""
    return nps_breakdown(scores, settings).score
