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

from crm_tui.store.text_key import text_key

from . import tables
from .agenda import ASSIGNEE, UPCOMING_DAYS, Agenda, DueCounts, due_counts, pending_keys

if TYPE_CHECKING:
    from .crm import Crm

Scope = Literal["mine", "team"]
TASK, FOLLOW_UP = "task", "follow-up"
# kind -> (table, its date index, the field naming whose it is: keyed by its ASSIGNEE index)
DATED = {TASK: (tables.TASKS, "due", "assigned_to"),
         FOLLOW_UP: (tables.INTERACTIONS, "follow_up", "staff")}


@dataclass(frozen=True, slots=True)  # one per open task or follow-up: 48,000 at 100k
class Pending:
    """One task or follow-up still to do, as a long list keeps it: what it is and when."""

    kind: str  # TASK or FOLLOW_UP
    record_id: int
    day: int  # its date's ordinal (`agenda.day_key`)

    @property
    def key(self) -> str:
        """The kind and id in one word ("task:3"): one name for it across kinds."""
        return f"{self.kind}:{self.record_id}"


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
    return sum(team_counts_by_kind(crm, as_of).values(), DueCounts(0, 0))


def team_counts_by_kind(crm: Crm, as_of: dt.date | None = None) -> dict[str, DueCounts]:
    """`team_counts` for each kind (TASK, FOLLOW_UP) apart, as the report shows them."""
    day = crm.ctx.as_of(as_of)
    hidden = crm.analytics.view.deleted_customers()
    return {kind: due_counts(crm.db.table(table), index, day, hidden)
            for kind, (table, index, _) in DATED.items()}


def pending(crm: Crm, scope: Scope, as_of: dt.date | None = None, *,
            days: int | None = UPCOMING_DAYS) -> list[Pending]:
    """What `to_do` lists (in no order), found by the indexes without reading a record:
    the date indexes' keys, and for the person's own ("mine") their assignee index's
    (`agenda.whose_key`)."""
    day = crm.ctx.as_of(as_of)
    hidden = crm.analytics.view.deleted_customers()
    found: list[Pending] = []
    for kind, (table, index, _) in DATED.items():
        records = crm.db.table(table)
        keyed = pending_keys(records, index, day, days, hidden)
        if scope == "mine":
            mine = records.find_ids(ASSIGNEE, text_key(crm.ctx.staff))
            keyed = [(key, i) for key, i in keyed if i in mine]
        found += [Pending(kind, i, key) for key, i in keyed]
    return found
