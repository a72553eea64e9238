"""The validators' shortcuts (`Parser.fast`) agree with the full parsers: wherever one
answers, its value is exactly what the parser returns, and whatever the parser refuses it
leaves to the parser (so every message still comes from one place)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_tui.domain.entities import schema
from crm_tui.domain.entities.schema import MISS, Parser
from crm_tui.domain.errors import ValidationError
from tests.domain.test_entities_properties import ENTITIES, TODAY, VALUES


def fast_parsers() -> Iterator[tuple[str, Parser]]:
    for entity, (_, fields) in sorted(ENTITIES.items()):
        for name, spec in fields.items():
            if spec.parser.fast is not None:
                yield f"{entity}.{name}", spec.parser


PARSERS = dict(fast_parsers())

# Text shaped like what the shortcuts take, and near misses of it.
NEAR_MISSES = st.one_of(
    st.from_regex(r"\A[0-9]{1,20}(\.[0-9]{0,3})?\Z"),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
    st.from_regex(r"\A[a-zA-Z0-9._%+-]{1,12}@[a-zA-Z0-9-]{1,10}\.[a-z]{1,4}\Z"),
    st.from_regex(r"\A[ a-zA-Z_-]{0,12}\Z"),
    st.from_regex(r"\A\+?[0-9 ().-]{0,20}( ?(ext|x|#) ?[0-9]{0,7})?\Z"),
    st.text(alphabet=" \t\n\x1f\x7f\x85é0aA_-.,@", max_size=12),
    st.from_regex(r"\A[ a-zA-Z,ßİ-]{0,60}\Z"),  # tags: commas, spaces, case folding
    st.sampled_from(["vip, VIP, Vip", "a" * 41, "a" * 40 + ", b", " , ",
                     ",".join(f"t{i}" for i in range(51))]),
    st.sampled_from(["completed", "Completed", "paid", "cheque", "credit_card", "yes", "NO",
                     "  card", "2024-02-30", "0000-01-01", "999999999999.99",
                     "1000000000000", "00012", "1" * 19, "x" * 201, "a@b.co ", "A@B.CO"]),
)


@pytest.mark.parametrize("where", sorted(PARSERS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.one_of(VALUES, NEAR_MISSES))
def test_a_shortcut_returns_what_the_parser_returns_or_leaves_it_to_it(
        where: str, value: Any) -> None:
    parser = PARSERS[where]
    assert parser.fast is not None
    quick = parser.fast(value)
    if quick is MISS:
        return
    try:
        full = parser.fn(value, "field", TODAY)
    except ValidationError as exc:  # pragma: no cover - what the test exists to catch
        pytest.fail(f"the shortcut took {value!r}, which the parser refuses: {exc}")
    assert (quick, type(quick)) == (full, type(full))


@pytest.mark.parametrize(("parser", "value", "expected"), [
    (schema.amount(), "499.00", 49_900),
    (schema.amount(), "0.5", 50),
    (schema.whole(1, 10), "7", 7),
    (schema.RECORD_ID, 42, 42),
    (schema.DAY, "2026-04-12", "2026-04-12"),
    (schema.text(20), "  Support   plan ", "Support plan"),
    (schema.choice(("completed", "refunded"), aliases={"paid": "completed"}), "paid",
     "completed"),
    (schema.EMAIL, "Ann.Lee@Example.com", "ann.lee@example.com"),
    (schema.FLAG, "yes", True),
    (schema.PHONE, " +1 555  0000000 ", "+1 555 0000000"),
    (schema.TAGS, " referral,  trade-show , Referral,,", ["referral", "trade-show"]),
])
def test_the_common_spellings_take_the_shortcut(parser: Parser, value: Any,
                                               expected: Any) -> None:
    assert parser.fast is not None and parser.fast(value) == expected


@pytest.mark.parametrize(("parser", "value"), [
    (schema.amount(), "1,200.50"), (schema.amount(), "-5"), (schema.amount(), "5.555"),
    (schema.whole(1, 10), "11"), (schema.DAY, "2026-02-30"), (schema.DAY, "today"),
    (schema.text(5), "too long"), (schema.text(20), "tab\tand\x00nul"), (schema.text(20), ""),
    (schema.choice(("a", "b")), "A"), (schema.EMAIL, "not an email"), (schema.FLAG, " yes"),
    (schema.PHONE, "12345"), (schema.PHONE, "call me"),
])
def test_anything_else_is_left_to_the_parser(parser: Parser, value: Any) -> None:
    assert parser.fast is not None and parser.fast(value) is MISS
