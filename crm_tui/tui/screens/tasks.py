"""Tasks and follow-ups: what is overdue, due today and coming up, done with one key.

Open tasks and interaction follow-ups (`to_do`, the definition the dashboard counts too)
share one list in three sections. Marking one done is not destructive (ctrl+z undoes it),
so it takes a single key, and so is snoozing (+1 day, +1 week: from the due date, or from
today when it is late). "Mine" shows what is assigned to whoever runs the program, "team"
everyone's, and "overdue only" leaves out what is due today and upcoming; the line on top
says which, with the counts the dashboard words alike. `e` opens the task (or the
interaction behind a follow-up) in its form, whose save meets other sessions' changes.

The list keeps a small item per task or follow-up (a team's agenda holds 48,000 at 100k
customers) and is drawn a screenful at a time: the lines on screen read their records
and customers' names as they are drawn, the detail line the highlighted one's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from crm_tui.services.agenda import UPCOMING_DAYS
from crm_tui.services.to_do import DATED, FOLLOW_UP, TASK, Pending, Scope, pending
from crm_tui.tui.keymap import hinted
from crm_tui.tui.messages import AgendaReady
from crm_tui.tui.widgets.badges import rich_colors
from crm_tui.tui.widgets.footer import Footer
from crm_tui.tui.widgets.paged_list import PagedList

from .base import CrmScreen

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

SECTIONS = (("overdue", "Overdue", "error"), ("due", "Due today", "warning"),
            ("upcoming", f"Upcoming (next {UPCOMING_DAYS} days)", "accent"))
HEADINGS = {name: (title, color) for name, title, color in SECTIONS}
PRIORITY_MARKS = {"urgent": ("!! ", "error"), "high": ("!  ", "warning")}  # theme colors
FORMS = {TASK: "task", FOLLOW_UP: "interaction"}  # the form each kind is edited in


@dataclass(frozen=True, slots=True)
class Heading:
    """A section's title line, with its count."""

    name: str
    count: int


Entry = Pending | Heading


@dataclass(frozen=True)
class AgendaData:
    status: str  # whose list, what it shows, its counts (`scope_line`)
    sections: dict[str, list[Pending]]  # those shown: only "overdue" when filtered
    overdue_only: bool = False


def agenda_data(crm: Crm, scope: Scope, overdue_only: bool = False) -> AgendaData:
    """Both agendas merged by section, soonest first; read in a worker. Only what the date
    indexes say is kept of each record: the lines on screen read their records
    (`AgendaLines`)."""
    day = crm.ctx.as_of(None)
    today = day.toordinal()
    items = sorted(pending(crm, scope, day), key=lambda p: (p.day, p.kind, p.record_id))
    sections = {"overdue": [p for p in items if p.day < today],
                "due": [p for p in items if p.day == today],
                "upcoming": [p for p in items if p.day > today]}
    whose = f"Mine ({crm.ctx.staff})" if scope == "mine" else "Team"
    status = scope_line(whose, len(sections["overdue"]), len(sections["due"]), day,
                        overdue_only)
    if overdue_only:
        sections = {"overdue": sections["overdue"]}
    return AgendaData(status, sections, overdue_only)


def scope_line(whose: str, overdue: int, due: int, as_of: dt.date,
               overdue_only: bool = False) -> str:
    """Whose list it is, what it shows, and its counts, in the dashboard's words."""
    if overdue_only:
        whose += ", overdue only"
    return f"{whose}: {overdue:,} overdue · {due:,} due today · as of {as_of.isoformat()}"


def date_of(item: Pending) -> str:
    return dt.date.fromordinal(item.day).isoformat()


def title_of(item: Pending, record: dict[str, Any]) -> str:
    if item.kind == TASK:
        return str(record.get("title") or "")
    return str(record.get("next_action") or record.get("subject")
               or f"follow up ({record.get('channel')})")


