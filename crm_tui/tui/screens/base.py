"""What every main screen shares: access to the session, refresh when data changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.events import ScreenResume
from textual.screen import Screen

from crm_tui.tui.keymap import in_declared_order
from crm_tui.tui.messages import DataChanged

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm
    from crm_tui.tui.app import CrmApp


class CrmScreen(Screen[None]):
    """A main screen. Subclasses implement `refresh_data()` (cheap: visible data only)."""

    _suspended = True  # not shown since its last refresh on being shown
    _left_once = False  # suspended at least once since it was made

    def __init__(self, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name, id, classes)
        # It is styled as it mounts, by the stylesheet as it is now. Left as Textual makes
        # it (never styled), showing it parses every stylesheet again and restyles the
        # screen being left, twice for a screen of its own key (number keys).
        self._css_update_count = self.app._css_update_count

    @property
    def crm_app(self) -> CrmApp:
        return cast("CrmApp", self.app)

    @property
    def crm(self) -> Crm:
        return self.crm_app.crm

    def refresh_data(self) -> None:
        """Re-read what is on screen."""

    @property
    def _binding_chain(self) -> list[tuple[DOMNode, BindingsMap]]:
        """Textual's chain, each node's keys in the order declared: the footer shows them
        in that order, main actions first, a remapped key among them (Textual moves a
        remapped key to the end)."""
        return [(node, in_declared_order(node, bindings))
                for node, bindings in super()._binding_chain]

    def on_data_changed(self, message: DataChanged) -> None:
        self.refresh_data()

    def on_screen_suspend(self) -> None:
        self._suspended = True
        self._left_once = True

    def on_screen_resume(self, event: ScreenResume) -> None:
        # Textual restyles every widget of a screen as it is shown; until the screen is
        # first left, each was just styled as it mounted, with the same stylesheet (a
        # theme chosen meanwhile restyles every screen itself).
        if not self._left_once:
            event.refresh_styles = False
        # Textual resumes a screen twice as its mode is first shown: one refresh is enough
        # (a second would start the screen's read over, or fill a form again).
        if self._suspended:
            self._suspended = False
            self.refresh_data()
