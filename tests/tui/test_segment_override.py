"""The lifecycle segment set by hand in the customer form: chosen, saved, shown with a star
in the list and the 360 view (with what the star means), seen by another session, and set
back to automatic; the same for the marked customers at once, as a bulk action."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Select, Static

from crm_tui.services.crm import Crm
from crm_tui.tui.forms.base import field_id
from crm_tui.tui.forms.customer_form import CustomerForm
from crm_tui.tui.screens.customer_detail import CustomerDetailScreen
from crm_tui.tui.widgets.badges import OVERRIDE_NOTE
from crm_tui.tui.widgets.customer_table import CustomerTable, cell_text

from ..conftest import open_session
from .conftest import AT_BOTH_SIZES, NARROW, make_app, settle
from .test_customer_marks import choose

FIELD = "segment_override"


async def choose_lifecycle(pilot: Pilot[Any], *keys: str) -> None:
    """Edit the first customer (Ann), move in the lifecycle list with `keys`, save."""
    await settle(pilot)
    await pilot.press("escape", "e")  # escape: the table has the keys
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, CustomerForm)
    form.focus_field(FIELD)
    await pilot.press("enter", *keys, "enter", "ctrl+s")
    await settle(pilot)
    assert not isinstance(pilot.app.screen, CustomerForm)  # saved and closed


async def lifecycle_shown(pilot: Pilot[Any], customer: int) -> tuple[str, str]:
    """The lifecycle cell of the customer's row, and the 360 view's title (beside the table
    when wide; its own screen, opened with enter and left with escape, at 80x24)."""
    app = pilot.app
    table = app.screen.query_one(CustomerTable)
    segment = cell_text(table._row_of(customer), "segment")[0]
    narrow = app.size.width < 100
    if narrow:
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
    title = str(app.screen.query_one("#detail-title", Static).render())
    if narrow:
        await pilot.press("escape")
        await settle(pilot)
    return segment, title


@AT_BOTH_SIZES
async def test_a_segment_set_by_hand_is_shown_and_can_be_cleared(
        crm: Crm, people: dict[str, int], db_path: Path, size: tuple[int, int]) -> None:
    ann = people["ann"]  # one order: "new"
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await choose_lifecycle(pilot, *"vip")  # type to find the choice
        assert crm.customers.get(ann)[FIELD] == "vip"
        segment, title = await lifecycle_shown(pilot, ann)
        assert segment == "vip*"
        assert "vip*" in title and OVERRIDE_NOTE in title

        other = open_session(db_path)  # another session sees it
        try:
            badges = other.segments.segments_of(ann)
            assert (badges.lifecycle, badges.overridden) == ("vip", True)
        finally:
            other.close()

        await choose_lifecycle(pilot, "home")  # the first choice: automatic
        assert crm.customers.get(ann)[FIELD] is None
        segment, title = await lifecycle_shown(pilot, ann)
        assert segment == "new"
        assert "new" in title and "*" not in title and OVERRIDE_NOTE not in title


async def test_the_choices_are_automatic_and_each_segment_as_users_read_it(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await app.push_screen(CustomerForm(crm, customer_id=people["ann"]))
        await settle(pilot)
        select = app.screen.query_one(f"#{field_id(FIELD)}", Select)
        assert select.value is Select.NULL  # automatic: no override stored
        assert select.prompt == "automatic"  # the blank choice, first in the list
        shown = [str(label) for label, value in select._options if value is not Select.NULL]
        assert shown == ["prospect", "inactive", "at risk", "vip", "returning", "new"]


async def test_the_marked_customers_get_a_segment_by_hand_then_automatic_again(
        crm: Crm, people: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("escape", "space", "space", "b")  # mark Ann and Bob: bulk actions
        await settle(pilot)
        await choose(pilot, "segment")
        await choose(pilot, "at_risk")
        overrides = {name: crm.customers.get(i)[FIELD] for name, i in people.items()}
        assert overrides == {"ann": "at_risk", "bob": "at_risk", "cyan": None}
        assert crm.changes.undo_labels[0] == "Set lifecycle segment of 2 customers"
        table = app.screen.query_one(CustomerTable)
        assert cell_text(table._row_of(people["bob"]), "segment")[0] == "at risk*"

        await pilot.press("b")  # the two are still marked
        await settle(pilot)
        await choose(pilot, "segment")
        await choose(pilot, "automatic")
        assert [crm.customers.get(i)[FIELD] for i in people.values()] == [None, None, None]
        assert cell_text(table._row_of(people["bob"]), "segment")[0] == "prospect"
