"""What is to do: open tasks and interaction follow-ups, overdue, due today and upcoming,
for the person running the program ("mine") or for everyone ("team").

The one definition behind the Tasks screen's lists, the dashboard's counts and the
report's, so a figure on one screen is the same figure on another. Screens name the
scope with its own word ("mine", "team"), so the words match too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .agenda import UPCOMING_DAYS, Agenda, DueCounts, due_counts

if TYPE_CHECKING:
    from .crm import Crm

Scope = Literal["mine", "team"]


@dataclass(frozen=True)
class ToDo:
    """Tasks (by assignee) and follow-ups (by the staff who logged the interaction)."""

    as_of: dt.date
    scope: Scope
    staff: str | None  # whose they are when the scope is "mine"
    tasks: Agenda
    follow_ups: Agenda

    @property
    def overdue(self) -> int:
        return len(self.tasks.overdue) + len(self.follow_ups.overdue)

    @property
    def due(self) -> int:
        """Due on the as-of day."""
        return len(self.tasks.due) + len(self.follow_ups.due)

    def overdue_only(self) -> ToDo:
        """The same lists with only what is overdue (nothing due today or upcoming)."""
        def late(agenda: Agenda) -> Agenda:
            return dataclasses.replace(agenda, due=[], upcoming=[])

        return dataclasses.replace(self, tasks=late(self.tasks), follow_ups=late(self.follow_ups))


def to_do(crm: Crm, scope: Scope, as_of: dt.date | None = None, *,
          days: int | None = UPCOMING_DAYS) -> ToDo:
    """Open tasks and follow-ups of the scope as of a day, upcoming within `days` after it
    (0: none, for counts). Those of deleted customers are left out, done ones too."""
    day = crm.ctx.as_of(as_of)
    staff = crm.ctx.staff if scope == "mine" else None
    return ToDo(day, scope, staff, crm.tasks.agenda(day, assigned_to=staff, days=days),
                crm.interactions.follow_ups(day, staff=staff, days=days))


def team_counts(crm: Crm, as_of: dt.date | None = None) -> DueCounts:
    """`to_do(crm, "team", as_of)`'s `due` and `overdue`, counted from the date indexes
    without reading the tasks and follow-ups (the dashboard's figure)."""
    day = crm.ctx.as_of(as_of)
    hidden = crm.analytics.view.deleted_customers()
    return (due_counts(crm.tasks.table, "due", day, hidden)  # the services' date indexes
            + due_counts(crm.interactions.table, "follow_up", day, hidden))
