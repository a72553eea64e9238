"""Customers: search as you type, quick filters, sort, the virtual table and the 360 view;
marks on rows (customer ids, kept across searches and sorts) for the bulk actions, saved
views, and a line saying what narrows the list (escape clears it)."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Header, Input, Select, Static
from textual.widgets.select import InvalidSelectValueError
from textual.worker import get_current_worker

from crm_tui.domain.entities.customer import CUSTOMER_STATUSES, CUSTOMER_TYPES
from crm_tui.domain.wording import counted
from crm_tui.services.customer_list import CustomerList, ListQuery
from crm_tui.services.customer_view import customer_detail
from crm_tui.tui.keymap import hint, hinted
from crm_tui.tui.messages import (
    CustomerDetailReady,
    CustomerRowsReady,
    FilterChoicesReady,
)
from crm_tui.tui.widgets.customer_table import CustomerTable
from crm_tui.tui.widgets.detail_pane import DetailPane
from crm_tui.tui.widgets.filter_line import filter_words, narrowed
from crm_tui.tui.widgets.footer import Footer
from crm_tui.tui.widgets.search_box import SearchBox

from .ask import TextDialog
from .customers_exchange import ExchangeActions
from .sort_picker import SortPicker

WIDE = 110  # columns from which the detail pane sits beside the table
DETAIL_DELAY = 0.15  # seconds the cursor rests on a row before its 360 view is fetched


class CustomersScreen(ExchangeActions):
    # Keys act on the list until "/" is pressed: the table takes the focus once loaded
    # (a loading widget cannot), unless "/" was pressed meanwhile.
    AUTO_FOCUS = None
    DEFAULT_CSS = """
    CustomersScreen #filters { height: 1; padding: 0 1; color: $warning; text-style: bold; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, action, description, show=show, id=f"customers.{name}", priority=True)
          for key, action, description, show, name in (
              ("slash", "search", "Search", True, "search"),
              ("n", "form('customer')", "New", True, "new"),
              ("e", "form('customer', True)", "Edit", True, "edit"),
              ("p", "form('purchase', True)", "Purchase", True, "purchase"),
              ("i", "form('interaction', True)", "Interaction", True, "interaction"),
              ("t", "form('task', True)", "Task", True, "task"),
              ("a", "form('note', True)", "Note", False, "note"),
              ("o", "form('opportunity', True)", "Deal", False, "opportunity"),
              ("f", "form('feedback', True)", "Feedback", False, "feedback"),
              ("r", "form('redeem', True)", "Redeem", False, "redeem"),
              ("d,delete", "delete", "Delete", False, "delete"),
              ("u", "restore", "Restore", False, "restore"),
              ("x", "trash", "Trash", False, "trash"),
              ("s", "sort", "Sort by…", False, "sort"),
              ("S", "reverse", "Reverse", False, "reverse"),
              ("space", "mark", "Mark", False, "mark"),
              ("shift+down", "mark_move(1)", "Mark and down", False, "mark_down"),
              ("shift+up", "mark_move(-1)", "Mark and up", False, "mark_up"),
              ("M", "mark_all", "Mark all listed", False, "mark_all"),
              ("C", "clear_marks", "Clear marks", False, "clear_marks"),
              ("b", "bulk", "Bulk…", False, "bulk"),
          )),
        Binding("escape", "back", "Back, clear filters", show=False, id="customers.back"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Letter keys are priority bindings, so a key typed right after "/" or "n" is not
        already queued for the table; while the search box has the focus they type."""
        focused = self.focused
        typing = focused is not None and any(
            isinstance(node, Input | Select) for node in focused.ancestors_with_self)
        return action == "back" or not typing

    def __init__(self) -> None:
        super().__init__()
        self.query_state = ListQuery()
        self._filters_filled = False
        self._warmed = False
        self._searching = False
        self._detail_timer: Timer | None = None
        self._detail_of: int | None = None  # the customer the pane shows or is fetching
        self._to_top = False  # a new sort shows its first rows, not the same customer
        self.marks: set[int] = set()  # customer ids: they survive searches and sorts
        self.view_name: str | None = None  # the saved view applied, while it is as saved
        self._view_query: ListQuery | None = None
        self._segment_names: dict[object, str] = {}
        self._progress: str | None = None  # a running bulk change's progress

    @property
    def listing(self) -> CustomerList:
        return self.crm.customer_list

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-row"):
            yield SearchBox(self._search_changed, id="search", compact=True,
                            placeholder=hinted(self, "{customers.search} search name, email, "
                                                     "phone, company, tags"))
            yield Static("", id="count")
        with Horizontal(id="filter-row"):
            yield Select([], prompt="segment", id="segment", compact=True)
            yield Select([], prompt="tag", id="tag", compact=True)
            yield Select([(s, s) for s in CUSTOMER_STATUSES], prompt="status", id="status",
                         compact=True)
            yield Select([(t, t) for t in CUSTOMER_TYPES], prompt="type", id="type",
                         compact=True)
        yield Static("", id="filters", markup=False)
        with Horizontal(id="main"):
            yield CustomerTable(self.listing.row, self.listing.rows_now, id="table")
            yield DetailPane(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Customers"
        self.query_one("#detail").display = False
        self.query_one("#filters").display = False
        # The rows are asked for as the screen is first shown (`refresh_data`), once: a
        # read started here too would scan every customer twice at once.
        self.query_one(CustomerTable).loading = True

    def on_resize(self) -> None:
        self.query_one("#detail").display = self.size.width >= WIDE

    # ----- data --------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="customers-query")
    def load(self, first_page: bool = True) -> None:
        """Query in a worker. The first query reads every customer's record, which takes
        a while on a big database, so a new session's default list is shown first from the
        store's order of the customers (`first_page`); the query for the records' answer
        starts once that page is drawn (`_show`): reading the records meanwhile would hold
        the interpreter's lock the frame drawing it needs."""
        state = self.query_state
        first = self.listing.first_page() if first_page and state == ListQuery() else None
        ids = self.listing.query(state) if first is None else first
        if not get_current_worker().is_cancelled:
            self.post_message(CustomerRowsReady(ids, state))

    def on_customer_rows_ready(self, message: CustomerRowsReady) -> None:
        self._show(message.ids, message.query)

    def _show(self, ids: list[int], state: ListQuery) -> None:
        if state != self.query_state:
            return  # typed on meanwhile: a newer answer is on its way or already shown
        self._display(ids)
        if not self.listing.filled:
            # A new session's first page: the records' answer after the frame drawing it.
            self.query_one(CustomerTable).after_drawn(partial(self.load, False))
            return
        # After the frame that draws these rows: the filters' counts score every customer
        # and warming makes 100k search texts, and either would slow the first paint.
        self.call_after_refresh(self._after_paint)
        if not ids and self.query_state == ListQuery():
            self.crm_app.offer_welcome()

    def _display(self, ids: list[int]) -> None:
        table = self.query_one(CustomerTable)
        if table.loading:
            table.loading = False
            if not self._searching:
                table.focus()  # a loading table cannot take focus at mount; it can now
        table.sort_key, table.descending = self.query_state.sort, self.query_state.descending
        to_top, self._to_top = self._to_top, False
        table.show(ids, keep=ids[0] if to_top and ids else None)
        self._show_state()

    def _show_state(self) -> None:
        """The count, the marks, the filter line: what the list is now."""
        table = self.query_one(CustomerTable)
        table.mark(frozenset(self.marks))
        trash = " in the trash" if self.query_state.deleted else ""
        count = counted(len(table.ids), "customer") + trash
        if self.marks:
            count += f" · {len(self.marks):,} marked"
        if self._progress is not None:
            count = self._progress
        self.query_one("#count", Static).update(count, layout=False)
        state = self.query_state
        if self._view_query is not None and replace(state, deleted=False) != self._view_query:
            self.view_name, self._view_query = None, None  # changed since: no longer the view
        segment = self._segment_names.get(state.segment)
        words = filter_words(state, segment=segment, view=self.view_name,
                             clear_key=hint(self, "customers.back"))
        line = self.query_one("#filters", Static)
        line.display = words is not None  # showing or hiding it lays the screen out
        line.update(words or "", layout=False)  # one line high, whatever it says

    def _after_paint(self) -> None:
        self._fill_filters()
        if not self._warmed:
            self._warmed = True
            self.warm_search()

    @work(thread=True, group="customers-warm")
    def warm_search(self) -> None:
        """Make the search text of every customer now, so the first keystroke is fast."""
        self.listing.warm()

    def _fill_filters(self) -> None:
        """Segment and tag choices, re-read after data changes (a new custom segment or
        tag appears); what is selected stays selected."""
        if self._filters_filled:
            return
        self._filters_filled = True
        self.load_filters()

    @work(thread=True, exclusive=True, group="customers-filters")
    def load_filters(self) -> None:
        """Segment counts score every customer: never on the UI thread."""
        self.post_message(FilterChoicesReady(self.crm.segments.counts(), self.listing.tags()))

    def on_filter_choices_ready(self, message: FilterChoicesReady) -> None:
        segments: list[tuple[str, object]] = [(f"{c.kind}: {c.name}", c.key)
                                              for c in message.segments]
        tags: list[tuple[str, object]] = [(t, t) for t in message.tags]
        self._segment_names = {key: label for label, key in segments}
        self._show_state()
        self._set_choices("#segment", segments, self.query_state.segment)
        self._set_choices("#tag", tags, self.query_state.tag)

    def _set_choices(self, selector: str, options: list[tuple[str, object]],
                     selected: object) -> None:
        picker = self.query_one(selector, Select)
        with picker.prevent(Select.Changed):
            picker.set_options(options)
            if selected is not None and any(value == selected for _, value in options):
                picker.value = selected

    def show_segment(self, key: str | int) -> None:
        """Filter the table to one segment's members (from the Segments screen)."""
        self.apply_query(replace(self.query_state, segment=key, deleted=False))

    def apply_query(self, query: ListQuery, view: str | None = None) -> None:
        """Show this search, these filters and this sort (a saved view's, named `view`):
        the search box and the filters show them too."""
        self.query_state = query
        self.view_name, self._view_query = (view, query) if view else (None, None)
        for selector, value in (("#segment", query.segment), ("#tag", query.tag),
                                ("#status", query.status), ("#type", query.customer_type)):
            picker = self.query_one(selector, Select)
            with picker.prevent(Select.Changed), suppress(InvalidSelectValueError):
                picker.value = Select.NULL if value is None else value
        search = self.query_one("#search", Input)
        if search.value != query.text:
            search.value = query.text  # its watcher asks the same query again: harmless
        # A view shows its first rows; cleared filters keep the customer under the cursor.
        self._to_top = view is not None
        self._show_state()
        self.load()

    def refresh_data(self) -> None:
        self._filters_filled = False
        self._detail_of = None  # fetched again: the data changed
        table = self.query_one(CustomerTable)
        table.invalidate()
        if table.loading:
            self.load()  # nothing drawn yet: the first rows are asked for at once
        else:
            # The rows on screen redraw first: re-sorting 100k customers in a worker
            # meanwhile would hold up that frame (a save's new badge) for no gain.
            self.call_after_refresh(self.load)
        self.show_detail()

    # ----- search, filters, sort ---------------------------------------------------------
    def _requery(self, **changes: object) -> None:
        self.query_state = ListQuery(**{**self.query_state.__dict__, **changes})
        # Narrowing a search answers in a few ms: do it here, so the keystroke and its
        # rows reach the screen in one frame. Anything slower goes to the worker.
        ids = self.listing.query_now(self.query_state)
        if ids is None:
            self.load()
        else:
            self.workers.cancel_group(self, "customers-query")
            self._show(ids, self.query_state)

    def _search_changed(self, text: str) -> None:
        self._requery(text=text)

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one(CustomerTable).focus()

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        field = {"segment": "segment", "tag": "tag", "status": "status", "type": "customer_type"}
        name = field.get(event.select.id or "")
        if name:
            value = None if event.value is Select.NULL else event.value
            self._requery(**{name: value})

    def action_search(self) -> None:
        self._searching = True  # "/" pressed while loading: the table must not take focus
        # set_focus, not focus(): focus() waits for the next idle moment, and keys typed
        # right after "/" would still reach the table (as "i" for interaction...).
        self.set_focus(self.query_one("#search", Input))

    def action_sort(self) -> None:
        """Choose the column to sort by (the current one again reverses it)."""
        state = self.query_state
        self.app.push_screen(SortPicker((state.sort, state.descending)), self._sorted)

    def _sorted(self, choice: tuple[str, bool] | None) -> None:
        if choice is not None:
            self._to_top = True
            self._requery(sort=choice[0], descending=choice[1])

    def action_reverse(self) -> None:
        self._requery(descending=not self.query_state.descending)

    def action_trash(self) -> None:
        self._requery(deleted=not self.query_state.deleted)

    def action_back(self) -> None:
        """Back to the table; there, clear the search, the filters and the view."""
        if self.focused is not self.query_one(CustomerTable):
            self.query_one(CustomerTable).focus()
        elif narrowed(self.query_state) or self.view_name is not None:
            state = self.query_state
            self.apply_query(ListQuery(sort=state.sort, descending=state.descending,
                                       deleted=state.deleted))

    # ----- marks -------------------------------------------------------------------------
    def _toggle(self, customer_id: int | None, on: bool | None = None) -> None:
        if customer_id is None:
            return
        mark = customer_id not in self.marks if on is None else on
        if mark:
            self.marks.add(customer_id)
        else:
            self.marks.discard(customer_id)

    def action_mark(self) -> None:
        """Mark the cursor's row, or unmark it; the cursor moves on to the next."""
        table = self.query_one(CustomerTable)
        self._toggle(table.current_id)
        table.action_cursor(1)
        self._show_state()

    def action_mark_move(self, delta: int) -> None:
        """Mark the cursor's row and the one moved to (shift+arrows)."""
        table = self.query_one(CustomerTable)
        self._toggle(table.current_id, True)
        table.action_cursor(delta)
        self._toggle(table.current_id, True)
        self._show_state()

    def action_mark_all(self) -> None:
        """Mark every customer listed now (all the search and filters match)."""
        self.marks.update(self.query_one(CustomerTable).ids)
        self._show_state()

    def action_clear_marks(self) -> None:
        self.marks.clear()
        self._show_state()

    def bulk_targets(self) -> list[int]:
        """The marked customers in the list's order (those the search hides after), or the
        cursor's customer when none is marked."""
        if not self.marks:
            current = self.query_one(CustomerTable).current_id
            return [] if current is None else [current]
        listed = [i for i in self.query_one(CustomerTable).ids if i in self.marks]
        return listed + sorted(self.marks.difference(listed))

    def bulk_progress(self, text: str | None) -> None:
        self._progress = text
        self._show_state()

    def bulk_done(self, deleted: frozenset[int]) -> None:
        self.marks.difference_update(deleted)
        self._show_state()

    # ----- saved views -------------------------------------------------------------------
    def action_save_view(self) -> None:
        """Save the search, filters and sort under a name (asked)."""
        self.app.push_screen(TextDialog("Save this view as", value=self.view_name or "",
                                        placeholder="a name, as Hot leads"),
                             self._save_view)

    def _save_view(self, name: str | None) -> None:
        if not name:
            return
        query = replace(self.query_state, deleted=False)
        if self.crm_app.run_change(lambda: self.crm.views.save(name, query),
                                   f"View saved: {name}"):
            self.view_name, self._view_query = " ".join(name.split()), query
            self._show_state()

    def apply_view(self, name: str) -> None:
        view = self.crm.views.get(name)
        self.apply_query(view.query, view.name)

    # ----- the detail pane ---------------------------------------------------------------
    @on(CustomerTable.Highlighted)
    def _highlighted(self) -> None:
        # Debounced: holding j/k through a list fetches only the row it stops on, and the
        # first paint of the table is not queued behind loading the event tables.
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self.show_detail)

    @on(CustomerTable.Opened)
    def _opened(self, event: CustomerTable.Opened) -> None:
        if self.query_one("#detail").display:
            self.query_one(DetailPane).focus()
        else:
            self.crm_app.open_customer(event.customer_id)

    def show_detail(self) -> None:
        customer_id = self.query_one(CustomerTable).current_id
        if customer_id is not None and self.query_one("#detail").display:
            if customer_id == self._detail_of:
                return  # the same rows again (a new session's first page, then the records')
            self._detail_of = customer_id
            self.query_one(DetailPane).waiting()
            self.fetch_detail(customer_id)

    @work(thread=True, exclusive=True, group="customer-detail")
    def fetch_detail(self, customer_id: int) -> None:
        detail = customer_detail(self.crm, customer_id)
        if not get_current_worker().is_cancelled:
            self.post_message(CustomerDetailReady(detail))

    def on_customer_detail_ready(self, message: CustomerDetailReady) -> None:
        detail = message.detail
        if detail.customer["id"] == self.query_one(CustomerTable).current_id:
            self.query_one(DetailPane).show(detail)

    # ----- actions on the current customer -----------------------------------------------
    def action_form(self, name: str, for_current: bool = False) -> None:
        customer_id = self.query_one(CustomerTable).current_id if for_current else None
        if for_current and customer_id is None:
            self.notify("No customer selected", severity="warning")
            return
        self.crm_app.open_form(name, customer_id=customer_id)

    def action_delete(self) -> None:
        customer_id = self.query_one(CustomerTable).current_id
        if customer_id is None:
            return
        if self.marks:
            self.action_bulk_delete()
            return
        name = self.listing.row(customer_id).name
        trash = hinted(self, "(it goes to the trash: {customers.trash} shows it, "
                             "{customers.restore} restores)")
        self.crm_app.confirm(f"Delete {name}? {trash}",
                             lambda: self.crm.customers.delete(customer_id), f"Deleted {name}")

    def action_restore(self) -> None:
        customer_id = self.query_one(CustomerTable).current_id
        if customer_id is not None and self.query_state.deleted:
            self.crm_app.run_change(lambda: self.crm.customers.restore(customer_id), "Restored")
