"""The footer every screen shows: Textual's, rebuilt only when its keys change, each key
styled once, and without its growing memory.

Textual rebuilds the footer's keys each time a screen's bindings may have changed (a focus
move, a form closed, a screen shown), most often to the very keys it shows: several times
as a screen first appears, and on search keystrokes. Each rebuild mounts and styles every
key again (the most styled widgets of a screen's first paint), so a rebuild to the same
keys is skipped. A new key also starts in the compact style and takes the footer's once
mounted, two more restyles of each: it is built in the footer's style instead.

Each new key binds itself to the footer's `compact` style: a watcher recorded on the
footer. Textual forgets the watcher of a removed key only when `compact` next changes,
which in this app is never, so every rebuild kept the old keys alive, each with its styles
and caches, for as long as the session ran (Textual issue 6666, open in 8.2.8).
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    _shown: Hashable = None  # what the keys show, as last built

    def _keys_shown(self) -> Hashable:
        """Everything Textual's `compose` reads to build the keys."""
        app = self.app
        keys = tuple((key, binding, enabled, tooltip, app.get_key_display(binding))
                     for key, (_, binding, enabled, tooltip)
                     in self.screen.active_bindings.items())
        return keys, self.show_command_palette, self.compact, self.combine_groups

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # A binding's key follows the footer's style (the palette's key keeps its own).
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        if not self.is_attached:
            return  # its screen closed before this queued rebuild ran
        shown = self._keys_shown() if self._bindings_ready else None
        if shown is not None and shown == self._shown:
            return
        self._shown = shown
        await super().recompose()
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers
                           if not (node._closing or node._closed)]
