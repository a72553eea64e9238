"""What each main screen reads before its first paint, through the calls the screen makes,
without drawing it (headless: no terminal, no Textual event loop).

    SCREENS["pipeline"](crm) -> int   (how many things it read: a sanity check, not a figure)

The dashboard, pipeline, tasks and feedback screens gather their data in one function of
their own (`collect_figures`, `board_start_data` (the board's first screenful; every deal
is read after it is drawn), `agenda_data`, `read_inbox`, then the feedback and names of
one screenful), called here as the screen calls it (their
modules import Textual, as the running app has: import this module before timing); the
segments and products lists read a few services in their `fetch`, repeated here
call for call (their rows' colors need a running app). The customers screen's first rows
are what its query worker shows first in a new session: the list's first page (the
store's name order and the first rows' documents), else the default query, and one
screenful of rows.
"""

from __future__ import annotations

from collections.abc import Callable

from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import ListQuery
from crm_tui.tui.screens.feedback import read_inbox
from crm_tui.tui.screens.pipeline import board_start_data
from crm_tui.tui.screens.tasks import agenda_data
from crm_tui.tui.widgets.kpi import collect_figures

SCREENFUL = 40  # rows of the customers table at 120x40


def customers(crm: Crm) -> int:
    ids = crm.customer_list.first_page() or crm.customer_list.query(ListQuery())
    return len(crm.customer_list.rows_now(ids[:SCREENFUL]))


def dashboard(crm: Crm) -> int:
    figures = collect_figures(crm)
    return figures.customers


def pipeline(crm: Crm) -> int:
    return len(board_start_data(crm, SCREENFUL // 3 + 1).deals)  # as the screen at 120x40


def tasks(crm: Crm) -> int:
    return sum(len(items) for items in agenda_data(crm, "mine").sections.values())


def segments(crm: Crm) -> int:
    # As the screen: the custom segments' counts come with `all()` (with their rules).
    counts = [c for c in crm.segments.counts() if c.kind != "custom"]
    return len(counts) + len(crm.segments.all())


def products(crm: Crm) -> int:
    sold = [r for r in crm.analytics.revenue_by_product() if r.product_id is not None]
    return len(sold) + len(list(crm.products.all()))


def feedback(crm: Crm) -> int:
    inbox = read_inbox(crm)
    shown = crm.feedback.rows(inbox.ids[:SCREENFUL])  # the rows on screen, and their names
    crm.customers.display_names(r.customer_id for r in shown.values())
    return len(inbox.ids)


SCREENS: dict[str, Callable[[Crm], int]] = {
    "customers": customers, "dashboard": dashboard, "pipeline": pipeline, "tasks": tasks,
    "segments": segments, "products": products, "feedback": feedback,
}
