"""The 360-degree view from a worker: loading the history tables never holds the store, so
the screen keeps drawing rows while a million events parse."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.customer_view import CustomerDetail, customer_detail
from crm_tui.store import engine as engine_module
from tests.conftest import open_session

WAIT = 30  # seconds: a guard against hanging, never a measure


def test_the_history_tables_load_while_others_read(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "crm.db"
    first = open_session(path)
    ann = first.customers.create({"first_name": "Ann", "last_name": "Lee"})
    first.sales.record({"customer_id": ann, "item": "Desk", "total": "90"})
    first.db.engine.compact()  # the purchases now load from a snapshot
    first.close()

    crm = open_session(path)
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
    crm.close()


def test_overdue_tasks_as_of_a_day(crm: Crm) -> None:
    ann = crm.customers.create({"first_name": "Ann"})
    late = crm.tasks.create({"customer_id": ann, "title": "Late", "due_date": "2026-06-10"})
    crm.tasks.create({"customer_id": ann, "title": "Today", "due_date": "2026-06-15"})
    done = crm.tasks.create({"customer_id": ann, "title": "Done", "due_date": "2026-06-01"})
    crm.tasks.complete(done)
    assert customer_detail(crm, ann, dt.date(2026, 6, 15)).overdue_tasks == {late}
    assert customer_detail(crm, ann, dt.date(2026, 6, 10)).overdue_tasks == set()
