"""Palette provider: saved views of the customers list ("view: Hot leads" applies one,
"view: save as…", "view: delete Hot leads") and "Export this view…"."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from crm_tui.tui.app import CrmApp
    from crm_tui.tui.screens.customers import CustomersScreen

Command = tuple[str, str, Callable[[], object]]


class ViewCommands(Provider):
    async def _customers(self) -> CustomersScreen:
        """The customers screen, shown."""
        from crm_tui.tui.screens.customers import CustomersScreen

        app = self.app
        await app.switch_mode("customers")
        screen = app.get_screen_stack("customers")[0]
        assert isinstance(screen, CustomersScreen)
        return screen

    async def _commands(self) -> list[Command]:
        app = cast("CrmApp", self.app)
        views = await app.run_in_thread(app.crm.views.all)

        async def save() -> None:
            (await self._customers()).action_save_view()

        def apply(name: str) -> Callable[[], object]:
            async def run() -> None:
                (await self._customers()).apply_view(name)
            return run

        def delete(name: str) -> Callable[[], object]:
            return lambda: app.confirm(f"Delete the view {name}?",
                                       lambda: app.crm.views.delete(name),
                                       f"View deleted: {name}")

        async def export() -> None:
            (await self._customers()).action_export_view()

        commands: list[Command] = [
            ("view: save as…", "name this search, its filters and sort", save),
            ("Export this view…", "the customers listed now, in their order, to a CSV, "
             "XLSX or JSON file", export)]
        for view in views:
            commands.append((f"view: {view.name}", "show the customers this view shows",
                             apply(view.name)))
            commands.append((f"view: delete {view.name}", "forget this saved view",
                             delete(view.name)))
        return commands

    async def discover(self) -> Hits:
        for title, help_text, run in await self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in await self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
