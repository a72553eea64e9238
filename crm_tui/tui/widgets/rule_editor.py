"""The custom segment editor: a name, all/any, one condition per line, a live member count.

Conditions are typed as text (`total_spent >= 1000`, `tags has vip`). Beside them, hints list
the fields that start like the word under the cursor, with their operators once the field
is known. As you type, the member count of the unsaved rules is previewed: a worker waits
until typing pauses (a newer keystroke cancels it: that is the debounce), then asks the
segment service in a thread. A bad line is reported by its line number in the editor.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.domain.segments import RULE_FIELDS, describe, find_field, ops_for
from crm_tui.domain.segments.ops import value_hint
from crm_tui.tui.failures import WRITE_FAILURES, failure_message
from crm_tui.tui.keymap import hinted
from crm_tui.tui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

DEBOUNCE_SECONDS = 0.3
MATCHES = [("all conditions", "all"), ("any condition", "any")]
# Theme variables: the badge of a segment is drawn in one of them (see widgets/badges.py).
COLORS = ("accent", "primary", "secondary", "success", "warning", "error")
CONDITION_ERROR = re.compile(r"^conditions\[(\d+)\]\.?(.*)$")


def condition_lines(text: str) -> list[tuple[int, str]]:
    """(line number from 1, text) of every non-blank line."""
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def explain(errors: dict[str, str], lines: list[tuple[int, str]]) -> list[str]:
    """Each error in words, a condition's named by its line in the editor."""
    found = []
    for name, message in errors.items():
        match = CONDITION_ERROR.match(name)
        if match and int(match[1]) < len(lines):
            part = f" ({match[2]})" if match[2] else ""
            found.append(f"line {lines[int(match[1])][0]}{part}: {message}")
        else:
            found.append(f"{name}: {message}")
    return found


def hints(line: str) -> Text:
    """The fields starting like the line's first word; a known field's operators."""
    word = line.strip().split(" ", 1)[0] if line.strip() else ""
    field = find_field(word) if word else None
    text = Text()
    if field is not None:
        text.append(f"{field.name}", style="bold")
        text.append(f" ({field.type})\n{field.description}\n\nops: {', '.join(ops_for(field))}")
        op = line.strip()[len(word):].strip().split(" ", 1)[0]
        if op in ops_for(field):
            text.append(f"\n\nvalue: {value_hint(field, op)}")
        return text
    names = [f for f in RULE_FIELDS.values() if f.name.startswith(word.lower())]
    text.append("fields" + (f" starting {word!r}" if word else "") + ":\n", style="bold")
    for f in names or RULE_FIELDS.values():
        text.append(f"{f.name} ", style="bold")
        text.append(f"{f.type}\n", style="dim")
    return text


