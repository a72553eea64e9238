"""Purchase rows read from their cells alone (purchase_cells.py) and rows read ahead by a
second process (read_ahead.py) leave exactly what the general path leaves: the same documents,
counts and errors, row for row, whatever shape the rows take."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.services.exchange import importer, record_rows
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.purchase_cells import PurchaseCells, read_purchase_cells

from .import_support import AS_OF, open_crm, write_csv

CUSTOMERS = ("name,email,external_id\nAnn Lee,ann@x.com,C-1\nBob Ray,bob@x.com,C-2\n"
             "Cat Sun,cat@x.com,C-3\nDee Gone,dee@x.com,C-4\n")
PRODUCTS = "name,price\nLaptop,1200\nMouse,25.50\n"
# Every shape a row can take: rows their cells say all about by email, by external id, by
# both; rows the cells alone leave to the general path (an id of ours, a product_id, no
# amounts, no item, a customer to create, a deleted one, keys that disagree, an order
# already there, cells the validators refuse, relative dates, points beyond a ledger entry).
PURCHASES = (
    "id,external_id,customer_email,customer_external_id,customer_name,item,product_id,"
    "quantity,unit_price,total,date,payment_method,status\n"
    ",O-1,ann@x.com,,,Laptop,,1,,,2026-05-01,card,completed\n"
    ",O-2,,C-2,,Mouse,,2,25.50,,2026-05-02,Cheque,paid\n"
    ",O-3,ann@x.com,C-1,,Pad,,1,,10,2026-05-03,,completed\n"
    ",O-4,cat@x.com,,,Ink,,3,9.99,,2026-06-01,,refunded\n"
    ",O-5,,C-3,,Pen,,1,,0,yesterday,,completed\n"
    ",O-6,new@x.com,,New Person,Desk,,1,310,,2026-06-03,,pending\n"
    ",O-7,new@x.com,,,Chair,,1,150,,2026-06-04,,completed\n"
    ",O-1,ann@x.com,,,Laptop,,1,1300,,2026-05-01,card,completed\n"
    ",O-2,,C-2,,Mouse,,2,25.50,,2026-05-02,Cheque,paid\n"
    ",O-8,ann@x.com,,,Pen,,1,-4,,2026-06-05,,completed\n"
    ",O-9,nobody@x.com,,,Pen,,1,4,,2026-06-05,,completed\n"
    ",O-10,ann@x.com,C-2,,Pen,,1,4,,2026-06-05,,completed\n"
    ",O-11,dee@x.com,,,Pen,,1,4,,2026-06-05,,completed\n"
    ",O-12,,C-1,,Mouse,,1,,,2026-06-06,,completed\n"
    ",O-13,,C-1,,,1,1,,,2026-06-06,,completed\n"
    ",O-14,,C-1,,Case,2,1,45,,2026-06-06,,completed\n"
    "1,O-15,,C-1,,Laptop,,1,1200,,2026-05-01,card,completed\n"
    ",O-16,,C-9,,Case,,1,45,,2026-06-07,,completed\n"
    ",,bob@x.com,,,Case,,1,45,,2026-02-30,,completed\n"
    ",,bob@x.com,,,Case,,1,45,,2026-06-08,barter,completed\n"
    ",O-17,bob@x.com,,,Case,,1,999999999999,,2026-06-08,,completed\n"
    ",O-18, BOB@X.COM ,,,  Laptop  ,,1,1200.5,,2026-06-09,credit card,Complete\n"
    ",O-19,,,Ann Lee,Case,,1,45,,2026-06-09,,completed\n"
)
ALL = (tables.CUSTOMERS, tables.PURCHASES, tables.LEDGER, tables.IMPORT_UNDO,
       tables.PRODUCTS, tables.IMPORTS)


def _import(tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Crm, Any]:
    if mode == "general":  # no row is read from its cells alone
        monkeypatch.setattr(record_rows, "read_purchase_cells", lambda fields, today: None)
    monkeypatch.setattr(importer, "WORTH_LINES", 0 if mode == "read ahead" else 10**9)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 7)  # rows of one chunk meet rows of others
    crm = open_crm(tmp_path / f"{mode}.db")
    import_file(crm, "customers", write_csv(tmp_path / "c.csv", CUSTOMERS))
    import_file(crm, "products", write_csv(tmp_path / "products.csv", PRODUCTS))
    dee = crm.customers.find_by_email("dee@x.com")
    assert dee is not None
    crm.customers.delete(dee["id"])
    report = import_file(crm, "purchases", write_csv(tmp_path / "p.csv", PURCHASES))
    return crm, report


def _documents(crm: Crm) -> dict[str, dict[int, dict[str, Any]]]:
    return {name: {doc.doc_id: dict(doc) for doc in crm.db.table(name)} for name in ALL}


@pytest.mark.parametrize("mode", ["cells", "read ahead"])
def test_the_fast_ways_leave_what_the_general_path_leaves(
        mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    general, expected = _import(tmp_path, "general", monkeypatch)
    monkeypatch.undo()
    fast, report = _import(tmp_path, mode, monkeypatch)
    try:
        assert (report.rows, report.counts, report.errors) == (
            expected.rows, expected.counts, expected.errors)
        assert report.created >= 10 and report.failed >= 6  # every shape is in the file
        assert _documents(fast) == _documents(general)
    finally:
        general.close()
        fast.close()


def test_rows_read_from_their_cells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[str] = []
    from_cells = record_rows.PurchaseRows._from_cells

    def spy(self: record_rows.PurchaseRows, row: Any) -> Any:
        plan = from_cells(self, row)
        if plan is not None:
            taken.append(row.order)
        return plan

    monkeypatch.setattr(record_rows.PurchaseRows, "_from_cells", spy)
    crm, _ = _import(tmp_path, "cells", monkeypatch)
    crm.close()
    # New orders of live customers with an item and an amount (O-7's customer was added
    # by O-6; None is the order without an external id); not O-1 (no amount), not the
    # re-sent O-1 and O-2 (they exist), not O-14 (a product_id), nor any row the general
    # path refuses or adds a customer for.
    assert taken == ["O-2", "O-3", "O-4", "O-5", "O-7", None, "O-18"]


def test_what_the_cells_say_crosses_processes_as_it_was() -> None:
    cells = read_purchase_cells({"customer_email": "Ann@X.com", "item": "Pen", "total": "4",
                                 "external_id": "O-1", "date": "2026-05-01"}, AS_OF)
    assert cells is not None
    back = pickle.loads(pickle.dumps(cells, pickle.HIGHEST_PROTOCOL))
    assert (type(back), back, back.values) == (PurchaseCells, cells, cells.values)
    assert back.email == "ann@x.com" and back.order == "O-1"
