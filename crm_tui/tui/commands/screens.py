"""Palette provider: "go: <screen>" for every main screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from crm_tui.tui.screens.registry import available

if TYPE_CHECKING:
    from crm_tui.tui.app import CrmApp


class ScreenCommands(Provider):
    def _targets(self) -> list[tuple[str, str]]:
        return [(f"go: {s.title}", s.name) for s in available()]

    async def discover(self) -> Hits:
        app = cast("CrmApp", self.app)
        for title, name in self._targets():
            yield DiscoveryHit(title, lambda name=name: app.action_goto(name))

    async def search(self, query: str) -> Hits:
        app = cast("CrmApp", self.app)
        matcher = self.matcher(query)
        for title, name in self._targets():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), lambda name=name: app.action_goto(name))
