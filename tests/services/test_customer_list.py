"""The customers table's data source: search as you type, quick filters, sort, live rows."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import CustomerList, ListQuery


def make(crm: Crm) -> tuple[CustomerList, dict[str, int]]:
    ids = {
        "ann": crm.customers.create({"first_name": "Ann", "last_name": "Lee",
                                     "email": "ann@acme.example", "phone": "+1 555 0101",
                                     "tags": ["vip"], "customer_type": "wholesale"}),
        "bob": crm.customers.create({"first_name": "Bob", "last_name": "Stone",
                                     "email": "bob@stone.example", "company": "Acme Ltd",
                                     "status": "inactive"}),
        "cy": crm.customers.create({"kind": "corporate", "company_name": "Cyan Corp",
                                    "email": "sales@cyan.example", "tags": ["B2B"]}),
    }
    return CustomerList(crm.ctx, crm.segments), ids


def names(listing: CustomerList, ids: list[int]) -> list[str]:
    return [listing.row(i).name for i in ids]


def test_search_matches_name_email_phone_company_and_tags(crm: Crm) -> None:
    listing, _ = make(crm)
    assert names(listing, listing.query(ListQuery(text="acme"))) == ["Ann Lee", "Bob Stone"]
    assert names(listing, listing.query(ListQuery(text="5550101"))) == ["Ann Lee"]
    assert names(listing, listing.query(ListQuery(text="b2b"))) == ["Cyan Corp"]
    assert names(listing, listing.query(ListQuery(text="STONE bob"))) == ["Bob Stone"]
    assert listing.query(ListQuery(text="zzz")) == []


def test_quick_filters(crm: Crm) -> None:
    listing, ids = make(crm)
    assert listing.query(ListQuery(status="inactive")) == [ids["bob"]]
    assert listing.query(ListQuery(customer_type="wholesale")) == [ids["ann"]]
    assert listing.query(ListQuery(tag="VIP")) == [ids["ann"]]
    assert sorted(listing.query(ListQuery(segment="lifecycle:prospect"))) == sorted(ids.values())
    assert listing.tags() == ["B2B", "vip"]


def test_sort_by_any_column(crm: Crm) -> None:
    listing, ids = make(crm)
    crm.sales.record({"customer_id": ids["bob"], "item": "x", "total": "50"})
    crm.sales.record({"customer_id": ids["cy"], "item": "x", "total": "900"})
    assert names(listing, listing.query(ListQuery(sort="spent", descending=True))) == [
        "Cyan Corp", "Bob Stone", "Ann Lee"]
    assert names(listing, listing.query(ListQuery(sort="segment"))) == [
        "Bob Stone", "Ann Lee", "Cyan Corp"]  # new < prospect < vip
    assert names(listing, listing.query(ListQuery(sort="email"))) == [
        "Ann Lee", "Bob Stone", "Cyan Corp"]


def test_rows_follow_saves_at_once(crm: Crm) -> None:
    listing, ids = make(crm)
    assert listing.row(ids["ann"]).standing.lifecycle == "prospect"
    crm.sales.record({"customer_id": ids["ann"], "item": "x", "total": "20"})
    row = listing.row(ids["ann"])
    assert (row.standing.lifecycle, row.orders, row.spent_cents) == ("new", 1, 2000)
    crm.sales.record({"customer_id": ids["ann"], "item": "y", "total": "20"})
    assert listing.row(ids["ann"]).standing.lifecycle == "returning"
    assert listing.query(ListQuery(segment="lifecycle:returning")) == [ids["ann"]]


def test_deleted_customers_move_to_the_trash_view(crm: Crm) -> None:
    listing, ids = make(crm)
    crm.customers.delete(ids["bob"])
    assert ids["bob"] not in listing.query(ListQuery())
    assert listing.query(ListQuery(deleted=True)) == [ids["bob"]]


def test_commits_of_another_session_show_up(crm: Crm) -> None:
    listing, _ = make(crm)
    other = Crm.open(crm.db.path, clock=crm.ctx.clock, staff="bob")
    other.customers.create({"first_name": "Dee", "email": "dee@example.com"})
    other.close()
    assert "Dee" in names(listing, listing.query(ListQuery(text="dee")))


@contextmanager
def store_busy(crm: Crm) -> Iterator[None]:
    """Another thread holds the store (as a worker loading a million events does)."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with crm.db.engine.reading():
            held.set()
            release.wait()

    worker = threading.Thread(target=hold)
    worker.start()
    held.wait()
    try:
        yield
    finally:
        release.set()
        worker.join()


def test_rows_draw_while_another_thread_holds_the_store(crm: Crm) -> None:
    listing, ids = make(crm)
    listing.query(ListQuery())
    before = listing.row(ids["ann"])
    crm.sales.record({"customer_id": ids["ann"], "item": "Desk", "total": "900.00",
                      "date": "2026-06-01"})  # re-scores Ann: her stored standing is stale
    with store_busy(crm):
        row = listing.rows_now([ids["ann"]]).get(ids["ann"])
    assert row is not None, "the row waited for the store instead of drawing"
    assert (row.orders, row.spent_cents) == (1, 90_000)
    assert row.standing != before.standing
    assert row == listing.row(ids["ann"])  # the same as when the store is free


def test_a_busy_store_before_anything_was_read_draws_placeholders(crm: Crm) -> None:
    listing, ids = make(crm)
    fresh = Crm.open(crm.db.engine.path, clock=crm.ctx.clock)
    try:
        cold = CustomerList(fresh.ctx, fresh.segments)
        with store_busy(fresh):
            assert cold.rows_now([ids["ann"]]) == {}  # nothing loaded yet: '…' until it is
        cold.query(ListQuery())  # what the screen does first: loads the table
        assert cold.rows_now([ids["ann"]]) == {ids["ann"]: listing.row(ids["ann"])}
    finally:
        fresh.close()


def test_quick_answers_only_when_they_are_quick(crm: Crm) -> None:
    listing, ids = make(crm)
    search = ListQuery(text="acme")
    assert listing.query_now(search) is None  # table not handed over yet: ask a worker
    listing.warm()  # what the screen's worker does after the first paint
    assert listing.query_now(search) == listing.query(search) == [ids["ann"], ids["bob"]]
    with store_busy(crm):
        # The records answer: a worker holding the store does not delay a keystroke.
        assert listing.query_now(ListQuery(text="ann")) == [ids["ann"]]
    assert listing.query_now(ListQuery(text="a", sort="spent")) is None  # a sort to make
    crm.customers.update(ids["ann"], {"last_name": "Acme-Lee"})
    assert listing.query_now(search) is None  # data changed: the sorted rows are remade
