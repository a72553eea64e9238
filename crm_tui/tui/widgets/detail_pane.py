"""The 360-degree view of one customer: their name and badges over a list of everything
about them, section by section, in which every record can be selected and acted on.

The list (`DetailList`) takes the focus; up/down (j/k) select, `[`/`]` jump between
sections. Enter opens the selected record in its form (a new one from "none yet", the rest
of a section from "… and N more"). The keys that fit the selected record are shown, the
others are not: a purchase is voided or refunded, a task or follow-up done, put off or
rescheduled, a note pinned, feedback resolved, a deal shown on the board; `y` copies the
record's main value (else the customer's email). Every change goes through the services
with `CrmApp.run_change`, so it is undone, refused or refreshed as anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.domain.dates import DATE_HINT
from crm_tui.domain.entities.task import OPEN_TASK_STATUSES
from crm_tui.services.customer_view import CustomerDetail
from crm_tui.tui.keymap import hinted
from crm_tui.tui.widgets.list_cursor import highlight_again

from .badges import OVERRIDE_NOTE, rich_colors, segment_badges
from .detail_entries import Entry, Record, Section, sections

if TYPE_CHECKING:
    from typing import Self

    from crm_tui.tui.app import CrmApp

SHOWN = 8  # entries per section before "… and N more"
# The keys of the rows that are no entry (an entry's key never starts with "+").
MORE, NONE = "+more", "+none"


@dataclass(frozen=True)
class Row:
    """What one selectable line of the list is: an entry, "none yet" or "… and N more"."""

    section: Section
    entry: Entry | None
    more: bool = False

    @property
    def record(self) -> Record:
        return (self.entry.record if self.entry else None) or {}

    @property
    def kind(self) -> str:  # the section's key when a record is selected, else ""
        return self.section.key if self.entry and self.entry.record is not None else ""


def _open_follow_up(interaction: Record) -> bool:
    return bool(interaction.get("follow_up_date")) and not interaction.get("follow_up_done")


def _to_do(row: Row) -> bool:
    """A task still open, or an interaction whose follow-up is: done, snoozed, rescheduled."""
    return ((row.kind == "tasks" and row.record.get("status") in OPEN_TASK_STATUSES)
            or (row.kind == "interactions" and _open_follow_up(row.record)))


class DetailList(OptionList):
    """The sections and their entries; the keys act on the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: before the list's own enter ("select"), so the keymap id applies.
        Binding("enter", "open", "Open", id="detail.open", priority=True),
        Binding("y", "copy", "Copy", id="detail.copy"),
        Binding("c", "done", "Done", id="detail.done"),
        Binding("c", "resolve", "Resolve", id="detail.resolve"),
        Binding("z", "snooze(1)", "Snooze 1d", id="detail.snooze_day"),
        Binding("Z", "snooze(7)", "Snooze 1w", show=False, id="detail.snooze_week"),
        Binding("w", "reschedule", "Reschedule", id="detail.reschedule"),
        Binding("P", "pin", "Pin/unpin", id="detail.pin"),
        Binding("v", "void", "Void", id="detail.void"),
        Binding("R", "refund", "Refund", id="detail.refund"),
        Binding("B", "board", "On the board", id="detail.board"),
        Binding("right_square_bracket", "section(1)", "Next section", show=False,
                id="detail.next_section"),
        Binding("left_square_bracket", "section(-1)", "Previous section", show=False,
                id="detail.previous_section"),
        Binding("j", "cursor_down", "Down", show=False, id="detail.down"),
        Binding("k", "cursor_up", "Up", show=False, id="detail.up"),
        Binding("escape", "leave", "Back to the list", show=False, id="detail.leave"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(compact=True, markup=False, **kwargs)  # "[refunded]" is text
        self.detail: CustomerDetail | None = None
        self.sections: list[Section] = []
        self.expanded: set[str] = set()  # the sections shown whole
        self.rows: dict[str, Row] = {}  # option id -> what it is

    @property
    def crm_app(self) -> CrmApp:
        return cast("CrmApp", self.app)

    @property
    def customer_id(self) -> int:
        return int(self.detail.customer["id"]) if self.detail else 0

    # ----- filling -----------------------------------------------------------------------
    def show(self, detail: CustomerDetail) -> None:
        """Show `detail`; the same customer again (after a change) keeps the selection and
        what was expanded."""
        same = self.detail is not None and self.customer_id == detail.customer["id"]
        if not same:
            self.expanded = set()
        self.detail = detail
        colors = rich_colors(self.app.theme_variables)
        self.sections = sections(detail, f"bold {colors.get('error', 'red')}")
        self._fill(self.highlighted_option.id if same and self.highlighted_option else None,
                   self.highlighted if same else None)
        if not same:
            self.scroll_home(animate=False)

    def _fill(self, keep: str | None, index: int | None) -> None:
        """Rebuild the options; highlight `keep`, else the entry now at `index`."""
        accent = f"bold {rich_colors(self.app.theme_variables).get('accent', 'default')}"
        options: list[Option] = []
        self.rows = {}

        def row(key: str, prompt: str | Text, what: Row) -> None:
            option_id = f"{what.section.key}:{key}"
            self.rows[option_id] = what
            options.append(Option(prompt, id=option_id))

        for n, section in enumerate(self.sections):
            heading = Text(("\n" if n else "") + section.heading, style=accent)
            options.append(Option(heading, id=f"{section.key}:", disabled=True))
            whole = section.key in self.expanded
            shown = section.entries if whole else section.entries[:SHOWN]
            for entry in shown:
                row(entry.key, entry.prompt, Row(section, entry))
            if len(section.entries) > len(shown):
                row(MORE, Text(f"… and {len(section.entries) - len(shown)} more",
                               style="italic"), Row(section, None, more=True))
            if not section.entries:
                row(NONE, Text("none yet", style="dim"), Row(section, None))
        self.set_options(options)
        self._highlight(keep, index)
        self.refresh_bindings()

    def _highlight(self, keep: str | None, index: int | None) -> None:
        highlight_again(self, keep, index)

    @property
    def current(self) -> Row | None:
        option = self.highlighted_option
        return self.rows.get(option.id or "") if option is not None else None

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()  # the keys that fit the newly selected record

    # ----- which keys fit ----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the actions that fit the selected record are offered; the others let the
        key go on to the screen (escape goes back to the table only when there is one)."""
        row = self.current
        if action == "leave":
            return len(self.screen.focus_chain) > 1
        if row is None:
            return action not in FITS
        fits = FITS.get(action)
        return fits is None or fits(row)

    # ----- actions -----------------------------------------------------------------------
    def action_open(self) -> None:
        row = self.current
        if row is None:
            return
        if row.more:
            self.expanded.add(row.section.key)
            self._fill(None, self.highlighted)  # on the first entry it uncovered
        elif row.section.form is None:
            self.notify("Points are earned, redeemed and expire: they are not edited",
                        timeout=3)
        elif row.kind:
            self.crm_app.open_form(row.section.form, customer_id=self.customer_id,
                                   record_id=int(row.record["id"]))
        else:  # a profile line edits the customer; "none yet" adds the first one
            self.crm_app.open_form(row.section.form, customer_id=self.customer_id)

    def action_copy(self) -> None:
        row = self.current
        entry = row.entry if row else None
        value, label = (entry.value, entry.label) if entry else ("", "")
        if not value and self.detail is not None:
            value, label = str(self.detail.customer.get("email") or ""), "email"
        if not value:
            self.notify("Nothing to copy here", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(value)
        shown = value if len(value) <= 60 else value[:59] + "…"
        self.notify(f"Copied {label}: {shown}" if label else f"Copied: {shown}", timeout=3)

    def action_done(self) -> None:
        row, record_id = self._record()
        app, title = self.crm_app, _title(row)
        if row.kind == "tasks":
            app.run_change(lambda: app.crm.tasks.complete(record_id), f"Done: {title}")
        else:
            app.run_change(lambda: app.crm.interactions.complete_follow_up(record_id),
                           f"Follow-up done: {title}")

    def action_resolve(self) -> None:
        row, record_id = self._record()
        app = self.crm_app
        app.run_change(lambda: app.crm.feedback.resolve(record_id), f"Resolved: {_title(row)}")

    def action_snooze(self, days: int) -> None:
        row, record_id = self._record()
        app = self.crm_app
        done = f"Put off {'a day' if days == 1 else f'{days} days'}: {_title(row)}"
        if row.kind == "tasks":
            app.run_change(lambda: app.crm.tasks.snooze(record_id, days), done)
        else:
            app.run_change(lambda: app.crm.interactions.snooze_follow_up(record_id, days), done)

    def action_reschedule(self) -> None:
        row, record_id = self._record()
        app = self.crm_app
        field = "due_date" if row.kind == "tasks" else "follow_up_date"
        service = app.crm.tasks if row.kind == "tasks" else app.crm.interactions
        app.ask(f"New date for {_title(row)}",
                lambda when: app.run_change(lambda: service.update(record_id, {field: when}),
                                            f"Rescheduled: {_title(row)}"),
                value=str(row.record.get(field) or ""), placeholder=DATE_HINT)

    def action_pin(self) -> None:
        row, note_id = self._record()
        app, pinned = self.crm_app, not row.record.get("pinned")
        app.run_change(
            lambda: app.crm.customers.update_note(self.customer_id, note_id, {"pinned": pinned}),
            "Note pinned" if pinned else "Note unpinned")

    def action_void(self) -> None:
        row, purchase_id = self._record()
        app = self.crm_app
        app.confirm(f"Void the purchase {_title(row)}? It is removed with its points "
                    + hinted(self, "({undo} brings it back); a refund keeps it."),
                    lambda: app.crm.sales.delete(purchase_id), f"Voided {_title(row)}")

    def action_refund(self) -> None:
        row, purchase_id = self._record()
        app = self.crm_app
        app.confirm(f"Refund the purchase {_title(row)}? It stays listed, as refunded, and "
                    "leaves the totals and points.",
                    lambda: app.crm.sales.refund(purchase_id), f"Refunded {_title(row)}")

    def action_board(self) -> None:
        row, deal_id = self._record()
        self.crm_app.open_deals(self.customer_id, deal_id,
                                closed=row.record.get("status") in ("won", "lost"))

    def action_section(self, step: int) -> None:
        """The first entry of the next (step 1) or previous (step -1) section."""
        headings = [i for i in range(self.option_count)
                    if self.get_option_at_index(i).disabled]
        at = self.highlighted or 0
        mine = max((i for i in headings if i <= at), default=0)
        targets = ([i for i in headings if i > at] if step > 0
                   else [i for i in headings if i < mine])
        if targets:
            self._highlight(None, targets[0] if step > 0 else targets[-1])

    def action_leave(self) -> None:
        self.screen.focus_previous()

    def _record(self) -> tuple[Row, int]:
        """The selected record (the actions run only when `check_action` found one)."""
        row = self.current
        assert row is not None and row.entry is not None
        return row, int(row.record["id"])


def _title(row: Row) -> str:
    """How a record is named in a question or a notice."""
    record = row.record
    name = (record.get("title") or record.get("subject") or record.get("name")
            or record.get("external_id") or record.get("item") or record.get("date"))
    return f"“{name}”" if name else "this one"


# Which record each action fits (the others always fit).
FITS: dict[str, Any] = {
    "done": _to_do,
    "snooze": _to_do,
    "reschedule": _to_do,
    "resolve": lambda row: row.kind == "feedback" and not row.record.get("resolved"),
    "pin": lambda row: row.kind == "notes",
    "void": lambda row: row.kind == "purchases",
    "refund": lambda row: row.kind == "purchases" and row.record.get("status") != "refunded",
    "board": lambda row: row.kind == "opportunities",
}


class DetailPane(Vertical):
    """Shows a `CustomerDetail`; empty until one is given. Focusing it focuses its list."""

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane > #detail-title { height: auto; text-style: bold; margin-bottom: 1; }
    DetailPane > DetailList { height: 1fr; max-height: 100%; }
    /* Every row indented as a whole, so a wrapped line starts under the first one. */
    DetailPane > DetailList > .option-list--option { padding: 0 0 0 2 !important; }
    DetailPane > DetailList > .option-list--option-disabled { color: $text; }
    /* The selection shows only while the list has the focus: beside the table, the row
       selected there is what the keys act on. */
    DetailPane > DetailList:blur > .option-list--option-highlighted {
        background: transparent; color: $text; text-style: none;
    }
    """

    EMPTY = "Select a customer to see everything about them."
    LOADING = "Loading the history…"

    def compose(self) -> ComposeResult:
        yield Static(self.EMPTY, id="detail-title")
        yield DetailList(id="detail-entries")

    def focus(self, scroll_visible: bool = True) -> Self:
        self.query_one(DetailList).focus(scroll_visible)
        return self

    def waiting(self) -> None:
        """A customer is on its way: say so while nothing has been shown yet (the first
        view after start-up loads the event tables, seconds on a million events)."""
        title = self.query_one("#detail-title", Static)
        if str(title.render()) == self.EMPTY:
            title.update(self.LOADING)

    def show(self, detail: CustomerDetail) -> None:
        theme = rich_colors(self.app.theme_variables)
        p, b = detail.profile, detail.badges
        title = Text(p.name, style="bold")
        if detail.customer.get("deleted_at"):
            title.append("  (deleted)", style="italic")
        title.append("\n")
        title.append_text(segment_badges(b.lifecycle, b.overridden, b.rfm_segment, b.tier,
                                         [(x.name, x.color) for x in b.custom], theme))
        if b.overridden:  # the star of the lifecycle badge, said once in words
            title.append(f"\n{OVERRIDE_NOTE}", style="italic")
        self.query_one("#detail-title", Static).update(title)
        self.query_one(DetailList).show(detail)
