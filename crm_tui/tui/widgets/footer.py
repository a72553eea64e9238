"""The footer every screen shows: Textual's, without its growing memory.

Each time a screen's bindings change (a focus move, a form closed, a screen resumed) the
footer rebuilds its keys, and each new key binds itself to the footer's `compact` style:
a watcher recorded on the footer. Textual forgets the watcher of a removed key only when
`compact` next changes, which in this app is never, so every rebuild kept the old keys
alive, each with its styles and caches, for as long as the session ran (Textual issue
6666, open in 8.2.8).
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    async def recompose(self) -> None:
        await super().recompose()
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers
                           if not (node._closing or node._closed)]
