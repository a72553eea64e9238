"""Feedback: the inbox (unresolved first, newest first) with ratings, sentiment badges and
the NPS; resolve with notes, reopen, and jump to the customer who wrote it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from crm_tui.tui.keymap import hinted
from crm_tui.tui.widgets.badges import badge

from .record_list import Listing, RecordListScreen

SENTIMENT_COLORS = {"positive": "success", "neutral": "warning", "negative": "error"}


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


class FeedbackScreen(RecordListScreen):
    SUB_TITLE = "Feedback"
    COLUMNS: ClassVar = (("Date", 10), ("Customer", 14), ("Rating", 6), ("Sentiment", 10),
                         ("NPS", 3), ("State", 5), ("Comments", None))
    EMPTY = "No feedback yet: {customers.feedback} on a customer records some."
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "resolve", "Resolve", id="feedback.resolve", priority=True),
        Binding("o", "reopen", "Reopen", id="feedback.reopen"),
        Binding("c", "customer", "Customer", id="feedback.customer"),
    ]

    def fetch(self, theme: Mapping[str, str]) -> Listing:
        inbox = self.crm.feedback.inbox()
        names = self.crm.customers.display_names(f.get("customer_id") for f in inbox)
        rows = []
        for f in inbox:
            rows.append((str(f["id"]), (
                f.get("date") or "", self._customer_name(f.get("customer_id"), names),
                stars(f["rating"]),
                badge(sentiment := str(f.get("sentiment") or ""),
                      SENTIMENT_COLORS.get(sentiment, ""), theme),
                Text("" if f.get("recommend_score") is None else str(f["recommend_score"]),
                     justify="right"),
                Text("done", style="dim") if f.get("resolved")
                else Text("open", style=f"bold {theme.get('warning', '')}"),
                (f.get("comments") or "").replace("\n", " "))))
        nps = self.crm.feedback.nps(inbox)
        score = "n/a" if nps.score is None else f"{nps.score:+.0f}"
        unresolved = sum(1 for f in inbox if not f.get("resolved"))
        summary = (f"NPS {score} · promoters {nps.promoters}, passives {nps.passives}, "
                   f"detractors {nps.detractors} · {unresolved} open of {len(inbox)}")
        return Listing(summary, rows)

    @staticmethod
    def _customer_name(customer_id: int | None, names: Mapping[int, str]) -> str:
        if customer_id is None:
            return "anonymous"
        return names[customer_id] or f"#{customer_id}"  # "": no such customer

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
