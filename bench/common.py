"""Timing helpers and a deterministic document generator shared by the benchmarks."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

FIRST = ["Ann", "Bob", "Chen", "Dina", "Omar", "Sara", "Youssef", "Lea", "Ivan", "Maya"]
LAST = ["Doe", "Smith", "Alaoui", "Garcia", "Kim", "Novak", "Rossi", "Haddad", "Berg", "Ito"]

AS_OF = dt.date(2026, 6, 15)  # every figure's "today": the generated data's


def customer_doc(n: int, rng: random.Random) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "kind": "individual",
        "first_name": first,
        "last_name": last,
        "email": f"{first}.{last}.{n}@example.com".lower(),
        "phone": f"+1 555 {n % 10_000_000:07d}",
        "status": "active",
        "tags": rng.sample(["vip", "b2b", "newsletter", "trade-show", "referral"], 2),
        "total_spent_cents": rng.randrange(0, 500_000),
        "created_at": "2026-01-01T00:00:00",
    }


def docs(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for n in range(count):
        yield customer_doc(n, rng)


def median_ms(action: Callable[[int], object], reps: int) -> float:
    """Median wall time of `action(i)` over `reps` calls, in milliseconds."""
    samples = []
    for i in range(reps):
        start = time.perf_counter()
        action(i)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start
