"""The customers table's preview process: the same first rows the table would show, from a
real child process reading the database (snapshot and journal), writing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import CustomerList, ListQuery
from crm_tui.services.list_preview import PAGE, ListPreview, PreviewProcess, make_preview
from crm_tui.store import CorruptFileError

from ..conftest import AS_OF, database_bytes


def fill(crm: Crm) -> dict[str, int]:
    """Customers in a snapshot, then more changes only in the journal after it."""
    ids = {name: crm.customers.create({"first_name": name, "last_name": "Doe",
                                       "email": f"{name.lower()}@example.com"})
           for name in ("Zoe", "Ann", "Max", "Bea")}
    crm.sales.record({"customer_id": ids["Max"], "item": "Desk", "total": "900",
                      "date": "2026-06-01"})
    crm.db.compact()
    ids["Cal"] = crm.customers.create({"first_name": "Cal", "last_name": "Doe",
                                       "email": "cal@example.com"})
    crm.customers.delete(ids["Bea"])
    crm.sales.record({"customer_id": ids["Ann"], "item": "Pen", "total": "5",
                      "date": "2026-06-02"})
    return ids


def expected(crm: Crm) -> ListPreview:
    listing = CustomerList(crm.ctx, crm.segments)
    ids = listing.query(ListQuery())
    return ListPreview(ids, listing.rows_now(ids[:PAGE]))


def test_the_child_sends_what_the_table_would_show(crm: Crm) -> None:
    ids = fill(crm)
    preview = PreviewProcess(crm.db.path, AS_OF, min_bytes=1).result()
    assert preview == expected(crm)
    assert preview is not None
    assert preview.ids == [ids["Ann"], ids["Cal"], ids["Max"], ids["Zoe"]]  # Bea deleted
    assert preview.rows[ids["Ann"]].orders == 1  # a purchase only in the journal
    assert preview.rows[ids["Max"]].standing.lifecycle == "vip"  # one $900 order


def test_it_reads_and_writes_nothing_else(crm: Crm) -> None:
    fill(crm)
    before = database_bytes(crm.db.path)
    assert PreviewProcess(crm.db.path, AS_OF, min_bytes=1).result() is not None
    assert database_bytes(crm.db.path) == before


def test_small_tables_and_missing_databases_get_no_preview(crm: Crm, tmp_path: Path) -> None:
    fill(crm)
    assert PreviewProcess(crm.db.path, AS_OF).result() is None  # a few hundred bytes
    nowhere = tmp_path / "nothing-here.db"
    assert PreviewProcess(nowhere, AS_OF, min_bytes=1).result() is None
    assert not nowhere.exists()  # looked for, never created


def test_a_child_that_fails_gives_no_preview(crm: Crm) -> None:
    fill(crm)
    (crm.db.path / "crm.json").write_text("not a manifest")
    with pytest.raises(CorruptFileError):
        make_preview(str(crm.db.path), AS_OF, min_bytes=1)  # what the child runs into
    assert PreviewProcess(crm.db.path, AS_OF, min_bytes=1).result() is None
