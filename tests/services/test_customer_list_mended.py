"""The customers list after commits: mended from the customers that changed, not sorted
again (an import in another session changes thousands of customers' totals per commit,
none of their names), and always the list a fresh sort gives."""

from __future__ import annotations

import pytest

from crm_tui.services import customer_list
from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import CustomerList, ListQuery
from crm_tui.services.customer_records import LOGGED_VERSIONS

FIRST = ["Ann", "Bob", "Cy", "Dee", "Eve", "Finn", "Gus", "Hal", "Ivy", "Jo"]
QUERIES = [ListQuery(), ListQuery(descending=True), ListQuery(sort="spent", descending=True),
           ListQuery(sort="email"), ListQuery(text="a"), ListQuery(deleted=True),
           ListQuery(sort="orders")]


def people(crm: Crm, count: int = 20) -> list[int]:
    return [crm.customers.create({"first_name": FIRST[n % 10], "last_name": f"L{n % 3}",
                                  "email": f"p{n:02d}@example.com"}) for n in range(count)]


def another(crm: Crm) -> Crm:
    return Crm.open(crm.db.path, clock=crm.ctx.clock, staff="bob")


def sorts(listing: CustomerList, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the list's full sorts from now on."""
    made: list[int] = []
    full = listing._sorted

    def counted(ids: list[int], q: ListQuery) -> list[int]:
        made.append(len(ids))
        return full(ids, q)

    monkeypatch.setattr(listing, "_sorted", counted)
    return made


def test_sales_in_another_session_do_not_sort_the_list_again(
        crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = people(crm)
    listing = crm.customer_list
    before = {text: listing.query(ListQuery(text=text)) for text in ("", "a", "an")}
    made = sorts(listing, monkeypatch)
    other = another(crm)
    for customer in ids[:5]:
        other.sales.record({"customer_id": customer, "item": "x", "total": "50"})
    other.close()
    assert {text: listing.query(ListQuery(text=text)) for text in ("", "a", "an")} == before
    assert made == []
    assert listing.rows_now([ids[0]])[ids[0]].spent_cents == 5000


def edit(crm: Crm, change: str, ids: list[int], n: int) -> None:
    """One change of the kind named, the `n`th of its kind, made by another session."""
    other = another(crm)
    target = ids[n % len(ids)]
    if change == "rename":
        other.customers.update(target, {"first_name": f"Abe{n}"})
    elif change == "delete":
        other.customers.delete(ids[n])
    elif change == "restore":
        other.customers.restore(ids[-1 - n])
    elif change == "create":
        other.customers.create({"first_name": "Bea", "email": f"b{n}@x.com"})
    elif change == "sales":
        for k, i in enumerate(ids[n:-len(QUERIES):4], 1):
            other.sales.record({"customer_id": i, "item": "x", "total": str(k * 7 % 11)})
    else:
        other.customers.set_tags(target, [f"anchor{n}"])
    other.close()


@pytest.mark.parametrize("change", ["rename", "delete", "restore", "create", "sales", "tags"])
def test_a_mended_list_is_the_list_a_fresh_sort_gives(
        crm: Crm, change: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = people(crm)
    for i in ids[-len(QUERIES):]:
        crm.customers.delete(i)  # some to restore, and a trash to list
    listing = crm.customer_list
    made = sorts(listing, monkeypatch)
    for n, q in enumerate(QUERIES):
        listing.query(q)  # its sorted list made before the change
        done = len(made)
        edit(crm, change, ids, n)
        assert listing.query(q) == CustomerList(crm.ctx, crm.segments).query(q), q
        assert len(made) == done, f"{q} was sorted again"


def test_more_commits_than_remembered_sort_the_list_again(
        crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = people(crm, 3)
    listing = crm.customer_list
    listing.query(ListQuery())
    made = sorts(listing, monkeypatch)
    other = another(crm)
    for n in range(LOGGED_VERSIONS + 1):
        other.customers.update(ids[0], {"first_name": f"Zed{n:03d}"})
    other.close()
    assert listing.query(ListQuery()) == [ids[1], ids[2], ids[0]]  # Bob, Cy, then Zed
    assert made == [3]


def test_a_keystroke_after_a_catch_up_answers_at_once_and_exactly(crm: Crm) -> None:
    """Sales in another session, caught up (as the app's poll does): the next keystroke
    is answered at once from the mended rows, not sent to a worker, and is the answer a
    fresh list gives; a rename still goes to the worker (its search text is made again)."""
    ids = people(crm)
    listing = crm.customer_list
    listing.warm()
    search = ListQuery(text="an")
    assert listing.query_now(search) is not None
    edit(crm, "sales", ids, 0)
    crm.db.refresh()  # the poll's catch-up: the records moved on, the sorted rows did not
    fresh = CustomerList(crm.ctx, crm.segments)
    for q in (search, ListQuery(text="a"), ListQuery()):
        assert listing.query_now(q) == fresh.query(q), q
    spent = {i: row.spent_cents for i, row in listing.rows_now(ids).items()}
    assert spent == {i: fresh.row(i).spent_cents for i in ids}
    edit(crm, "rename", ids, 1)
    crm.db.refresh()
    assert listing.query_now(search) is None
    assert listing.query(search) == CustomerList(crm.ctx, crm.segments).query(search)


def test_sales_are_mended_without_looking_at_each_customer(
        crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    """The customers an import's commit changes keep their names: the list sorted by
    name learns it from the records (`Changed.relisted`) and compares none of them one by
    one; sorted by what was spent, it does; both are what a fresh list gives."""
    ids = people(crm)
    listing = crm.customer_list
    compared: list[object] = []
    searched = customer_list._searched
    monkeypatch.setattr(customer_list, "_searched",
                        lambda record: compared.append(record) or searched(record))
    for n, q in enumerate((ListQuery(text="a"), ListQuery(text="a", sort="spent"))):
        listing.query(q)
        compared.clear()
        edit(crm, "sales", ids, n)
        answer = listing.query(q)
        assert bool(compared) == (q.sort == "spent"), q
        assert answer == CustomerList(crm.ctx, crm.segments).query(q)
    edit(crm, "rename", ids, 1)
    q = ListQuery(text="a")
    assert listing.query(q) == CustomerList(crm.ctx, crm.segments).query(q)


def test_too_many_moved_for_a_keystroke_are_sorted_again_in_the_worker(
        crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    """More customers moved than are put back one by one: the keystroke's quick answer
    gives up, and the worker's query sorts again rather than mend from what the quick
    answer had already read."""
    monkeypatch.setattr(customer_list, "MOVED_AT_MOST", 1)
    ids = people(crm)
    listing = crm.customer_list
    listing.warm()
    q = ListQuery(text="a")
    assert listing.query_now(q) is not None
    other = another(crm)
    for n, customer in enumerate(ids[:3]):
        other.customers.update(customer, {"first_name": f"Zara{n}"})
    other.close()
    crm.db.refresh()
    assert listing.query_now(q) is None
    assert listing.query(q) == CustomerList(crm.ctx, crm.segments).query(q)
