"""The footer: its keys rebuilt as bindings change leave nothing behind."""

from __future__ import annotations

import gc
import re
from pathlib import Path

from textual.widgets._footer import FooterKey

from crm_tui.services.crm import Crm
from crm_tui.tui.widgets.footer import Footer

from .conftest import NARROW, make_app, settle


async def test_forms_opened_and_closed_leave_no_footer_keys_behind(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        for _ in range(6):  # each form shown and closed rebuilds the customers' footer
            await pilot.press("n")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        assert type(app.screen).__name__ == "CustomersScreen"
        shown = set(footer.query(FooterKey))
        watching = [node for node, _ in getattr(footer, "__watchers")["compact"]]
        assert shown and set(watching) <= shown  # the palette key is not bound
        gc.collect()
        removed = [key for key in gc.get_objects()
                   if isinstance(key, FooterKey) and not key.is_attached]
        assert removed == []


def test_every_screen_uses_the_apps_footer() -> None:
    """Textual's own Footer would bring the leak back on the screen that used it."""
    package = Path(__file__).parents[2] / "crm_tui" / "tui"
    users = [path.relative_to(package).as_posix() for path in package.rglob("*.py")
             if re.search(r"from textual\.widgets import[^\n]*\bFooter\b", path.read_text())]
    assert users == ["widgets/footer.py"]
