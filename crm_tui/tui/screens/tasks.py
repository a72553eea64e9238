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

import sys
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

from crm_tui.services import tables
from crm_tui.services.agenda import UPCOMING_DAYS
from crm_tui.services.to_do import Scope, ToDo, to_do
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
TASK, FOLLOW_UP = "task", "follow-up"
FORMS = {TASK: "task", FOLLOW_UP: "interaction"}  # the form each kind is edited in


@dataclass(frozen=True, slots=True)  # one per open task or follow-up: 48,000 at 100k
class AgendaItem:
    """What the list keeps of one task or follow-up: where it goes, and how to read it."""

    kind: str  # TASK or FOLLOW_UP
    record_id: int
    date: str
    customer_id: int | None
    who: str
    priority: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.record_id}"


@dataclass(frozen=True, slots=True)
class Heading:
    """A section's title line, with its count."""

    name: str
    count: int


Entry = AgendaItem | Heading


@dataclass(frozen=True)
class AgendaData:
    status: str  # whose list, what it shows, its counts (`scope_line`)
    sections: dict[str, list[AgendaItem]]  # those shown: only "overdue" when filtered
    overdue_only: bool = False


def _item(kind: str, record: dict[str, Any], date_field: str, who_field: str) -> AgendaItem:
    return AgendaItem(kind, record["id"], sys.intern(str(record.get(date_field) or "")),
                      record.get("customer_id"), sys.intern(str(record.get(who_field) or "")),
                      sys.intern(str(record.get("priority") or "normal")))


def agenda_data(crm: Crm, scope: Scope, overdue_only: bool = False) -> AgendaData:
    """Both agendas merged by section, soonest first; read in a worker. Only a small item
    is kept of each record: the lines on screen read their records (`AgendaLines`)."""
    todo = to_do(crm, scope)
    shown = todo.overdue_only() if overdue_only else todo
    tasks, follow = shown.tasks, shown.follow_ups
    sections = {
        name: sorted([_item(TASK, t, "due_date", "assigned_to") for t in getattr(tasks, name)]
                     + [_item(FOLLOW_UP, i, "follow_up_date", "staff")
                        for i in getattr(follow, name)],
                     key=lambda item: (item.date, item.kind, item.record_id))
        for name, _, _ in SECTIONS
        if name == "overdue" or not overdue_only
    }
    return AgendaData(scope_line(todo, overdue_only), sections, overdue_only)


def scope_line(todo: ToDo, overdue_only: bool = False) -> str:
    """Whose list it is, what it shows, and its counts, in the dashboard's words."""
    whose = f"Mine ({todo.staff})" if todo.scope == "mine" else "Team"
    if overdue_only:
        whose += ", overdue only"
    return (f"{whose}: {todo.overdue:,} overdue · {todo.due:,} due today · "
            f"as of {todo.as_of.isoformat()}")


def title_of(item: AgendaItem, record: dict[str, Any]) -> str:
    if item.kind == TASK:
        return str(record.get("title") or "")
    return str(record.get("next_action") or record.get("subject")
               or f"follow up ({record.get('channel')})")


def detail_of(item: AgendaItem, record: dict[str, Any]) -> str:
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
        return isinstance(self.entries[index], AgendaItem)

    def lines(self, indexes: Sequence[int], width: int) -> dict[int, Text]:
        items = [e for e in (self.entries[i] for i in indexes) if isinstance(e, AgendaItem)]
        records = read_records(self.crm, items)
        names = self.crm.customers.display_names(i.customer_id for i in items)
        return {i: self._line(self.entries[i], records, names, width) for i in indexes}

    def _line(self, entry: Entry, records: dict[tuple[str, int], dict[str, Any]],
              names: dict[int, str], width: int) -> Text:
        if isinstance(entry, Heading):
            title, color = HEADINGS[entry.name]
            count = f" · {entry.count}" if entry.count else " · nothing"
            return Text.assemble((title, f"bold {self.theme.get(color, '')}"), count)
        record = records.get((entry.kind, entry.record_id), {})
        mark, style = PRIORITY_MARKS.get(entry.priority, ("   ", ""))
        # The kind stays in the text color: a theme color could vanish on the cursor's.
        parts: list[str | tuple[str, str]] = [
            (entry.date or "no date   ", "dim"), "  ",
            (mark, f"bold {self.theme.get(style, '')}" if style else ""), f"{entry.kind:<9}", "  "]
        customer = names.get(entry.customer_id or 0, "")
        if customer:
            parts += [(customer, "bold"), " — "]
        parts.append(title_of(entry, record))
        if self.show_who:
            parts += ["  ", (f"@{entry.who}", "dim")]
        line = Text.assemble(*parts)
        line.truncate(width, overflow="ellipsis")
        return line


def read_records(crm: Crm, items: Sequence[AgendaItem]) -> dict[tuple[str, int], dict[str, Any]]:
    """The records of these items, by (kind, id), each table's read together."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for kind, table in ((TASK, tables.TASKS), (FOLLOW_UP, tables.INTERACTIONS)):
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
        keys = [e.key if isinstance(e, AgendaItem) else "" for e in entries]
        # Back on the same item; if it is gone (done), on the one that took its place.
        cursor = keys.index(current.key) if current is not None and current.key in keys else was
        theme = rich_colors(self.app.theme_variables)
        listing.show(AgendaLines(self.crm, entries, not self.mine, theme), cursor)
        self.query_one("#agenda-status", Static).update(Content.assemble(
            data.status, (hinted(self, "  {tasks.mine}, {tasks.overdue}: change"),
                          "$text-muted")))

    @property
    def current(self) -> AgendaItem | None:
        index = self.query_one(PagedList).current
        entry = self.entries[index] if index is not None and index < len(self.entries) else None
        return entry if isinstance(entry, AgendaItem) else None

    @on(PagedList.Highlighted, "#agenda")
    def _describe(self) -> None:
        item = self.current
        text = ""
        if item is not None:
            record = read_records(self.crm, [item]).get((item.kind, item.record_id), {})
            names = self.crm.customers.display_names([item.customer_id])
            head = [item.kind, names.get(item.customer_id or 0) or "no customer",
                    f"due {item.date or '-'}",
                    f"priority {item.priority}" if item.kind == TASK else "",
                    f"for {item.who}" if item.who else ""]
            detail = detail_of(item, record)
            text = " · ".join(p for p in head if p) + (f"\n{detail}" if detail else "")
        self.query_one("#agenda-detail", Static).update(Content(text))

    def _title(self, item: AgendaItem) -> str:
        return title_of(item, read_records(self.crm, [item]).get((item.kind, item.record_id), {}))

    # ----- actions -----------------------------------------------------------------------
    def _item(self) -> AgendaItem | None:
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
        if item.customer_id is None:
            self.notify("This task is not about a customer", timeout=3)
        else:
            self.crm_app.open_customer(item.customer_id)

    def action_new(self) -> None:
        self.crm_app.open_form("task")

    def action_edit(self) -> None:
        item = self._item()
        if item is not None:
            self.crm_app.open_form(FORMS[item.kind], customer_id=item.customer_id,
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
