"""Help: every key of the screen it was opened over (forms too), then the keys that work
everywhere, generated from the bindings (never written twice) and named as the footer
names them (">" and "^q", not "greater_than_sign" and "ctrl+q").

Every binding of the screen with a keymap id is listed (the project's bindings all have
one; Textual's own editing keys of a text box have none), including those the footer
leaves out and those idle at the moment (a letter key while the search box has the
focus); a binding the user remapped in the keymap is listed under its new keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from crm_tui.tui.keymap import bound_keys, in_declared_order


@dataclass(frozen=True)
class HelpRow:
    keys: str  # as the footer shows them, comma separated
    does: str
    binding_id: str  # what config.json's "keymap" remaps


def key_name(app: App[object], key: str) -> str:
    """One key as the footer shows it: ">" for greater_than_sign, "^s" for ctrl+s."""
    return app.get_key_display(Binding(key, ""))


def declared_bindings(node: DOMNode, keymap: Mapping[str, str]) -> list[tuple[str, Binding]]:
    """(key, binding) for every binding the node declares, the keymap applied. Read from
    the node's own map: `active_bindings` leaves out the bindings disabled right now."""
    bindings = node._bindings.copy()
    if keymap:
        bindings.apply_keymap(dict(keymap))
        in_declared_order(node, bindings)  # a remapped key stays in its place
    return [(key, b) for key, found in bindings.key_to_bindings.items() for b in found]


def help_rows(app: App[object], nodes: Iterable[DOMNode], keymap: Mapping[str, str],
              taken: set[str]) -> list[HelpRow]:
    """One row per action of these nodes, nearest first; a key in `taken` is answered by
    a nearer node already, so it is left out here (and added to `taken`). Each key is
    named on its own: one binding's `key_display` would name all its keys alike."""
    keys: dict[tuple[str, str, str], list[str]] = {}
    for node in nodes:
        # The footer's keys first: a node's main actions before the rest.
        for key, binding in sorted(declared_bindings(node, keymap),
                                   key=lambda found: not found[1].show):
            if not (binding.id and binding.description) or key in taken:
                continue
            taken.add(key)
            row = (binding.action, binding.description, binding.id)
            keys.setdefault(row, []).append(key_name(app, key))
    return [HelpRow(", ".join(shown), does, binding_id)
            for (_, does, binding_id), shown in keys.items()]


def help_sections(screen: Screen[object], keymap: Mapping[str, str]
                  ) -> list[tuple[str, list[HelpRow]]]:
    """The screen's keys (its own, then those of the project's widgets around the focus),
    then the app's. Over a modal screen (a form) only the app's priority keys work."""
    app = screen.app
    focused = screen.focused
    around: list[DOMNode] = []
    for node in focused.ancestors_with_self if focused else [screen]:
        if node is screen:
            around.append(node)
            break
        if type(node).__module__.startswith("crm_tui."):  # not Textual's editing keys
            around.append(node)
    taken: set[str] = set()
    title = str(screen.sub_title or getattr(screen, "TITLE", None) or "This screen")
    # Read nearest first (a key the focused widget answers is not the screen's), listed
    # the screen's first: its main actions before the focused list's movement keys.
    per_node = [help_rows(app, [node], keymap, taken) for node in around]
    mine = [row for rows in reversed(per_node) for row in rows]
    everywhere = help_rows(app, [app], keymap, taken)
    if screen.is_modal:
        priority = {b.description for _, b in declared_bindings(app, keymap) if b.priority}
        everywhere = [row for row in everywhere if row.does in priority]
    return [(title, mine), ("Everywhere", everywhere)]


def sections_table(sections: list[tuple[str, list[HelpRow]]]) -> Table:
    """One table, so the sections' columns line up; each section under its title."""
    table = Table(box=None, show_header=False, expand=True, padding=(0, 2, 0, 0))
    table.add_column("keys", no_wrap=True)
    table.add_column("does")
    table.add_column("keymap id", style="dim", no_wrap=True)
    for index, (title, rows) in enumerate(sections):
        if index:
            table.add_row()
        table.add_row(Text(title, style="bold"), Text("does", style="bold"),
                      Text("keymap id", style="bold dim"))
        for row in rows:
            table.add_row(row.keys, row.does, row.binding_id)
    return table


def intro(app: App[object], keymap: Mapping[str, str]) -> str:
    def k(key: str) -> str:
        return key_name(app, key)

    def b(binding_id: str) -> str:
        return k(bound_keys(keymap, binding_id)[0])

    return (
        f"{k(app.COMMAND_PALETTE_BINDING)} opens the command palette: go to any customer, "
        f"screen or action by typing. ^ means ctrl.\n"
        f"Forms: {k('tab')} / {k('shift+tab')} between fields, {b('form.save')} saves, "
        f"{b('form.cancel')} cancels, {b('form.help')} shows their keys.\n"
        "Dates: YYYY-MM-DD, or today, tomorrow, +7d, -2w, +1m.\n"
        "Every change is kept in a crash-safe journal; several people can work at once."
    )


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "app.pop_screen", "Close help", id="help.close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; height: 90%; border: thick $primary;
                                  background: $surface; padding: 0 1; }
    HelpScreen #help-intro { margin-bottom: 1; color: $text-muted; }
    """

    def __init__(self, over: Screen[object], keymap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = keymap or {}
        self.sections = help_sections(over, self.keymap)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("[b]Keys[/b]  (remap any of them by id in config.json \"keymap\")")
            yield Static(intro(self.app, self.keymap), id="help-intro", markup=False)
            yield Static(sections_table(self.sections), id="help-keys")
