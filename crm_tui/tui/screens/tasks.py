"""Tasks and follow-ups: what is overdue, due today and coming up, done with one key.

Open tasks and interaction follow-ups (`to_do`, the definition the dashboard counts too)
share one list in three sections. Marking one done is not destructive (ctrl+z undoes it),
so it takes a single key, and so is snoozing (+1 day, +1 week: from the due date, or from
today when it is late). "Mine" shows what is assigned to whoever runs the program, "team"
everyone's, and "overdue only" leaves out what is due today and upcoming; the line on top
says which, with the counts the dashboard words alike. `e` opens the task (or the
interaction behind a follow-up) in its form, whose save meets other sessions' changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from crm_tui.services.agenda import UPCOMING_DAYS
from crm_tui.services.to_do import Scope, ToDo, to_do
from crm_tui.tui.keymap import hinted
from crm_tui.tui.messages import AgendaReady
from crm_tui.tui.widgets.footer import Footer
from crm_tui.tui.widgets.list_cursor import highlight_again

from .base import CrmScreen

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

SECTIONS = (("overdue", "Overdue", "$error"), ("due", "Due today", "$warning"),
            ("upcoming", f"Upcoming (next {UPCOMING_DAYS} days)", "$accent"))
PRIORITY_MARKS = {"urgent": ("!! ", "$error bold"), "high": ("!  ", "$warning bold")}
TASK, FOLLOW_UP = "task", "follow-up"
FORMS = {TASK: "task", FOLLOW_UP: "interaction"}  # the form each kind is edited in


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # TASK or FOLLOW_UP
    record_id: int
    date: str
    title: str
    customer_id: int | None
    customer: str
    who: str
    priority: str
    detail: str

    @property
    def key(self) -> str:  # the option id
        return f"{self.kind}:{self.record_id}"


@dataclass(frozen=True)
class AgendaData:
    to_do: ToDo  # every list of the scope: the counts on top
    sections: dict[str, list[AgendaItem]]  # those shown: only "overdue" when filtered
    overdue_only: bool = False


def _task(task: dict[str, Any], names: dict[int, str]) -> AgendaItem:
    return AgendaItem(TASK, task["id"], task.get("due_date") or "", task.get("title") or "",
                      task.get("customer_id"), names.get(task.get("customer_id") or 0, ""),
                      task.get("assigned_to") or "", task.get("priority") or "normal",
                      task.get("description") or "")


def _follow_up(note: dict[str, Any], names: dict[int, str]) -> AgendaItem:
    title = note.get("next_action") or note.get("subject") or f"follow up ({note.get('channel')})"
    detail = " · ".join(str(note[k]) for k in ("date", "channel", "subject", "summary", "outcome")
                        if note.get(k))
    return AgendaItem(FOLLOW_UP, note["id"], note.get("follow_up_date") or "", title,
                      note.get("customer_id"), names.get(note.get("customer_id") or 0, ""),
                      note.get("staff") or "", "normal", detail)


def agenda_data(crm: Crm, scope: Scope, overdue_only: bool = False) -> AgendaData:
    """Both agendas merged by section, soonest first; read in a worker (customer names)."""
    todo = to_do(crm, scope)
    shown = todo.overdue_only() if overdue_only else todo
    tasks, follow = shown.tasks, shown.follow_ups
    wanted = {r.get("customer_id") for agenda in (tasks, follow)
              for part in (agenda.due, agenda.overdue, agenda.upcoming) for r in part}
    names = crm.customers.display_names(wanted)
    sections = {
        name: sorted([_task(t, names) for t in getattr(tasks, name)]
                     + [_follow_up(i, names) for i in getattr(follow, name)],
                     key=lambda item: (item.date, item.kind, item.record_id))
        for name, _, _ in SECTIONS
        if name == "overdue" or not overdue_only
    }
    return AgendaData(todo, sections, overdue_only)


def scope_line(todo: ToDo, overdue_only: bool = False) -> str:
    """Whose list it is, what it shows, and its counts, in the dashboard's words."""
    whose = f"Mine ({todo.staff})" if todo.scope == "mine" else "Team"
    if overdue_only:
        whose += ", overdue only"
    return (f"{whose}: {todo.overdue:,} overdue · {todo.due:,} due today · "
            f"as of {todo.as_of.isoformat()}")


