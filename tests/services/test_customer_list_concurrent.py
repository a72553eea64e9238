"""The customers list while another session commits: the app's poll catches up in its own
thread, keystrokes ask `query_now` in the UI thread and the screen's worker asks `query`.
Commits are made to land at chosen points of a query (a seam the test sets), and after
each the list is the one a new session gives; a keystroke never sorts, and waits for no
catch-up but the one commit being applied."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crm_tui.services import customer_records, tables
from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import CustomerList, ListQuery

from ..conftest import open_session
from .test_customer_list_mended import another, people, sorts

QUERIES = [ListQuery(), ListQuery(text="a"), ListQuery(sort="spent", descending=True),
           ListQuery(sort="email", text="l1"), ListQuery(deleted=True)]


def fresh(crm: Crm, q: ListQuery) -> list[int]:
    """The answer of a new session (its own records, read now)."""
    session = open_session(crm.db.path)
    try:
        return session.customer_list.query(q)
    finally:
        session.close()


def rename(crm: Crm, ids: list[int], first: str) -> Callable[[], None]:
    """Another session renames these customers; this one catches up (the poll)."""
    def land() -> None:
        other = another(crm)
        for n, customer in enumerate(ids):
            other.customers.update(customer, {"first_name": f"{first}{n}"})
        other.close()
        crm.db.refresh()
    return land


def once(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str,
         land: Callable[[], None]) -> None:
    """`owner.name` lands a commit the first time it is called, then does its work."""
    real = getattr(owner, name)
    landed: list[bool] = []

    def seam(*args: Any, **kwargs: Any) -> Any:
        if not landed:
            landed.append(True)
            land()
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, seam)


@pytest.mark.parametrize("renamed", [1, 8], ids=["one-renamed", "many-renamed"])
def test_a_keystroke_answers_from_the_rows_it_found_and_never_sorts(
        crm: Crm, renamed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The poll's catch-up lands between the keystroke finding its sorted rows and
    narrowing them. The answer is the list those rows were (no sort, no mend in the UI
    thread: it used to look the rows up again, and with many renamed sort 100,000 of
    them before the key was drawn); the worker's query then gives the new list."""
    ids = people(crm)
    listing = crm.customer_list
    listing.warm()
    q = ListQuery(text="a")
    assert listing.query_now(q) is not None
    before = fresh(crm, q)
    made = sorts(listing, monkeypatch)
    kept = listing._orders

    class Landing(dict[Any, Any]):
        def get(self, key: Any, default: Any = None) -> Any:
            found = super().get(key, default)
            land()
            return found

    land = rename(crm, ids[1:1 + renamed], "Aaron")  # first in name order now
    listing._orders = Landing(kept)
    assert listing.query_now(q) == before
    assert made == []
    assert listing.query(q) == fresh(crm, q)


