"""The 360-degree view: one customer's history read through the "customer" index on
disk, so a new session opening one customer loads no whole table."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from crm_tui.services import tables
from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.customer_view import CustomerDetail, customer_detail
from crm_tui.store import Database
from crm_tui.store import engine as engine_module
from tests.conftest import AS_OF, open_session

WAIT = 30  # seconds: a guard against hanging, never a measure

LOADED_ONCE = (tables.CUSTOMERS, *tables.CUSTOMER_HISTORY)


def history(crm: Crm, customer: int, tag: str) -> None:
    """One record of every kind the 360 view shows."""
    crm.sales.record({"customer_id": customer, "item": f"Desk {tag}", "total": "90"})
    crm.interactions.log({"customer_id": customer, "channel": "phone",
                          "summary": f"call {tag}"})
    crm.customers.add_note(customer, {"text": f"note {tag}"})
    crm.tasks.create({"customer_id": customer, "title": f"task {tag}",
                      "due_date": "2026-06-20"})
    crm.feedback.submit({"customer_id": customer, "rating": 4, "comments": f"ok {tag}"})
    crm.pipeline.create({"customer_id": customer, "name": f"deal {tag}", "value": "100"})
    crm.loyalty.redeem(customer, 1, note=f"redeem {tag}")


def loaded(crm: Crm) -> set[str]:
    return {name for name in LOADED_ONCE if crm.db.engine.state(name).docs is not None}


def shown(detail: CustomerDetail) -> dict[str, list[object]]:
    """What the 360 view lists, by section."""
    return {name: getattr(detail, name) for name in (
        "purchases", "interactions", "opportunities", "tasks", "notes", "feedback", "ledger")}


def test_a_360_view_loads_no_whole_table(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    first = open_session(path)
    ann = first.customers.create({"first_name": "Ann", "last_name": "Lee"})
    bob = first.customers.create({"first_name": "Bob", "last_name": "Ray"})
    for tag in "ab":
        history(first, ann, tag)
        history(first, bob, tag)
    first.db.compact()  # snapshots, and beside them the files the reads go through
    history(first, ann, "c")  # and some of it in the journal since
    truth = customer_detail(first, ann)
    first.close()

    crm = open_session(path)
    detail = customer_detail(crm, ann)
    assert loaded(crm) == set()
    assert shown(detail) == shown(truth)
    assert [p["item"] for p in detail.purchases] == ["Desk c", "Desk b", "Desk a"]
    assert detail.customer == truth.customer and detail.profile == truth.profile
    assert detail.badges == truth.badges and detail.loyalty == truth.loyalty
    crm.close()


def test_a_360_view_sees_another_sessions_changes(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    first = open_session(path)
    ann = first.customers.create({"first_name": "Ann"})
    history(first, ann, "a")
    first.db.compact()
    crm = open_session(path)
    assert len(customer_detail(crm, ann).tasks) == 1

    task = first.tasks.for_customer(ann)[0]["id"]
    first.tasks.delete(task)
    first.sales.record({"customer_id": ann, "item": "Lamp", "total": "20"})
    detail = customer_detail(crm, ann)
    assert detail.tasks == [] and detail.purchases[0]["item"] == "Lamp"
    assert loaded(crm) == set()
    first.close()
    crm.close()


def test_without_its_files_a_table_loads_while_others_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database whose derived files are missing and cannot be written (read-only
    here): the history tables load, parsed without holding the store, so the screen
    keeps drawing rows meanwhile."""
    path = tmp_path / "crm.db"
    first = open_session(path)
    ann = first.customers.create({"first_name": "Ann", "last_name": "Lee"})
    first.sales.record({"customer_id": ann, "item": "Desk", "total": "90"})
    first.db.compact()
    first.close()
    for derived in (path / "tables").glob("*.by-*"):
        derived.unlink()

    crm = Crm(Database(path, read_only=True), clock=Clock.at(AS_OF), staff="alice")
    real, parsing, release = engine_module.read_snapshot, threading.Event(), threading.Event()

    def slow_parse(snapshot: Path, table: str, *more: object) -> object:
        if table == "purchases":
            parsing.set()
            assert release.wait(WAIT)
        return real(snapshot, table, *more)

    monkeypatch.setattr(engine_module, "read_snapshot", slow_parse)
    found: list[CustomerDetail] = []
    worker = threading.Thread(target=lambda: found.append(customer_detail(crm, ann)))
    worker.start()
    try:
        assert parsing.wait(WAIT)
        with crm.db.engine.try_reading() as free:
            assert free, "the 360 view held the store while the purchases parsed"
    finally:
        release.set()
        worker.join(WAIT)
    assert [p["item"] for p in found[0].purchases] == ["Desk"]
    assert tables.PURCHASES in loaded(crm)
    crm.close()


def test_overdue_tasks_as_of_a_day(crm: Crm) -> None:
    ann = crm.customers.create({"first_name": "Ann"})
    late = crm.tasks.create({"customer_id": ann, "title": "Late", "due_date": "2026-06-10"})
    crm.tasks.create({"customer_id": ann, "title": "Today", "due_date": "2026-06-15"})
    done = crm.tasks.create({"customer_id": ann, "title": "Done", "due_date": "2026-06-01"})
    crm.tasks.complete(done)
    assert customer_detail(crm, ann, dt.date(2026, 6, 15)).overdue_tasks == {late}
    assert customer_detail(crm, ann, dt.date(2026, 6, 10)).overdue_tasks == set()
