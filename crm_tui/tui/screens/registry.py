"""The main screens, their keys (1-8) and where each lives; imported when first shown."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True)
class MainScreen:
    name: str
    key: str
    title: str
    target: str  # "module:Class"

    def factory(self) -> Callable[[], Screen[None]]:
        def make() -> Screen[None]:
            module, _, cls = self.target.partition(":")
            screen: Screen[None] = getattr(importlib.import_module(module), cls)()
            return screen

        return make


MAIN_SCREENS = [
    MainScreen("dashboard", "1", "Dashboard", "crm_tui.tui.screens.dashboard:DashboardScreen"),
    MainScreen("customers", "2", "Customers", "crm_tui.tui.screens.customers:CustomersScreen"),
    MainScreen("pipeline", "3", "Pipeline", "crm_tui.tui.screens.pipeline:PipelineScreen"),
    MainScreen("tasks", "4", "Tasks", "crm_tui.tui.screens.tasks:TasksScreen"),
    MainScreen("segments", "5", "Segments", "crm_tui.tui.screens.segments:SegmentsScreen"),
    MainScreen("products", "6", "Products", "crm_tui.tui.screens.products:ProductsScreen"),
    MainScreen("feedback", "7", "Feedback", "crm_tui.tui.screens.feedback:FeedbackScreen"),
    MainScreen("settings", "8", "Settings", "crm_tui.tui.screens.settings:SettingsScreen"),
]


def available() -> list[MainScreen]:
    """The screens whose modules exist in this build."""
    found = []
    for screen in MAIN_SCREENS:
        module = screen.target.partition(":")[0]
        if importlib.util.find_spec(module) is not None:
            found.append(screen)
    return found