@pytest.mark.parametrize("q", QUERIES, ids=repr)
def test_a_commit_landing_in_a_full_sort_is_mended_later(
        crm: Crm, q: ListQuery, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rename caught up while the worker sorts every row (after it read the records'
    version, before it copied the records): that list, and each mended from it after
    later renames of the same and other customers, equal a new session's."""
    ids = people(crm)
    for i in ids[-3:]:
        crm.customers.delete(i)
    listing = crm.customer_list
    once(monkeypatch, listing.records, "snapshot", rename(crm, ids[:2], "Zed"))
    assert listing.query(q) == fresh(crm, q)
    for n, renamed in enumerate((ids[:1], ids[5:7], ids[1:2])):
        rename(crm, renamed, f"Al{n}")()
        assert listing.query_now(q) in (None, fresh(crm, q)), n
        assert listing.query(q) == fresh(crm, q), n


@pytest.mark.parametrize("q", QUERIES, ids=repr)
def test_a_commit_landing_in_a_mend_is_mended_later(
        crm: Crm, q: ListQuery, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rename caught up while the worker mends (after it read the records' version,
    before it asked what changed since): that list and the next equal a new session's."""
    ids = people(crm)
    listing = crm.customer_list
    listing.query(q)
    rename(crm, ids[3:4], "Bo")()
    once(monkeypatch, listing.records, "changed_since", rename(crm, ids[:2], "Zed"))
    assert listing.query(q) == fresh(crm, q)
    rename(crm, ids[1:3], "Ada")()
    assert listing.query(q) == fresh(crm, q)


def test_a_keystroke_during_a_commit_waits_for_that_commit_only(
        crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    """The poll's thread is applying another session's commit to the records when a key
    arrives: the keystroke waits for that one commit (giving up sent it to a worker whose
    query met a longer backlog and sorted every customer), then answers from the mended
    rows, exactly as a new session would, with nothing sorted."""
    ids = people(crm)
    listing = crm.customer_list
    listing.warm()
    q = ListQuery(text="a")
    assert listing.query_now(q) is not None
    records = listing.records
    applying, go = threading.Event(), threading.Event()
    apply = records._apply

    def held(written: Any) -> list[int]:
        applying.set()
        assert go.wait(30)
        return apply(written)

    monkeypatch.setattr(records, "_apply", held)
    made = sorts(listing, monkeypatch)
    answers: list[list[int] | None] = []
    key = threading.Thread(target=lambda: answers.append(listing.query_now(q)))
    key_asks = threading.Event()
    lock = records._lock

    class Watched:
        """The records' lock, saying when the keystroke's thread asks for it."""

        def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
            if threading.current_thread() is key:
                key_asks.set()
            return lock.acquire(blocking, timeout)

        def release(self) -> None:
            lock.release()

        def __enter__(self) -> bool:
            return self.acquire()

        def __exit__(self, *exc: object) -> None:
            self.release()

    monkeypatch.setattr(records, "_lock", Watched())
    other = another(crm)
    other.sales.record({"customer_id": ids[0], "item": "x", "total": "5"})
    other.close()
    poll = threading.Thread(target=crm.db.refresh)
    poll.start()
    try:
        assert applying.wait(30)
        key.start()
        assert key_asks.wait(30)  # the commit still being applied
    finally:
        go.set()
        poll.join()
    key.join(20)
    assert answers == [fresh(crm, q)]
    assert made == []


def test_a_keystroke_does_not_wait_for_the_workers_sort(
        crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker sorting every row holds the list: a keystroke meanwhile gives up at
    once rather than wait for it, and the worker's answer is a new session's."""
    people(crm)
    listing = crm.customer_list
    sorting, go = threading.Event(), threading.Event()
    full = listing._sorted

    def slow(ids: list[int], q: ListQuery) -> list[int]:
        sorting.set()
        assert go.wait(30)
        return full(ids, q)

    monkeypatch.setattr(listing, "_sorted", slow)
    answers: list[list[int]] = []
    worker = threading.Thread(target=lambda: answers.append(listing.query(ListQuery())))
    worker.start()
    try:
        assert sorting.wait(30)
        assert listing.query_now(ListQuery(text="a")) is None
    finally:
        go.set()
        worker.join()
    assert answers == [fresh(crm, ListQuery())]


def emptied(crm: Crm, session: Crm) -> None:
    """Another session empties the customers table and adds one customer."""
    other = another(crm)
    other.db.drop_table(tables.CUSTOMERS)
    other.customers.create({"first_name": "Nora", "email": "nora@example.com"})
    other.close()


def renamed_and_compacted(crm: Crm, session: Crm) -> None:
    """Another session renames customers and compacts twice: this one, catching up,
    finds a journal it never read (the store says every table may be wrong)."""
    other = another(crm)
    for first in other.customer_list.query(ListQuery())[:2]:
        other.customers.update(first, {"first_name": "Zoe", "last_name": f"Zed{first}"})
        other.db.compact()
    other.close()


@pytest.mark.parametrize("change", [emptied, renamed_and_compacted],
                         ids=["emptied", "compacted"])
def test_a_first_read_of_the_records_that_meets_a_reset_reads_again(
        crm: Crm, change: Callable[[Crm, Crm], None],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A new session reads every customer's record (the table as it was when it began);
    meanwhile the poll catches up a commit after which the records may be wrong as a
    whole. That read is dropped and made again: the list is a new session's (it used to
    keep the customers read before, gone or renamed since)."""
    people(crm)
    session = open_session(crm.db.path)
    real = customer_records.documents
    changes = [change]

    def seam(db: Any) -> Any:
        for n, item in enumerate(real(db)):
            if n == 1 and db is session.db and changes:
                changes.pop()(crm, session)
                session.db.refresh()
            yield item

    monkeypatch.setattr(customer_records, "documents", seam)
    try:
        for q in (ListQuery(), ListQuery(text="z")):
            assert session.customer_list.query(q) == fresh(crm, q), q
    finally:
        session.close()


WRITER = """
import sys
from crm_tui.services.crm import Crm
crm = Crm.open(sys.argv[1], staff="bob")
ids = [int(i) for i in sys.argv[2].split(",")]
for n in range(int(sys.argv[3])):
    target = ids[n * 7 % len(ids)]
    if n % 3 == 0:
        crm.customers.update(target, {"first_name": f"W{n * 37 % 101:03d}"})
    elif n % 3 == 1:
        for i in ids[n % 4::4]:
            crm.sales.record({"customer_id": i, "item": "x", "total": str(n % 9 + 1)})
    else:
        crm.customers.set_tags(target, [f"t{n % 5}"])
crm.close()
"""


def test_another_process_writing_while_two_threads_query(crm: Crm, tmp_path: Path) -> None:
    """Another process renames, records sales and tags while this one catches up and
    answers keystrokes in one thread (the poll and the UI) and queries in another (the
    worker), as fast as they can: at the end every query equals a new session's."""
    ids = people(crm, 40)
    listing = crm.customer_list
    listing.warm()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(crm.db.path), ",".join(map(str, ids)), "60"])
    done = threading.Event()
    failed: list[BaseException] = []

    def keep(ask: Callable[[ListQuery], object], poll: bool) -> None:
        try:
            n = 0
            while not done.is_set():
                if poll:
                    crm.db.refresh()
                ask(QUERIES[n % len(QUERIES)])
                n += 1
        except BaseException as error:  # the test reports it, not the thread
            failed.append(error)

    threads = [threading.Thread(target=keep, args=(listing.query_now, True)),
               threading.Thread(target=keep, args=(listing.query, False))]
    for thread in threads:
        thread.start()
    try:
        assert writer.wait(120) == 0
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert failed == []
    crm.db.refresh()
    for q in QUERIES:
        expected = fresh(crm, q)
        assert listing.query(q) == expected, q
        assert listing.query_now(q) in (None, expected), q
    assert CustomerList(crm.ctx, crm.segments).query(ListQuery()) == fresh(crm, ListQuery())
