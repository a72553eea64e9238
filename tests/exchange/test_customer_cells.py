"""A large customer import reads and validates its rows in its reading process
(customer_rows.read_customer_cells, run by read_ahead.py): the writer does not validate a
new customer again, and the import leaves what reading every row here leaves, row errors
and updates of stored customers included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crm_tui.domain.entities import customer as customer_entity
from crm_tui.services import customers as customers_service
from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.services.exchange import customer_rows, importer
from crm_tui.services.exchange.importer import import_file

from .import_support import open_crm, write_csv

STORED = ("email,first_name,last_name,external_id,phone\n"
          "ann@x.com,Ann,Lee,C-1,\n"
          "bob@x.com,Bob,Roe,,\n")
ROWS = (
    "email,first_name,last_name,external_id,phone,segment_overridden,lifecycle_segment,"
    "created_at,tags,email_opt_in,city\n"
    "new1@x.com,New,One,N-1,+1 555 0101,,,,\"vip, trade\",yes,Oslo\n"
    "ANN@x.com,,,,+1 555 0202,,,,,,\n"  # an update of a stored customer, by email
    ",,,C-1,,yes,vip,,,,\n"  # the same customer by external id, a manual segment
    "bad-email,Bad,Mail,,,,,,,,\n"  # refused as new: the email column named
    "bob@x.com,,,,not a phone,,,,,,\n"  # an update refused: the phone
    "new2@x.com,New,Two,,,maybe,,,,,\n"  # a cell that does not read
    "new3@x.com,New,Three,,,,,2024-03-01 10:00,,no,\n"  # a creation date of its own
    "new1@x.com,,,,,,,,newsletter,,\n"  # the first row's customer, now stored
    ",,,,,,,,,,\n"
    "new4@x.com,New,Four,N-1,,,,,,,\n"  # N-1 names the first row's customer: an update
    ",Only,Name,,,,,,,,\n"
)
KINDS = (tables.CUSTOMERS, tables.IMPORT_UNDO, tables.IMPORTS)


def _import(tmp_path: Path, ahead: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Crm, Any]:
    monkeypatch.setattr(importer, "WORTH_LINES", 0 if ahead else 10**9)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 3)  # rows of one chunk meet rows of others
    crm = open_crm(tmp_path / f"{ahead}.db")
    import_file(crm, "customers", write_csv(tmp_path / "stored.csv", STORED))
    return crm, import_file(crm, "customers", write_csv(tmp_path / "rows.csv", ROWS))


def _documents(crm: Crm) -> dict[str, dict[int, dict[str, Any]]]:
    return {name: {doc.doc_id: dict(doc) for doc in crm.db.table(name)} for name in KINDS}


def test_read_ahead_leaves_what_reading_here_leaves(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    here, expected = _import(tmp_path, False, monkeypatch)
    ahead, report = _import(tmp_path, True, monkeypatch)
    try:
        assert (report.rows, report.counts, report.errors) == (
            expected.rows, expected.counts, expected.errors)
        assert (report.created, report.updated, report.failed) == (3, 4, 3)
        assert {(e.line, e.field) for e in report.errors} == {
            (5, "email"), (6, "phone"), (7, "segment_overridden")}
        assert _documents(ahead) == _documents(here)
        three = ahead.customers.find_by_email("new3@x.com")
        assert three is not None and three["created_at"] == "2024-03-01T10:00:00"
    finally:
        here.close()
        ahead.close()


def test_new_customers_are_validated_once_and_not_by_the_writer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    validated: list[str] = []
    real = customer_entity.validate_customer

    def counted(data: Any, **kwargs: Any) -> Any:
        validated.append(str(data.get("email")))
        return real(data, **kwargs)

    # Every name the writer's code calls it by (the reading process is another program).
    for module in (customer_entity, customers_service, customer_rows):
        monkeypatch.setattr(module, "validate_customer", counted)
    monkeypatch.setattr(importer, "WORTH_LINES", 0)
    crm = open_crm(tmp_path / "crm.db")
    try:
        text = "email,first_name\n" + "".join(f"p{n}@x.com,P{n}\n" for n in range(30))
        report = import_file(crm, "customers", write_csv(tmp_path / "c.csv", text))
        assert report.created == 30
        assert validated == []
    finally:
        crm.close()
