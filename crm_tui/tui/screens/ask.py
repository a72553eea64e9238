"""Small questions asked before a change: pick one of a few choices, or type one value.

`ChoiceDialog` answers the chosen option's id, `TextDialog` the text typed (stripped); both
answer None on escape.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.tui.keymap import hinted

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 60; max-width: 95%; height: auto; max-height: 90%; padding: 0 1;
                    border: thick $primary; background: $surface; }}
{name} .title {{ text-style: bold; color: $primary; }}
{name} .hint {{ color: $text-muted; }}
"""


class ChoiceDialog(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Cancel", id="choice.cancel"),
        Binding("j", "focused.cursor_down", "Down", show=False, id="choice.down"),
        Binding("k", "focused.cursor_up", "Up", show=False, id="choice.up"),
    ]
    DEFAULT_CSS = DIALOG_CSS.format(name="ChoiceDialog") + """
    ChoiceDialog OptionList { height: auto; max-height: 14; margin: 1 0; }
    """

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        """`choices`: (label, id) pairs."""
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title", markup=False)
            yield OptionList(*(Option(label, id=key) for label, key in self.choices),
                             compact=True)
            yield Static(hinted(self, "enter: choose   {choice.cancel}: cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class TextDialog(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Cancel", id="text.cancel"),
    ]
    DEFAULT_CSS = DIALOG_CSS.format(name="TextDialog") + """
    TextDialog Input { margin: 1 0; }
    """

    def __init__(self, title: str, *, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title", markup=False)
            yield Input(self.value, placeholder=self.placeholder, id="answer")
            yield Static(hinted(self, "enter: go on   {text.cancel}: cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.dismiss(text)
        else:
            self.notify(hinted(self, "Type a value, or {text.cancel} to cancel"),
                        severity="warning")
