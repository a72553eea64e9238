"""The generated database's work in progress: deals, tasks, feedback and follow-ups, in the
proportions of `crm demo` (at 100,000 customers about 27,500 deals across the stages, open
and closed tasks with due dates and assignees, 19,000 feedback), so that the pipeline
board, the agenda and the feedback inbox are measured full, not empty.

Documents as the services store them (the domain's stage probabilities and statuses,
sentiments from ratings), dated around AS_OF; shared among the bench's staff, the session
the bench opens ("bench") among them, so that "my" agenda is not empty. Drawn from a
random stream of their own: the purchases and interactions stay what they were.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from crm_tui.domain.entities.opportunity import STAGES
from crm_tui.domain.rules.feedback import sentiment_for_rating
from crm_tui.domain.rules.pipeline import default_probability, status_for_stage
from crm_tui.services import tables
from crm_tui.services.demo_activity import ActivityPlanner, Step
from crm_tui.services.demo_words import load_words

from .common import AS_OF

STAFF = ("bench", "amina", "youssef", "claire", "david")
OPEN_STAGES = STAGES[:4]
STAGE_WEIGHTS = (18, 16, 14, 12, 24, 16)  # the demo's: a quarter won, a sixth lost
DEAL_NAMES = ("Annual supply contract", "Office refit", "Fleet of laptops", "Support renewal",
              "Trade-show order", "Branch opening stock")

Doc = dict[str, Any]


def _day(offset: int) -> str:
    return (AS_OF + dt.timedelta(days=offset)).isoformat()


def work(customers: int, buyers: dict[int, list[dt.date]], rng: random.Random
         ) -> Iterator[tuple[str, Doc]]:
    """Per customer: maybe a deal (27.5%), then the demo's tasks and feedback for a customer
    of that number (`ActivityPlanner`: open tasks due today, overdue and upcoming spread by
    customer number, others mostly done once past due, internal tasks and anonymous
    feedback now and then, feedback after some orders; `buyers`: customer id -> order
    days)."""
    planner = ActivityPlanner(rng, AS_OF, STAFF, load_words())
    created = AS_OF - dt.timedelta(days=365)
    for n in range(customers):
        customer_id = n + 1
        if rng.random() < 0.275:
            yield tables.OPPORTUNITIES, _deal(customer_id, rng)
        for step in planner.tasks(n, created, "Sam"):
            yield tables.TASKS, _task(step, customer_id)
        steps, _ = planner.feedback(n, False, buyers.get(customer_id, []))
        yield from ((tables.FEEDBACK, doc) for doc in _feedback(steps, customer_id))


def _stamped(step: Step, customer_id: int) -> Doc:
    stamp = step.at.isoformat(timespec="seconds")
    return {"customer_id": customer_id if step.about_customer else None,
            "created_at": stamp, "updated_at": stamp, "created_by": "bench"}


def _deal(customer_id: int, rng: random.Random) -> Doc:
    stage = rng.choices(STAGES, STAGE_WEIGHTS)[0]
    opened = -rng.randint(5, 300)
    if stage in OPEN_STAGES:  # a quarter idle past the stale bound
        since = max(opened, -(rng.randint(15, 60) if rng.random() < 0.25 else rng.randint(0, 12)))
    else:
        since = rng.randint(min(opened + 7, 0), 0)
    status = status_for_stage(stage)
    return {"customer_id": customer_id, "name": rng.choice(DEAL_NAMES),
            "value": rng.randrange(300, 60_000) * 100, "stage": stage,
            "probability": default_probability(stage), "probability_manual": False,
            "expected_close_date": _day(opened + rng.randint(30, 150)), "status": status,
            "closed_date": None if status == "open" else _day(since),
            "owner": rng.choice(STAFF), "stage_changed_at": _day(since),
            "created_at": f"{_day(opened)}T10:00:00", "updated_at": f"{_day(since)}T10:00:00",
            "created_by": "bench"}


def _task(step: Step, customer_id: int) -> Doc:
    return {"description": None, "completed_date": None, **step.data,
            **_stamped(step, customer_id)}


def _feedback(steps: list[Step], customer_id: int) -> Iterator[Doc]:
    """The feedback of the demo's steps, resolved as their "resolve" step says."""
    made: dict[str | None, Doc] = {}
    for step in steps:
        if step.action == "feedback":
            made[step.key] = {**step.data, **_stamped(step, customer_id), "resolved": False,
                              "sentiment": sentiment_for_rating(step.data["rating"]),
                              "resolution_notes": None, "resolved_by": None}
        elif step.action == "resolve":
            stamp = step.at.isoformat(timespec="seconds")
            made[step.key].update(step.data, resolved=True, resolved_at=stamp,
                                  updated_at=stamp)
    yield from made.values()


def follow_up(interaction: Doc, rng: random.Random) -> None:
    """A quarter of the interactions get a follow-up 1-14 days after them, done by now
    unless recent, as the demo's."""
    if rng.random() >= 0.25:
        return
    day = (dt.date.fromisoformat(interaction["date"]) - AS_OF).days + rng.randint(1, 14)
    # Nearly all done three weeks on, never before they are due.
    done = day < 0 and rng.random() < (0.97 if day < -21 else 0.75)
    interaction.update(next_action="Call back", follow_up_date=_day(day),
                       follow_up_done=done, staff=rng.choice(STAFF))
