"""An index keeps a key with one document as the bare id and a set only from the second:
an import of 100,000 customers otherwise left a set per email and external id (twice:
the table's indexes and the import's customer keys), which every pass of the cycle
collector then walked."""

from __future__ import annotations

import gc
from pathlib import Path

from crm_tui.services import tables
from crm_tui.services.exchange.importer import import_file
from crm_tui.store.indexes import Index

from ..exchange.import_support import open_crm, write_csv


def test_ids_move_between_one_and_several_under_a_key() -> None:
    index = Index("city", lambda doc: doc.get("city"))
    index.rebuild({})
    assert index.ids("Rabat") == frozenset()
    index.add(1, {"city": "Rabat"})
    index.add(1, {"city": "Rabat"})  # again: still one
    assert index.ids("Rabat") == {1}
    index.add(2, {"city": "Rabat"})
    index.add(3, {"city": "Fes"})
    assert (index.ids("Rabat"), index.ids("Fes")) == ({1, 2}, {3})
    assert index.in_order() == [3, 1, 2]
    assert index.between("G", None) == [("Rabat", 1), ("Rabat", 2)]
    index.discard(1, {"city": "Rabat"})
    index.discard(9, {"city": "Fes"})  # not under that key: nothing moves
    assert (index.ids("Rabat"), index.ids("Fes")) == ({2}, {3})
    index.replace(2, {"city": "Rabat"}, {"city": "Fes"})
    assert (index.ids("Rabat"), index.ids("Fes")) == (frozenset(), {2, 3})
    assert index.in_order() == [2, 3]


def test_an_import_leaves_no_set_per_customer_behind(tmp_path: Path) -> None:
    rows = "".join(f"P{n} Lee,p{n}@example.com,EXT-{n}\n" for n in range(300))
    path = write_csv(tmp_path / "people.csv", "name,email,external_id\n" + rows)
    crm = open_crm(tmp_path / "db")
    try:
        before = {id(o) for o in gc.get_objects()}
        report = import_file(crm, "customers", path)
        assert report.created == 300
        # Asked as an import asks (a row's email and external id), after it.
        with crm.db.transaction():
            keys = crm.customers.keys().ids("p7@example.com", "EXT-7")
        assert keys == ({8}, {8})
        assert crm.customers.find_by_email("p7@example.com")["id"] == 8  # type: ignore[index]
        sets = [o for o in gc.get_objects() if type(o) is set and id(o) not in before]
        assert len(sets) < 20  # one per customer and index before: 1,200
        assert len(crm.db.table(tables.CUSTOMERS)) == 300
    finally:
        crm.close()
