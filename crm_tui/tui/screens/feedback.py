"""Feedback: the inbox (unresolved first, newest first) with ratings, sentiment badges and
the NPS; resolve with notes, reopen, and jump to the customer who wrote it.

The inbox is read in a worker as its order, open count and NPS (`Inbox`, from an index:
no feedback read), and drawn a screenful at a time: the feedback and customers' names of
the rows on screen are read as they come into view, so 19,000 feedback cost what 40 do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.theme import Theme
from textual.widgets import Header, Static, TextArea
from textual.worker import get_current_worker

from crm_tui.domain.rules.feedback import NpsBreakdown
from crm_tui.services.feedback import Inbox, InboxRow
from crm_tui.tui.keymap import hinted
from crm_tui.tui.messages import InboxListed
from crm_tui.tui.widgets.badges import badge, rich_colors
from crm_tui.tui.widgets.cells import fit_cells
from crm_tui.tui.widgets.footer import Footer
from crm_tui.tui.widgets.paged_list import PagedList

from .base import CrmScreen

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

SENTIMENT_COLORS = {"positive": "success", "neutral": "warning", "negative": "error"}
# (title, width); the comments take the room left
COLUMNS = (("Date", 10), ("Customer", 14), ("Rating", 6), ("Sentiment", 10), ("NPS", 3),
           ("State", 5))
GAP = 2  # cells between columns


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


class ResolveScreen(ModalScreen[str | None]):
    """What was done about a piece of feedback; ctrl+s resolves, escape leaves it as it was."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Resolve", id="resolve.save", priority=True),
        Binding("escape", "dismiss(None)", "Cancel", id="resolve.cancel"),
        Binding("f1", "app.help", "Help", id="resolve.help"),  # as in a form
    ]
    DEFAULT_CSS = """
    ResolveScreen { align: center middle; }
    ResolveScreen > Vertical { width: 70; max-width: 95%; height: 16; max-height: 90%;
                               padding: 0 1; border: thick $primary; background: $surface; }
    ResolveScreen #resolve-title { text-style: bold; color: $primary; }
    ResolveScreen #resolve-about { color: $text-muted; height: auto; max-height: 3; }
    ResolveScreen TextArea { height: 1fr; }
    ResolveScreen .hint { color: $text-muted; }
    """

    def __init__(self, about: str, notes: str) -> None:
        super().__init__()
        self.about = about
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Resolve feedback: what was done?", id="resolve-title")
            yield Static(self.about, id="resolve-about")
            yield TextArea(self.notes, id="resolve-notes", tab_behavior="focus")
            yield Static(hinted(self, "{resolve.save} resolve   {resolve.cancel} cancel"),
                         classes="hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())


def summary_line(inbox: Inbox) -> str:
    nps = inbox.nps
    score = "n/a" if nps.score is None else f"{nps.score:+.0f}"
    return (f"NPS {score} · promoters {nps.promoters:,}, passives {nps.passives:,}, "
            f"detractors {nps.detractors:,} · {inbox.open:,} open of {len(inbox.ids):,}")


def read_inbox(crm: Crm) -> Inbox:
    """The inbox as the screen first shows it (read in a worker)."""
    return crm.feedback.inbox()


def header_line() -> Text:
    return Text("".join(fit_cells(title, width) + " " * GAP for title, width in COLUMNS)
                + "Comments")


class InboxLines:
    """The inbox's feedback as a `PagedList` draws them: the rows on screen read their
    feedback and customers' names together."""

    def __init__(self, crm: Crm, ids: Sequence[int], theme: Mapping[str, str]) -> None:
        self.crm = crm
        self.ids = ids
        self.theme = theme

    def __len__(self) -> int:
        return len(self.ids)

    def selectable(self, index: int) -> bool:
        return True

    def lines(self, indexes: Sequence[int], width: int) -> dict[int, Text]:
        rows = self.crm.feedback.rows(self.ids[i] for i in indexes)
        names = self.crm.customers.display_names(r.customer_id for r in rows.values())
        flex = max(8, width - sum(w + GAP for _, w in COLUMNS))
        return {i: self._line(row, names, flex) if (row := rows.get(self.ids[i])) else Text("")
                for i in indexes}

    def _line(self, row: InboxRow, names: Mapping[int, str], flex: int) -> Text:
        sentiment = badge(row.sentiment, SENTIMENT_COLORS.get(row.sentiment, ""), self.theme)
        sentiment.truncate(COLUMNS[3][1], pad=True)
        state = (Text("done", style="dim") if row.resolved
                 else Text("open", style=f"bold {self.theme.get('warning', '')}"))
        score = "" if row.recommend_score is None else str(row.recommend_score)
        gap = " " * GAP
        return Text.assemble(
            fit_cells(row.date, 10), gap, fit_cells(customer_name(row.customer_id, names), 14),
            gap, fit_cells(stars(row.rating), 6), gap, sentiment, gap,
            fit_cells(score, 3, right=True), gap, state, " " * (5 - len(state.plain) + GAP),
            fit_cells(row.comments.replace("\n", " "), flex))


def customer_name(customer_id: int | None, names: Mapping[int, str]) -> str:
    if customer_id is None:
        return "anonymous"
    return names.get(customer_id) or f"#{customer_id}"  # "": no such customer


class FeedbackScreen(CrmScreen):
    EMPTY = "No feedback yet: {customers.feedback} on a customer records some."
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "resolve", "Resolve", id="feedback.resolve", priority=True),
        Binding("o", "reopen", "Reopen", id="feedback.reopen"),
        Binding("c", "customer", "Customer", id="feedback.customer"),
    ]
    DEFAULT_CSS = """
    FeedbackScreen #list-summary { height: auto; padding: 0 1; background: $panel; color: $text; }
    FeedbackScreen #records { height: 1fr; padding: 0 1; }
    FeedbackScreen #list-empty { padding: 1 2; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.inbox = Inbox([], 0, NpsBreakdown(0, 0, 0, 0, None))

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="list-summary")
        yield PagedList(header=header_line(), zebra=True, id="records")
        yield Static(hinted(self, self.EMPTY), id="list-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Feedback"
        self.query_one("#list-empty").display = False
        self.query_one(PagedList).focus()
        # Badge colors come from the theme: a new theme redraws them.
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        self._show(self.inbox)

    # ----- data --------------------------------------------------------------------------
    def refresh_data(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="feedback-inbox")
    def _load(self) -> None:
        inbox = read_inbox(self.crm)
        if not get_current_worker().is_cancelled:
            self.post_message(InboxListed(inbox))

    def on_inbox_listed(self, message: InboxListed) -> None:
        self._show(message.inbox)

    def _show(self, inbox: Inbox) -> None:
        listing = self.query_one(PagedList)
        current = self.current_id()
        self.inbox = inbox
        ids = inbox.ids
        cursor = ids.index(current) if current in ids else listing.cursor
        theme = rich_colors(self.app.theme_variables)
        listing.show(InboxLines(self.crm, ids, theme), cursor)
        self.query_one("#list-summary", Static).update(summary_line(inbox))
        self.query_one("#list-empty").display = not ids

    def current_id(self) -> int | None:
        """The feedback under the cursor."""
        index = self.query_one(PagedList).current
        return None if index is None or index >= len(self.inbox.ids) else (
            self.inbox.ids[index])

    # ----- actions -----------------------------------------------------------------------
    def _current(self) -> dict[str, Any] | None:
        feedback_id = self.current_id()
        return None if feedback_id is None else self.crm.feedback.get(feedback_id)

    def action_resolve(self) -> None:
        feedback = self._current()
        if feedback is None:
            return
        about = f"{stars(feedback['rating'])}  {feedback.get('comments') or '(no comments)'}"

        def resolved(notes: str | None) -> None:
            if notes is not None:
                self.crm_app.run_change(
                    lambda: self.crm.feedback.resolve(feedback["id"], notes),
                    "Feedback resolved")

        self.app.push_screen(ResolveScreen(about, feedback.get("resolution_notes") or ""),
                             resolved)

    def action_reopen(self) -> None:
        feedback = self._current()
        if feedback is not None and feedback.get("resolved"):
            self.crm_app.run_change(lambda: self.crm.feedback.reopen(feedback["id"]),
                                    "Feedback reopened")

    def action_customer(self) -> None:
        feedback = self._current()
        if feedback is None:
            return
        if feedback.get("customer_id") is None:
            self.notify("This feedback is anonymous", severity="warning")
        else:
            self.crm_app.open_customer(feedback["customer_id"])