class RuleEditor(ModalScreen[bool]):
    """New (segment_id None) or edit a custom segment; dismisses True when saved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="segment_editor.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="segment_editor.cancel"),
        Binding("f1", "app.help", "Help", id="segment_editor.help"),  # as in a form
    ]
    DEFAULT_CSS = """
    RuleEditor { align: center middle; }
    RuleEditor > #editor { width: 90%; max-width: 110; height: 90%; padding: 0 1;
                           border: thick $primary; background: $surface; }
    RuleEditor #editor-title { text-style: bold; color: $primary; }
    RuleEditor .editor-row { height: 1; margin-bottom: 1; }
    RuleEditor .editor-label { width: 7; color: $text-muted; }
    RuleEditor #seg-name { width: 1fr; }
    RuleEditor Select { width: 1fr; margin-right: 2; }
    RuleEditor .editor-caption { color: $text-muted; }
    RuleEditor #editor-body { height: 1fr; }
    RuleEditor #seg-conditions { width: 1fr; }
    RuleEditor #seg-hints-box { width: 32; padding: 0 1; border-left: vkey $panel; }
    RuleEditor #seg-preview { height: auto; max-height: 4; color: $success; }
    RuleEditor #seg-preview.error { color: $error; }
    RuleEditor #editor-keys { color: $text-muted; }
    """

    def __init__(self, crm: Crm, segment_id: int | None = None) -> None:
        super().__init__()
        self.crm = crm
        self.segment_id = segment_id
        self._initial: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        title = "New segment" if self.segment_id is None else "Edit segment"
        with Vertical(id="editor"):
            yield Static(title, id="editor-title")
            with Horizontal(classes="editor-row"):
                yield Label("Name", classes="editor-label")
                yield Input(placeholder="e.g. Big spenders", id="seg-name", compact=True)
            with Horizontal(classes="editor-row"):
                yield Label("Match", classes="editor-label")
                yield Select(MATCHES, value="all", allow_blank=False, id="seg-match",
                             compact=True)
                yield Label("Color", classes="editor-label")
                yield Select([(c, c) for c in COLORS], value="accent", allow_blank=False,
                             id="seg-color", compact=True)
            yield Static("Conditions, one per line (e.g. total_spent >= 1000):",
                         classes="editor-caption")
            with Horizontal(id="editor-body"):
                yield TextArea(id="seg-conditions", tab_behavior="focus", soft_wrap=False)
                with VerticalScroll(id="seg-hints-box"):
                    yield Static(hints(""), id="seg-hints")
            yield Static("", id="seg-preview")
            yield Static(hinted(self, "{segment_editor.save} save   {segment_editor.cancel} "
                                      "cancel   tab / shift+tab move"), id="editor-keys")

    def on_mount(self) -> None:
        if self.segment_id is not None:
            segment = self.crm.segments.get(self.segment_id)
            self.query_one("#seg-name", Input).value = segment["name"]
            self.query_one("#seg-match", Select).value = segment.get("match", "all")
            color = self.query_one("#seg-color", Select)
            current = segment.get("color") or "accent"
            if current not in COLORS:  # a color set elsewhere (CLI, import) stays choosable
                color.set_options([(c, c) for c in (current, *COLORS)])
            color.value = current
            self.query_one(TextArea).text = "\n".join(
                describe(c) for c in segment.get("conditions") or [])
        self._initial = self.values()
        self.query_one("#seg-name", Input).focus()
        self._changed()

    # ----- what is typed -----------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {
            "name": self.query_one("#seg-name", Input).value.strip(),
            "match": self.query_one("#seg-match", Select).value,
            "color": self.query_one("#seg-color", Select).value,
            "conditions": [line for _, line in self.lines()],
        }

    def lines(self) -> list[tuple[int, str]]:
        return condition_lines(self.query_one(TextArea).text)

    @on(TextArea.Changed)
    @on(Select.Changed, "#seg-match")
    def _changed(self) -> None:
        self._show_hints()
        if not self.lines():
            self.workers.cancel_group(self, "segment-preview")
            self._status("Type a condition to see how many customers match.")
            return
        values = self.values()
        self._preview({"match": values["match"], "conditions": values["conditions"]})

    @on(TextArea.SelectionChanged)
    def _show_hints(self) -> None:
        area = self.query_one(TextArea)
        row = area.cursor_location[0]
        line = area.document.get_line(row) if row < area.document.line_count else ""
        self.query_one("#seg-hints", Static).update(hints(line))

    # ----- the live preview --------------------------------------------------------------
    @work(exclusive=True, group="segment-preview")
    async def _preview(self, rules: dict[str, Any]) -> None:
        await asyncio.sleep(DEBOUNCE_SECONDS)  # cancelled here by the next keystroke
        self._status("counting…")
        try:
            count = await asyncio.to_thread(self.crm.segments.preview, rules)
        except ValidationError as exc:
            self._status("\n".join(explain(exc.errors, self.lines())), error=True)
            return
        self._status("1 customer matches" if count == 1 else f"{count:,} customers match",
                     error=False)

    def _status(self, text: str, error: bool | None = None) -> None:
        preview = self.query_one("#seg-preview", Static)
        preview.update(text)
        preview.set_class(bool(error), "error")

    # ----- saving ------------------------------------------------------------------------
    def action_save(self) -> None:
        values = self.values()
        segments = self.crm.segments
        try:
            if self.segment_id is None:
                segments.create(values)
            else:
                segments.update(self.segment_id, values)
        except ValidationError as exc:
            self._status("\n".join(explain(exc.errors, self.lines())), error=True)
            self._focus_error(next(iter(exc.errors)))
            self.notify(exc.describe(), title="Not saved", severity="error")
            return
        except NotFoundError as exc:
            self.notify(str(exc), title="Not saved", severity="error")
            return
        except WRITE_FAILURES as exc:
            self._status(f"Not saved: {failure_message(exc)}. The rules are still here: "
                         "save again once it can be.", error=True)
            self.notify(failure_message(exc), title="Not saved", severity="error", timeout=15)
            return
        self._close(True)

    def _close(self, saved: bool) -> None:
        self.workers.cancel_group(self, "segment-preview")  # it would write to gone widgets
        self.dismiss(saved)

    def _focus_error(self, name: str) -> None:
        match = CONDITION_ERROR.match(name)
        if name.startswith("conditions"):
            area = self.query_one(TextArea)
            area.focus()
            lines = self.lines()
            if match and int(match[1]) < len(lines):
                area.move_cursor((lines[int(match[1])][0] - 1, 0))
        elif name in ("name", "match", "color"):
            self.query_one(f"#seg-{name}").focus()

    def action_cancel(self) -> None:
        if self.values() == self._initial:
            self._close(False)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._close(False)

        self.app.push_screen(ConfirmScreen("Discard this segment's changes?"), answered)
