"""Palette provider: actions ("new customer", "Import a file…", "undo").

Themes and Help are Textual's system commands ("Theme" picks one and the app remembers
it; "Help" is the app's own, in place of Textual's "Keys"): not offered twice here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from crm_tui.tui.screens.import_batches import ImportBatchesScreen
from crm_tui.tui.screens.import_file import ImportScreen

if TYPE_CHECKING:
    from crm_tui.tui.app import CrmApp


class ActionCommands(Provider):
    def _actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("CrmApp", self.app)
        actions: list[tuple[str, str, Callable[[], object]]] = [
            ("customer: new", "add a customer", lambda: app.open_form("customer")),
            ("product: new", "add a product", lambda: app.open_form("product")),
            ("Import a file…", "customers, purchases or interactions from a CSV file: "
             "check it, then import", lambda: app.push_screen(ImportScreen())),
            ("Past imports…", "the imports made so far; revert one",
             lambda: app.push_screen(ImportBatchesScreen())),
            ("undo", "undo this session's last change", app.action_undo),
        ]
        return actions

    async def discover(self) -> Hits:
        for title, help_text, run in self._actions():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._actions():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
