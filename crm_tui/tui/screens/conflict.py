"""Someone else changed what you are saving: who, when, their value and yours, and a choice.

Shown when a save meets an `EditConflict` (see services/edits.py). Nothing was written;
the person chooses: keep theirs (drop my value for those fields, save the rest),
overwrite (save mine over theirs), or reload (see the record as it is now, keeping what
else was typed). Escape goes back without choosing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from crm_tui.services.edits import Clash, EditConflict
from crm_tui.tui.keymap import hint, hinted

Choice = Literal["theirs", "mine", "reload"]
EMPTY = "(empty)"


@dataclass(frozen=True)
class Guarded:
    """A change made over what a screen showed (a deal moved on the board), for when it
    meets another session's change: what it is about, and how to make it anyway."""

    subject: str  # "the deal 'Renewal'"
    overwrite: Callable[[dict[str, Any]], object]  # the change again, over the record now
    about: tuple[str, ...] = ()  # the fields it is about (the others follow from them)
    since: str = "it was shown"


@dataclass(frozen=True)
class ConflictRow:
    """One field as the dialog shows it."""

    label: str
    by: str  # "bob, 2026-06-15 12:30 (Edit customer)"
    theirs: str
    mine: str


def shown_value(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or EMPTY
    return str(value)


def field_label(name: str) -> str:
    """A stored field's name as words: "closed_date" -> "Closed date"."""
    words = name.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def changed_by(clash: Clash) -> str:
    who = clash.who or "someone else"
    when = f", {clash.at.replace('T', ' ')[:16]}" if clash.at else ""
    what = f" ({clash.action})" if clash.action else ""
    return f"{who}{when}{what}"


def rows_of(conflict: EditConflict, *, label: Callable[[str], str] = field_label,
            theirs: Callable[[Clash], Any] = lambda c: c.theirs,
            mine: Callable[[Clash], Any] = lambda c: c.mine,
            about: tuple[str, ...] = ()) -> list[ConflictRow]:
    """The dialog's rows; a form gives its own labels and values as it shows them.
    `about`: when some of these fields clash, only they are shown (a deal's stage, not
    the probability and status that follow from it)."""
    clashes = [c for c in conflict.clashes if c.field in about] or conflict.clashes
    return [ConflictRow(label(c.field), changed_by(c), shown_value(theirs(c)),
                        shown_value(mine(c))) for c in clashes]


class ConflictScreen(ModalScreen[Choice | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "choose('theirs')", "Keep theirs", id="conflict.theirs"),
        Binding("o", "choose('mine')", "Overwrite", id="conflict.overwrite"),
        Binding("r", "choose('reload')", "Reload", id="conflict.reload"),
        Binding("escape", "back", "Back", id="conflict.back"),
    ]
    DEFAULT_CSS = """
    ConflictScreen { align: center middle; }
    ConflictScreen > Vertical { width: 76; max-width: 95%; height: auto; max-height: 90%;
                                padding: 0 1; border: thick $warning; background: $surface; }
    ConflictScreen #conflict-title { text-style: bold; color: $warning; }
    ConflictScreen #conflict-fields { height: auto; max-height: 14; margin-top: 1; }
    ConflictScreen .conflict-field { margin-bottom: 1; }
    ConflictScreen .hint { color: $text-muted; }
    """

    def __init__(self, subject: str, rows: list[ConflictRow], *,
                 reload_hint: str = "reload the form", since: str = "you opened it") -> None:
        super().__init__()
        self.subject = subject
        self.rows = rows
        self.reload_hint = reload_hint
        self.since = since

    def compose(self) -> ComposeResult:
        count = len(self.rows)
        fields = "a field" if count == 1 else f"{count} fields"
        with Vertical():
            yield Static(f"Changed by someone else: {self.subject}", id="conflict-title")
            yield Static(f"Since {self.since}, someone else saved {fields} you changed. "
                         "Nothing of yours is saved yet.")
            with VerticalScroll(id="conflict-fields"):
                for row in self.rows:
                    yield Static(self._row(row), classes="conflict-field")
            yield Static(hinted(self, "{conflict.theirs} keep theirs (save the rest)   "
                                      "{conflict.overwrite} overwrite with yours"), classes="hint")
            yield Static(f"{hint(self, 'conflict.reload')} {self.reload_hint}   "
                         f"{hint(self, 'conflict.back')} back", classes="hint")

    @staticmethod
    def _row(row: ConflictRow) -> Text:
        text = Text()
        text.append(row.label, style="bold")
        text.append(f"  changed by {row.by}\n", style="italic")
        text.append("  theirs: ")
        text.append(row.theirs)
        text.append("\n  yours:  ")
        text.append(row.mine)
        return text

    def action_choose(self, choice: Choice) -> None:
        self.dismiss(choice)

    def action_back(self) -> None:
        self.dismiss(None)
