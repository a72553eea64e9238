"""How a count is written for people: "1 order", "2 orders", "1,200 customers", and the
words that agree with it ("1 field needs", "2 fields need")."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` with its noun, singular for exactly one (`plural`: when not noun + "s")."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def agreeing(count: int, one: str, many: str) -> str:
    """`one` for exactly one, else `many`: a verb or pronoun that agrees with `count`."""
    return one if count == 1 else many
