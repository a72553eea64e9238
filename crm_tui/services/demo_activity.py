"""Demo data plans, the activity around a customer: interactions and their follow-ups, tasks,
notes, feedback (goodwill points after some complaints) and loyalty redemptions (see
`demo_plan`, which decides the customer and its orders).

Agenda items that must exist on every demo database (follow-ups and tasks due today,
overdue, upcoming; anonymous feedback; internal tasks) are spread by customer number
rather than left to chance.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .demo_words import Weighted, pick

DAY_START, DAY_END = 8 * 60 + 30, 18 * 60  # business hours, in minutes
AS_OF_END = 11 * 60 + 30  # on the as-of day itself, before a noon session clock
CHANNELS = Weighted.of({"email": 30, "phone": 20, "whatsapp": 10, "sms": 8, "meeting": 8,
                       "in_person": 7, "chat": 7, "demo": 5, "support": 5})
MESSAGE_STATUS = Weighted.of({"delivered": 25, "opened": 30, "replied": 20, "sent": 10,
                             "clicked": 10, "bounced": 5})
MINUTES = {"phone": (3, 30), "meeting": (30, 90), "demo": (20, 60), "in_person": (10, 60),
           "support": (5, 40), "chat": (5, 20)}
PRIORITIES = Weighted.of({"normal": 50, "high": 22, "low": 20, "urgent": 8})
NOTE_PRIORITIES = Weighted.of({"normal": 60, "high": 20, "low": 20})
NOTE_TYPES = Weighted.of({"internal": 45, "follow_up": 20, "reminder": 15, "compliment": 10})
RATINGS = Weighted.of({5: 40, 4: 30, 3: 14, 2: 9, 1: 7})
RECOMMEND = {5: (9, 10), 4: (7, 9), 3: (5, 8), 2: (2, 6), 1: (0, 4)}
RESOLVED = {"positive": 0.5, "neutral": 0.4, "negative": 0.65}


@dataclass(frozen=True)
class Step:
    """One service call at a moment. `key` names the record a step makes ("feedback") for
    a later step that refers to it ("resolve"); `about_customer` is False for records about nobody
    (anonymous feedback, internal tasks)."""

    at: dt.datetime
    action: str
    data: dict[str, Any] = field(default_factory=dict)
    key: str | None = None
    about_customer: bool = True


class ActivityPlanner:
    def __init__(self, rng: random.Random, as_of: dt.date, staff: Sequence[str],
                 words: dict[str, Any]) -> None:
        self.rng = rng
        self.as_of = as_of
        self.staff = tuple(staff)
        self.words = words
        self.texts = words["interactions"]
        self.product_names = [p["name"] for p in words["products"] if not p.get("retired")]
        self.service_types = Weighted.of(words["service_types"])
        self.feedback_sources = Weighted.of(words["feedback_sources"])

    # ----- time ------------------------------------------------------------------------------
    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def moment(self, day: dt.date) -> dt.datetime:
        """A business-hours time on `day` (never later than the as-of date)."""
        day = min(day, self.as_of)
        minute = self.rng.randint(DAY_START, AS_OF_END if day == self.as_of else DAY_END)
        return dt.datetime.combine(day, dt.time(minute // 60, minute % 60))

    def after(self, earlier: dt.datetime, day: dt.date) -> dt.datetime:
        """A moment on `day`, strictly after `earlier` (steps that refer to a record)."""
        return max(self.moment(day), earlier + dt.timedelta(minutes=1))

    def _closed(self, due: dt.date) -> float:
        """How likely something due that day is done by as_of: nearly sure after three
        weeks, so the overdue lists stay a working list rather than two years of debris."""
        return 0.97 if (self.as_of - due).days > 21 else 0.75

    def _fill(self, template: str, first: str) -> str:
        return template.format(product=pick(self.rng, self.product_names), first=first)

    # ----- interactions ----------------------------------------------------------------------
    def interactions(self, index: int, talks: tuple[int, int], created: dt.date,
                     last_order: dt.date | None, first: str) -> list[Step]:
        """Interactions since the customer was created (a lapsed one's stop soon after its
        last order), a quarter with a follow-up; every 20th customer has one due today and
        every 15th one overdue."""
        rng, as_of = self.rng, self.as_of
        end = min(as_of, last_order + dt.timedelta(days=45)) if last_order else as_of
        steps = [self._interaction(self.day_between(created, end), first)
                 for _ in range(rng.randint(*talks))]
        if index % 20 == 7:
            day = max(created, as_of - dt.timedelta(days=rng.randint(1, 6)))
            steps.append(self._interaction(day, first, as_of, False))
        if index % 15 == 4 and created < as_of - dt.timedelta(days=2):
            day = max(created, as_of - dt.timedelta(days=rng.randint(5, 30)))
            follow = min(day + dt.timedelta(days=rng.randint(1, 4)), as_of - dt.timedelta(1))
            steps.append(self._interaction(day, first, follow, False))
        return steps

    def _interaction(self, day: dt.date, first: str, follow_up: dt.date | None = None,
                     done: bool | None = None) -> Step:
        rng = self.rng
        channel = CHANNELS.pick(rng)
        inbound = channel == "support" or rng.random() < 0.35
        data: dict[str, Any] = {
            "channel": channel, "direction": "inbound" if inbound else "outbound",
            "date": day.isoformat(), "subject": self._fill(pick(rng, self.texts[channel]), first),
            "summary": pick(rng, self.words["summaries"]),
            "outcome": pick(rng, self.words["outcomes"]), "staff": pick(rng, self.staff)}
        if channel in ("email", "sms", "whatsapp", "chat") and not inbound:
            data["status"] = MESSAGE_STATUS.pick(rng)
        if channel in MINUTES:
            data["duration_minutes"] = rng.randint(*MINUTES[channel])
        if follow_up is None and rng.random() < 0.25:
            follow_up = day + dt.timedelta(days=rng.randint(1, 14))
        if follow_up is not None:
            if done is None:  # past follow-ups were handled, bar a few recent ones
                done = follow_up < self.as_of and rng.random() < self._closed(follow_up)
            data |= {"next_action": pick(rng, self.words["next_actions"]),
                     "follow_up_date": follow_up.isoformat(), "follow_up_done": done}
        return Step(self.moment(day), "interaction", data)

    # ----- tasks -----------------------------------------------------------------------------
    def tasks(self, index: int, created: dt.date, first: str) -> list[Step]:
        """Open tasks due today (every 18th customer), overdue (13th), upcoming (10th),
        and random ones, mostly done once past due; every 50th customer brings an
        internal task about nobody."""
        rng = self.rng
        due = [(0, True)] if index % 18 == 2 else []
        if index % 13 == 6:
            due.append((-rng.randint(1, 20), True))
        if index % 10 == 1:
            due.append((rng.randint(1, 14), True))
        if rng.random() < 0.22:
            due += [(rng.randint(-60, 30), False) for _ in range(rng.randint(1, 2))]
        steps = [self._task(offset, kept_open, created,
                            self._fill(pick(rng, self.words["tasks"]), first), True)
                 for offset, kept_open in due]
        if index % 50 == 0:
            title = pick(rng, self.words["internal_tasks"])
            steps.append(self._task(rng.randint(-10, 20), False, created, title, False))
        return steps

    def _task(self, offset: int, kept_open: bool, created: dt.date, title: str,
              about_customer: bool) -> Step:
        """A task due `offset` days from as_of; past due, most were done (a few
        cancelled) unless `kept_open`."""
        rng, as_of = self.rng, self.as_of
        due = as_of + dt.timedelta(days=offset)
        made = max(created, min(as_of, due - dt.timedelta(days=rng.randint(1, 30))))
        data = {"title": title, "description": pick(rng, self.words["task_descriptions"]),
                "priority": PRIORITIES.pick(rng), "due_date": due.isoformat(),
                "assigned_to": pick(rng, self.staff),
                "status": "in_progress" if rng.random() < 0.2 else "open"}
        ending, closed = rng.random(), self._closed(due)
        if due < as_of and not kept_open and ending < closed:  # 1 in 20 closed by cancelling
            day = min(max(made, due + dt.timedelta(days=rng.randint(-3, 2))), as_of)
            data |= {"status": "done", "completed_date": day.isoformat()} \
                if ending < closed - 0.05 else {"status": "cancelled"}
        return Step(self.moment(made), "task", data, about_customer=about_customer)

    # ----- notes, feedback, loyalty ----------------------------------------------------------
    def notes(self, created: dt.date, unhappy: bool) -> list[Step]:
        """A few notes, about a quarter pinned; an unhappy customer's complaint is pinned."""
        rng = self.rng
        kinds = ["complaint"] if unhappy else []
        kinds += [NOTE_TYPES.pick(rng)
                  for _ in range(rng.choices((0, 1, 2), (70, 22, 8))[0])]
        return [Step(self.moment(self.day_between(created, self.as_of)), "note", {
            "type": kind, "text": pick(rng, self.words["notes"][kind]),
            "priority": "high" if kind == "complaint" else NOTE_PRIORITIES.pick(rng),
            "pinned": kind == "complaint" or rng.random() < 0.25,
            "author": pick(rng, self.staff)}) for kind in kinds]

    def feedback(self, index: int, keen: bool, orders: list[dt.date]) -> tuple[list[Step], bool]:
        """Feedback after an order from some buyers (`keen` ones more often), and anonymous
        feedback with every 40th customer. Returns the steps and whether the customer
        was unhappy (rated 1 or 2)."""
        rng, steps, unhappy = self.rng, [], False
        if orders and rng.random() < (0.4 if keen else 0.18):
            day = min(pick(rng, orders) + dt.timedelta(days=rng.randint(2, 20)), self.as_of)
            steps += self._feedback(day, True)
            unhappy = steps[0].data["rating"] <= 2
        if index % 40 == 9:
            day = self.as_of - dt.timedelta(days=rng.randint(0, 365))
            steps += self._feedback(day, False)
        return steps, unhappy

    def _feedback(self, day: dt.date, about_customer: bool) -> list[Step]:
        rng = self.rng
        rating = RATINGS.pick(rng)
        mood = "positive" if rating >= 4 else "neutral" if rating == 3 else "negative"
        data: dict[str, Any] = {
            "rating": rating, "date": day.isoformat(),
            "service_type": self.service_types.pick(rng),
            "source": self.feedback_sources.pick(rng),
            "recommend_score": rng.randint(*RECOMMEND[rating]) if rng.random() < 0.8 else None,
            "comments": pick(rng, self.words["feedback"][mood]) if rng.random() < 0.85 else None}
        key = "feedback" if about_customer else "anonymous"
        steps = [Step(self.moment(day), "feedback", data, key, about_customer)]
        if rng.random() < RESOLVED[mood]:
            later = min(day + dt.timedelta(days=rng.randint(0, 10)), self.as_of)
            steps.append(Step(self.after(steps[0].at, later), "resolve", {
                "resolved_by": pick(rng, self.staff),
                "resolution_notes": pick(rng, self.words["resolutions"])}, key, about_customer))
            # sorry, have some points
            if about_customer and mood == "negative" and rng.random() < 0.5:
                steps.append(Step(self.after(steps[-1].at, later), "adjust", {
                    "points": pick(rng, (25, 50, 100)), "note": "Goodwill after a complaint"}))
        return steps

    def redemption(self, last_order: dt.date) -> Step:
        """Spend part of the balance some day after the last order (a fraction of it: the
        writer reads the balance when it gets there)."""
        rng = self.rng
        return Step(self.moment(self.day_between(last_order, self.as_of)), "redeem", {
            "fraction": rng.choice((0.25, 0.5, 0.75)),
            "note": pick(rng, self.words["redemptions"])})
