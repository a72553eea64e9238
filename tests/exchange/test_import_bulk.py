"""The bulk path of purchase imports: rows of a chunk are written together (each customer
once per chunk, links resolved without reading the store), and the database it leaves is
exactly the one saving the rows one at a time leaves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crm_tui.domain.entities.ledger import MAX_POINTS, validate_ledger_entry
from crm_tui.domain.errors import ValidationError
from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.services.exchange import importer
from crm_tui.services.exchange.batches import BATCH_FIELD
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.revert import revert

from .import_support import AS_OF, open_crm, write_csv

CUSTOMERS = ("name,email,external_id\nAnn Lee,ann@x.com,C-1\nBob Ray,bob@x.com,C-2\n"
             "Cat Sun,cat@x.com,C-3\n")
# Several orders per customer in one chunk, statuses that do and do not count, a zero
# total, a new customer, a re-sent order (the update must see the earlier rows' totals),
# an unchanged repeat and bad rows.
PURCHASES = (
    "order id,customer email,customer external id,customer name,item,qty,price,total,"
    "date,status\n"
    "O-1,ann@x.com,,,Laptop,1,1200,,2026-05-01,completed\n"
    "O-2,,C-2,,Mouse,2,25.50,,2026-05-02,completed\n"
    "O-3,ann@x.com,,,Pad,1,,10,2026-05-03,paid\n"
    "O-4,cat@x.com,,,Ink,3,9.99,,2026-06-01,refunded\n"
    "O-5,,C-3,,Pen,1,,0,2026-06-02,completed\n"
    "O-6,new@x.com,,New Person,Desk,1,310,,2026-06-03,pending\n"
    "O-7,new@x.com,,,Chair,1,150,,2026-06-04,completed\n"
    "O-1,ann@x.com,,,Laptop,1,1300,,2026-05-01,completed\n"
    "O-2,,C-2,,Mouse,2,25.50,,2026-05-02,completed\n"
    "O-8,ann@x.com,,,Pen,1,-4,,2026-06-05,completed\n"
    "O-9,nobody@x.com,,,Pen,1,4,,2026-06-05,completed\n"
    "O-10,ann@x.com,C-2,,Pen,1,4,,2026-06-05,completed\n"
    "O-11,,C-1,,Case,1,45,,2026-06-06,completed\n"
)
SAVED = (tables.CUSTOMERS, tables.PURCHASES, tables.LEDGER, tables.IMPORT_UNDO)


def documents(crm: Crm, *names: str) -> dict[str, dict[int, dict[str, Any]]]:
    return {name: {doc.doc_id: dict(doc) for doc in crm.db.table(name)} for name in names}


def import_both(path: Path, tmp_path: Path, chunk_rows: int,
                monkeypatch: pytest.MonkeyPatch) -> tuple[Crm, importer.ImportReport]:
    monkeypatch.setattr(importer, "CHUNK_ROWS", chunk_rows)
    crm = open_crm(path)
    import_file(crm, "customers", write_csv(tmp_path / "c.csv", CUSTOMERS))
    report = import_file(crm, "purchases", write_csv(tmp_path / "p.csv", PURCHASES))
    return crm, report


def test_a_chunk_leaves_what_saving_row_by_row_leaves(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    together, bulk = import_both(tmp_path / "bulk.db", tmp_path, 2000, monkeypatch)
    alone, single = import_both(tmp_path / "single.db", tmp_path, 1, monkeypatch)
    try:
        assert (bulk.counts, bulk.errors) == (single.counts, single.errors)
        assert [(e.line, e.field) for e in bulk.errors] == [
            (11, "unit_price"), (12, "customer_email"), (13, "customer_external_id")]
        assert documents(together, *SAVED) == documents(alone, *SAVED)
        ann = together.customers.find_by_email("ann@x.com")
        assert ann is not None
        # O-1 re-sent at 1300 replaced its 1200 in the totals written with O-3 and O-11.
        assert (ann["order_count"], ann["total_spent"], ann["loyalty_points"]) == (
            3, 135_500, 135)
        for crm in (together, alone):
            revert(crm, bulk.batch_id or "")
        assert documents(together, *SAVED[:3]) == documents(alone, *SAVED[:3])
    finally:
        together.close()
        alone.close()


def test_imported_purchases_are_those_sales_record_saves(crm: Crm, tmp_path: Path) -> None:
    typed_db = open_crm(tmp_path / "typed.db")
    rows = [("ann@x.com", "Laptop", "1200", "2026-05-01", "completed"),
            ("bob@x.com", "Mouse", "25.50", "2026-05-02", "completed"),
            ("ann@x.com", "Pad", "10", "2026-05-03", "refunded"),
            ("ann@x.com", "Ink", "0", "2026-05-04", "completed"),
            ("bob@x.com", "Pen", "99.99", "2026-04-01", "completed")]
    try:
        for session in (crm, typed_db):
            session.customers.create({"first_name": "Ann", "email": "ann@x.com"})
            session.customers.create({"first_name": "Bob", "email": "bob@x.com"})
        for email, item, total, day, status in rows:
            customer = typed_db.customers.find_by_email(email)
            assert customer is not None
            typed_db.sales.record({"customer_id": customer["id"], "item": item,
                                   "total": total, "date": day, "status": status})
        text = "customer_email,item,total,date,status\n" + "".join(
            ",".join(row) + "\n" for row in rows)
        assert import_file(crm, "purchases", write_csv(tmp_path / "p.csv", text)).created == 5

        def unstamped(session: Crm) -> dict[str, dict[int, dict[str, Any]]]:
            found = documents(session, tables.CUSTOMERS, tables.PURCHASES, tables.LEDGER)
            for docs in found.values():
                for doc in docs.values():
                    doc.pop(BATCH_FIELD, None)
            return found

        assert unstamped(crm) == unstamped(typed_db)
    finally:
        typed_db.close()


def test_each_customer_is_written_once_per_chunk(crm: Crm, tmp_path: Path) -> None:
    ann = crm.customers.create({"first_name": "Ann", "email": "ann@x.com"})
    writes: list[int] = []

    class Writes:
        name = "test_writes"

        def add(self, doc_id: int, doc: Any) -> None:
            writes.append(doc_id)

        def discard(self, doc_id: int, doc: Any) -> None:
            pass

        def replace(self, doc_id: int, old: Any, new: Any) -> None:
            writes.append(doc_id)

        def rebuild(self, docs: Any) -> None:
            pass

        def clear(self) -> None:
            pass

    crm.db.observe(tables.CUSTOMERS, Writes())
    text = "customer_email,item,total\n" + "ann@x.com,Pen,12\n" * 5
    assert import_file(crm, "purchases", write_csv(tmp_path / "p.csv", text)).created == 5
    assert writes == [ann]
    assert crm.customers.profile(ann).loyalty_points == 5


def test_links_follow_other_sessions_and_deletions(crm: Crm, tmp_path: Path) -> None:
    ann = crm.customers.create({"first_name": "Ann", "external_id": "C-1"})
    order = "customer_external_id,customer_name,item,total\n{key},,Pen,5\n"
    assert import_file(crm, "purchases", write_csv(
        tmp_path / "a.csv", order.format(key="C-1"))).created == 1
    other = open_crm(crm.db.path)  # another process renumbers Ann in its own session
    try:
        other.customers.update(ann, {"external_id": "C-9"})
    finally:
        other.close()
    moved = import_file(crm, "purchases", write_csv(tmp_path / "b.csv", order.format(key="C-9")))
    assert (moved.created, moved.count("customers").created) == (1, 0)
    stale = import_file(crm, "purchases", write_csv(tmp_path / "c.csv", order.format(key="C-1")))
    assert (stale.created, stale.count("customers").created) == (1, 1)  # C-1 is nobody's now
    crm.customers.delete(ann)
    gone = import_file(crm, "purchases", write_csv(tmp_path / "d.csv", order.format(key="C-9")))
    assert [e.field for e in gone.errors] == ["customer_external_id"]
    assert "deleted" in gone.errors[0].message
    assert len(crm.sales.for_customer(ann)) == 2


@pytest.mark.parametrize(("points", "day"), [(1, "2026-01-31"), (MAX_POINTS, "2024-02-29")])
def test_a_purchase_earning_is_the_entry_the_ledger_validates(crm: Crm, points: int,
                                                             day: str) -> None:
    ann = crm.customers.create({"first_name": "Ann"})
    with crm.changes.change("Import"):
        entry_id = crm.loyalty.purchase_earning(ann, points, day, 7, "2026-06-15T12:00:00")
    expected = validate_ledger_entry({"customer_id": ann, "kind": "earn", "points": points,
                                      "date": day, "purchase_id": 7, "note": None},
                                     today=AS_OF)
    stamped = {**expected, "created_at": "2026-06-15T12:00:00", "created_by": "alice"}
    stored = crm.db.table(tables.LEDGER).get(doc_id=entry_id)
    assert list(stored.items()) == list(stamped.items())


def test_uniqueness_holds_once_imports_keep_the_keys(crm: Crm, tmp_path: Path) -> None:
    # After an import the customer service answers "is this email free?" from the keys
    # the import keeps; they follow this session's saves and other sessions' alike.
    import_file(crm, "customers", write_csv(tmp_path / "c.csv", CUSTOMERS))
    with pytest.raises(ValidationError) as taken:
        crm.customers.create({"first_name": "Ann", "email": "ANN@x.com"})
    assert "email" in taken.value.errors
    other = open_crm(crm.db.path)
    try:
        other.customers.create({"first_name": "Dee", "email": "dee@x.com", "external_id": "D-1"})
    finally:
        other.close()
    with pytest.raises(ValidationError) as also_taken:
        crm.customers.create({"first_name": "Dee", "external_id": "D-1"})
    assert "external_id" in also_taken.value.errors
    bob = crm.customers.find_by_email("bob@x.com")
    assert bob is not None
    crm.customers.update(bob["id"], {"email": "robert@x.com"})
    assert crm.customers.create({"first_name": "New Bob", "email": "bob@x.com"}) > 0


def test_an_import_compacts_once_at_its_end(crm: Crm, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # Many chunks, each a commit past the bound that would otherwise fold the journal:
    # the import folds it once, after its last row (the database's bulk load).
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    crm.db.engine.compact_bytes = 1
    import_file(crm, "customers", write_csv(tmp_path / "c.csv", CUSTOMERS))
    epoch = crm.db.engine.journal_facts()["epoch"]
    report = import_file(crm, "purchases", write_csv(tmp_path / "p.csv", PURCHASES))
    assert report.created and crm.db.engine.journal_facts()["epoch"] == epoch + 1


def test_order_numbers_follow_other_sessions_deletions_and_compactions(
        crm: Crm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An order is matched on its number (external id) from what the session keeps of the
    # purchases, not by a store read per row; that record follows this session's changes,
    # another session's, and the other session's compactions (which unload the table here).
    ann = crm.customers.create({"first_name": "Ann", "email": "ann@x.com"})
    order = "order id,customer_email,item,total\n{number},ann@x.com,Pen,{total}\n"

    def imported(number: str, total: int) -> tuple[int, int]:
        report = import_file(crm, "purchases", write_csv(
            tmp_path / f"{number}-{total}.csv", order.format(number=number, total=total)))
        return report.created, report.updated

    reads: list[str] = []
    real_ids_by = type(crm.db.engine.reads).ids_by
    monkeypatch.setattr(type(crm.db.engine.reads), "ids_by",
                        lambda self, name, *a: reads.append(name) or real_ids_by(self, name, *a))
    assert imported("O-1", 5) == (1, 0)
    assert imported("O-1", 6) == (0, 1)  # the same order, its total corrected
    other = open_crm(crm.db.path)
    try:
        other.sales.record({"customer_id": ann, "item": "Ink", "total": "9",
                            "external_id": "O-2"})
        first = other.sales.for_customer(ann)[-1]
        other.sales.delete(first["id"])  # O-1 is gone
        other.db.compact()
        other.db.compact()  # twice: this session missed a journal, and unloads what it read
    finally:
        other.close()
    assert imported("O-2", 9)[0] == 0  # recorded there: matched here, not a second one
    assert imported("O-1", 6) == (1, 0)  # deleted there: a new order
    assert tables.PURCHASES not in reads
    assert sorted(p["external_id"] for p in crm.sales.for_customer(ann)) == ["O-1", "O-2"]
