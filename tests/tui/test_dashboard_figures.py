"""The dashboard's figures say what they count, at 80x24 and 120x40: the month to date
against the same days of last month, the team's tasks and follow-ups (worded as on the
Tasks screen, which counts them alike), the customer status apart from the lifecycle
segments, and names cut with "…" in terminal cells."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from crm_tui.services.crm import Crm
from crm_tui.tui.widgets.charts import Chart, ChartPlot
from crm_tui.tui.widgets.kpi import KpiCard

from .conftest import NARROW, WIDE, make_app, settle
from .test_dashboard import add_history, day, open_dashboard


def cards(app: object) -> dict[str, tuple[str, str, str]]:
    """card id -> (label, value, note) as shown."""
    return {(c.id or "").removeprefix("kpi-"): (c.label, c.value, c.note)
            for c in app.screen.query(KpiCard)}  # type: ignore[attr-defined]


@pytest.fixture
def business(crm: Crm, people: dict[str, int]) -> dict[str, int]:
    """add_history as of 06-15 (June so far: $20 + $300; May 1-15: the $1,200 laptop of
    05-06; Cyan's $4,800 of 05-20 is after May 15), and a task of bob's due today."""
    add_history(crm, people)
    crm.tasks.create({"title": "Bob's call", "due_date": day(0), "assigned_to": "bob"})
    return people


@pytest.mark.parametrize(("size", "revenue_note"), [
    (NARROW, "▼ May 1–15 $1.2k"),  # a card's 16 columns: the short wording
    (WIDE, "▼ vs May 1–15 $1.2k"),
], ids=["80x24", "120x40"])
async def test_cards_say_what_they_count(crm: Crm, business: dict[str, int],
                                         size: tuple[int, int], revenue_note: str) -> None:
    app = make_app(crm)
    async with app.run_test(size=size) as pilot:
        await open_dashboard(pilot)
        shown = cards(app)
        assert shown["revenue"] == ("Month to date", "$320.00", revenue_note)
        assert app.screen.query_one("#kpi-revenue", KpiCard).has_class("-bad")
        # Everyone's: alice's follow-up due today and bob's task; 2 overdue.
        assert shown["follow-ups"] == ("Due today (team)", "2", "2 overdue")
        assert shown["active"][0] == "Status: active"
        assert shown["customers"][1:] == ("3", "2 have bought")
        assert "inactive" not in " ".join(" ".join(card) for card in shown.values())
        for card in app.screen.query(KpiCard):
            for label in card.query(".kpi-label, .kpi-note"):
                assert label.size.width >= len(str(label.render()))  # nothing cut
        lifecycle = app.screen.query_one("#chart-lifecycle", Chart)
        assert str(lifecycle.query_one(".chart-title", Static).render()) == "Lifecycle segments"


async def test_the_tasks_screen_counts_and_words_them_alike(
        crm: Crm, business: dict[str, int]) -> None:
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await open_dashboard(pilot)
        label, due, note = cards(app)["follow-ups"]
        await pilot.press("4")
        await settle(pilot)

        def status() -> str:
            return str(app.screen.query_one("#agenda-status", Static).render())

        assert status().startswith("Mine (alice): 2 overdue · 1 due today · as of 2026-06-15")
        await pilot.press("m")
        await settle(pilot)
        assert status().startswith(f"Team: {note} · {due} due today · as of 2026-06-15")
        assert label == "Due today (team)"


async def test_long_names_are_cut_with_an_ellipsis(crm: Crm) -> None:
    who = crm.customers.create({
        "kind": "corporate", "email": "cgem@example.com",
        "company_name": "Compagnie Générale des Établissements Michelin, Société en Commandite"})
    crm.sales.record({"customer_id": who, "item": "Desk", "total": "900", "date": day(-2)})
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await open_dashboard(pilot)
        await pilot.press("right_square_bracket")  # the Top 10 chart
        await pilot.pause()
        plot = app.screen.query_one("#chart-top", Chart).query_one(ChartPlot)
        lines = str(plot.render()).splitlines()
        row = next(line for line in lines if "$900" in line)
        assert row.startswith("Compagnie Générale des Établissements")
        name = row.split(" $900")[0].rstrip()
        assert name.endswith("…") and "Commandite" not in name
