"""The demo data's inputs (names, places, products, phrases) and the seeded picks over them.

The word lists live in `crm_tui/data/demo/*.json`, package data, so an installed `crm demo`
finds them. Every pick goes through the caller's `random.Random`: same seed, same picks.
"""

from __future__ import annotations

import itertools
import json
import random
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any, Generic, TypeVar

T = TypeVar("T")
FILES = ("locales", "business", "texts")


@cache
def load_words() -> dict[str, Any]:
    """Every demo input file, merged: {"locales": [...], "products": [...], ...}."""
    folder = resources.files("crm_tui") / "data" / "demo"
    words: dict[str, Any] = {}
    for name in FILES:
        data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        words.update({k: v for k, v in data.items() if not k.startswith("_")})
    return words


def pick(rng: random.Random, choices: Sequence[T]) -> T:
    return choices[rng.randrange(len(choices))]


class Weighted(Generic[T]):
    """Choices drawn as often as their weights; the cumulative weights are computed once,
    as the demo draws millions of times."""

    def __init__(self, items: Sequence[T], weights: Iterable[int]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))

    @classmethod
    def of(cls, weights: Mapping[T, int]) -> Weighted[T]:
        """From {choice: weight}."""
        return cls(list(weights), weights.values())

    @classmethod
    def by(cls, items: Sequence[T], key: str = "weight") -> Weighted[T]:
        """From records carrying their own weight: [{"city": ..., "weight": 34}, ...]."""
        return cls(items, (item[key] for item in items))  # type: ignore[index]

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


def fill_digits(rng: random.Random, pattern: str) -> str:
    """The pattern with each '#' replaced by a random digit: "+212 6## ##" -> "+212 641 07"."""
    return "".join(str(rng.randrange(10)) if ch == "#" else ch for ch in pattern)


def ascii_slug(text: str, sep: str = ".") -> str:
    """Lower-case ASCII letters and digits joined by `sep`: "Fatima Zahra" -> "fatima.zahra",
    "Léa" -> "lea", "Home & Living" -> "home.living" (for email addresses and domains)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    return sep.join(words)