def detail_of(item: Pending, record: dict[str, Any]) -> str:
    if item.kind == TASK:
        return str(record.get("description") or "")
    return " · ".join(str(record[k]) for k in ("date", "channel", "subject", "summary",
                                                "outcome") if record.get(k))


class AgendaLines:
    """The agenda as a `PagedList` draws it: the items on screen read their records and
    customers' names together."""

    def __init__(self, crm: Crm, entries: list[Entry], show_who: bool,
                 theme: dict[str, str]) -> None:
        self.crm = crm
        self.entries = entries
        self.show_who = show_who
        self.theme = theme

    def __len__(self) -> int:
        return len(self.entries)

    def selectable(self, index: int) -> bool:
        return isinstance(self.entries[index], Pending)

    def lines(self, indexes: Sequence[int], width: int) -> dict[int, Text]:
        items = [e for e in (self.entries[i] for i in indexes) if isinstance(e, Pending)]
        records = read_records(self.crm, items)
        names = self.crm.customers.display_names(
            r.get("customer_id") for r in records.values())
        return {i: self._line(self.entries[i], records, names, width) for i in indexes}

    def _line(self, entry: Entry, records: dict[tuple[str, int], dict[str, Any]],
              names: dict[int, str], width: int) -> Text:
        if isinstance(entry, Heading):
            title, color = HEADINGS[entry.name]
            count = f" · {entry.count:,}" if entry.count else " · nothing"
            return Text.assemble((title, f"bold {self.theme.get(color, '')}"), count)
        record = records.get((entry.kind, entry.record_id), {})
        mark, style = PRIORITY_MARKS.get(str(record.get("priority")), ("   ", ""))
        # The kind stays in the text color: a theme color could vanish on the cursor's.
        parts: list[str | tuple[str, str]] = [
            (date_of(entry), "dim"), "  ",
            (mark, f"bold {self.theme.get(style, '')}" if style else ""), f"{entry.kind:<9}", "  "]
        customer = names.get(record.get("customer_id") or 0, "")
        if customer:
            parts += [(customer, "bold"), " — "]
        parts.append(title_of(entry, record))
        if self.show_who:
            parts += ["  ", (f"@{record.get(DATED[entry.kind][2]) or ''}", "dim")]
        line = Text.assemble(*parts)
        line.truncate(width, overflow="ellipsis")
        return line