def _prompt(item: AgendaItem, show_who: bool) -> Content:
    mark = PRIORITY_MARKS.get(item.priority, ("   ", ""))
    # The kind stays in the text color: a theme color could vanish on the cursor's.
    parts: list[str | tuple[str, str]] = [
        (item.date or "no date   ", "$text-muted"), "  ", mark, f"{item.kind:<9}", "  "]
    if item.customer:
        parts += [(item.customer, "bold"), " — "]
    parts.append(item.title)
    if show_who:
        parts += ["  ", (f"@{item.who}", "$text-muted")]
    return Content.assemble(*parts)


class TasksScreen(CrmScreen):
    CSS_PATH = "tasks.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,x", "done", "Done", id="tasks.done"),
        Binding("e", "edit", "Edit", id="tasks.edit"),
        Binding("s", "snooze(1)", "Snooze 1d", id="tasks.snooze_day"),
        Binding("S", "snooze(7)", "Snooze 1w", show=False, id="tasks.snooze_week"),
        Binding("m", "mine", "Mine/team", id="tasks.mine"),
        Binding("o", "overdue", "Overdue", id="tasks.overdue"),
        # priority: before the list's own enter ("select"), so the keymap id applies.
        Binding("enter", "open", "Customer", id="tasks.open", priority=True),
        Binding("n", "new", "New task", id="tasks.new"),
        Binding("j", "cursor('down')", "Down", show=False, id="tasks.down"),
        Binding("k", "cursor('up')", "Up", show=False, id="tasks.up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mine = True
        self.overdue_only = False
        self.items: dict[str, AgendaItem] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="agenda-status")
        yield OptionList(id="agenda", compact=True)
        yield Static("", id="agenda-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Tasks & follow-ups"
        self.query_one(OptionList).focus()

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
        listing = self.query_one(OptionList)
        was = listing.highlighted
        current = self.current
        options: list[Option] = []
        for name, title, color in SECTIONS:
            if name not in data.sections:
                continue
            items = data.sections[name]
            count = f" · {len(items)}" if items else " · nothing"
            options.append(Option(Content.assemble((title, f"bold {color}"), count),
                                  id=f"section:{name}", disabled=True))
            options += [Option(_prompt(item, not self.mine), id=item.key) for item in items]
        self.items = {item.key: item for items in data.sections.values() for item in items}
        listing.set_options(options)
        self._highlight(current.key if current else None, was)
        self.query_one("#agenda-status", Static).update(Content.assemble(
            scope_line(data.to_do, data.overdue_only),
            (hinted(self, "  {tasks.mine}, {tasks.overdue}: change"), "$text-muted")))

    def _highlight(self, key: str | None, was: int | None) -> None:
        """Back on the same item; if it is gone (done), on the one that took its place."""
        highlight_again(self.query_one(OptionList), key, was)
        self._describe()

    @property
    def current(self) -> AgendaItem | None:
        option = self.query_one(OptionList).highlighted_option
        return self.items.get(option.id or "") if option is not None else None

    @on(OptionList.OptionHighlighted, "#agenda")
    def _describe(self) -> None:
        item = self.current
        text = ""
        if item is not None:
            head = [item.kind, item.customer or "no customer", f"due {item.date or '-'}",
                    f"priority {item.priority}" if item.kind == TASK else "",
                    f"for {item.who}" if item.who else ""]
            text = " · ".join(p for p in head if p) + (f"\n{item.detail}" if item.detail else "")
        self.query_one("#agenda-detail", Static).update(Content(text))

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
        if item.kind == TASK:
            self.crm_app.run_change(lambda: self.crm.tasks.complete(item.record_id),
                                    f"Done: {item.title}")
        else:
            self.crm_app.run_change(
                lambda: self.crm.interactions.complete_follow_up(item.record_id),
                f"Follow-up done: {item.title}")

    @on(OptionList.OptionSelected, "#agenda")
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
        when = "a day" if days == 1 else f"{days} days"
        if item.kind == TASK:
            self.crm_app.run_change(lambda: self.crm.tasks.snooze(item.record_id, days),
                                    f"Put off {when}: {item.title}")
        else:
            self.crm_app.run_change(
                lambda: self.crm.interactions.snooze_follow_up(item.record_id, days),
                f"Put off {when}: {item.title}")

    def action_mine(self) -> None:
        self.mine = not self.mine
        self.load()

    def action_overdue(self) -> None:
        self.overdue_only = not self.overdue_only
        self.load()

    def action_cursor(self, direction: str) -> None:
        listing = self.query_one(OptionList)
        if direction == "down":
            listing.action_cursor_down()
        else:
            listing.action_cursor_up()