def read_records(crm: Crm, items: Sequence[Pending]) -> dict[tuple[str, int], dict[str, Any]]:
    """The records of these items, by (kind, id), each table's read together."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for kind, (table, _, _) in DATED.items():
        ids = [i.record_id for i in items if i.kind == kind]
        if ids:
            found.update(((kind, i), doc) for i, doc in crm.db.get_many(table, ids).items())
    return found


class TasksScreen(CrmScreen):
    CSS_PATH = "tasks.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,x", "done", "Done", id="tasks.done"),
        Binding("e", "edit", "Edit", id="tasks.edit"),
        Binding("s", "snooze(1)", "Snooze 1d", id="tasks.snooze_day"),
        Binding("S", "snooze(7)", "Snooze 1w", show=False, id="tasks.snooze_week"),
        Binding("m", "mine", "Mine/team", id="tasks.mine"),
        Binding("o", "overdue", "Overdue", id="tasks.overdue"),
        # priority: before the list's own keys, so the keymap id applies.
        Binding("enter", "open", "Customer", id="tasks.open", priority=True),
        Binding("n", "new", "New task", id="tasks.new"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mine = True
        self.overdue_only = False
        self.entries: list[Entry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="agenda-status")
        yield PagedList(id="agenda")
        yield Static("", id="agenda-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Tasks & follow-ups"
        self.query_one(PagedList).focus()

    # ----- data --------------------------------------------------------------------------
    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="tasks-agenda")
    def load(self) -> None:
        data = agenda_data(self.crm, "mine" if self.mine else "team", self.overdue_only)
        if not get_current_worker().is_cancelled:
            self.post_message(AgendaReady(data))

    def on_agenda_ready(self, message: AgendaReady) -> None:
        data = message.agenda
        listing = self.query_one(PagedList)
        current, was = self.current, listing.cursor
        entries: list[Entry] = []
        for name, items in data.sections.items():
            entries.append(Heading(name, len(items)))
            entries += items
        self.entries = entries
        keys = [e.key if isinstance(e, Pending) else "" for e in entries]
        # Back on the same item; if it is gone (done), on the one that took its place.
        cursor = keys.index(current.key) if current is not None and current.key in keys else was
        theme = rich_colors(self.app.theme_variables)
        listing.show(AgendaLines(self.crm, entries, not self.mine, theme), cursor)
        self.query_one("#agenda-status", Static).update(Content.assemble(
            data.status, (hinted(self, "  {tasks.mine}, {tasks.overdue}: change"),
                          "$text-muted")))

    @property
    def current(self) -> Pending | None:
        index = self.query_one(PagedList).current
        entry = self.entries[index] if index is not None and index < len(self.entries) else None
        return entry if isinstance(entry, Pending) else None

    @on(PagedList.Highlighted, "#agenda")
    def _describe(self) -> None:
        item = self.current
        text = ""
        if item is not None:
            record = self._record(item)
            customer = record.get("customer_id")
            names = self.crm.customers.display_names([customer])
            who = record.get(DATED[item.kind][2])
            head = [item.kind, names.get(customer or 0) or "no customer",
                    f"due {date_of(item)}",
                    f"priority {record.get('priority') or 'normal'}" if item.kind == TASK
                    else "", f"for {who}" if who else ""]
            detail = detail_of(item, record)
            text = " · ".join(p for p in head if p) + (f"\n{detail}" if detail else "")
        self.query_one("#agenda-detail", Static).update(Content(text))

    def _record(self, item: Pending) -> dict[str, Any]:
        return read_records(self.crm, [item]).get((item.kind, item.record_id), {})

    def _title(self, item: Pending) -> str:
        return title_of(item, self._record(item))

    # ----- actions -----------------------------------------------------------------------
    def _item(self) -> Pending | None:
        item = self.current
        if item is None:
            self.notify("Nothing selected", severity="warning", timeout=3)
        return item

    def action_done(self) -> None:
        item = self._item()
        if item is None:
            return
        title = self._title(item)
        if item.kind == TASK:
            self.crm_app.run_change(lambda: self.crm.tasks.complete(item.record_id),
                                    f"Done: {title}")
        else:
            self.crm_app.run_change(
                lambda: self.crm.interactions.complete_follow_up(item.record_id),
                f"Follow-up done: {title}")

    def action_open(self) -> None:
        item = self._item()
        if item is None:
            return
        customer = self._record(item).get("customer_id")
        if customer is None:
            self.notify("This task is not about a customer", timeout=3)
        else:
            self.crm_app.open_customer(customer)

    def action_new(self) -> None:
        self.crm_app.open_form("task")

    def action_edit(self) -> None:
        item = self._item()
        if item is not None:
            self.crm_app.open_form(FORMS[item.kind],
                                   customer_id=self._record(item).get("customer_id"),
                                   record_id=item.record_id)

    def action_snooze(self, days: int) -> None:
        item = self._item()
        if item is None:
            return
        when = f"Put off {'a day' if days == 1 else f'{days} days'}: {self._title(item)}"
        if item.kind == TASK:
            self.crm_app.run_change(lambda: self.crm.tasks.snooze(item.record_id, days), when)
        else:
            self.crm_app.run_change(
                lambda: self.crm.interactions.snooze_follow_up(item.record_id, days), when)

    def action_mine(self) -> None:
        self.mine = not self.mine
        self.load()

    def action_overdue(self) -> None:
        self.overdue_only = not self.overdue_only
        self.load()
