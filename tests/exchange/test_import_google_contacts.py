"""Google Contacts' export ("Google CSV", both the current one and the one before 2023) is
recognised: emails and phones come from "E-mail 1 - Value" and "Phone 1 - Value" (they were
not imported, so every contact came in without an email and again on each import); a cell
holding several values ("a@x ::: b@y") gives a field its first, and the labels are tags but
Google's own ("* myContacts", "* starred")."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.exchange.importer import import_file

from .import_support import customers_by_email
from .test_import_formats import CORPUS, address


@pytest.fixture
def crm(tmp_path: Path) -> Crm:
    return Crm.open(tmp_path / "crm.db")


def test_a_google_contacts_export(crm: Crm) -> None:
    report = import_file(crm, "customers", CORPUS / "google_contacts_export.csv")
    assert (report.format, report.created, report.failed) == ("Google Contacts export", 3, 0)
    people = customers_by_email(crm)
    maria, tom = people["maria@acme.example"], people["tom@home.example"]
    assert (maria["first_name"], maria["last_name"], maria["company"]) == (
        "Maria", "Garcia", "Acme Inc")
    assert (maria["phone"], maria["tags"]) == ("+1 415-555-0199", ["Clients", "VIP"])
    assert address(maria) == ("1 Main St, Suite 4", "Springfield", "IL", "62701", "US")
    assert [note["text"] for note in maria["notes"]] == ["Met at the fair, call back"]
    assert (tom["last_name"], tom["tags"]) == ("Baker", [])
    assert people["chloe.martin@example.fr"]["tags"] == ["Clients"]
    again = import_file(crm, "customers", CORPUS / "google_contacts_export.csv")
    assert (again.unchanged, again.created) == (3, 0)


def test_a_google_contacts_export_from_before_2023(crm: Crm) -> None:
    report = import_file(crm, "customers", CORPUS / "google_contacts_legacy_export.csv")
    assert (report.format, report.created, report.failed) == ("Google Contacts export", 1, 0)
    hans = customers_by_email(crm)["hans@schmidt.example"]
    assert (hans["first_name"], hans["last_name"], hans["company"]) == (
        "Hans", "Schmidt", "Schmidt GmbH")
    assert (hans["phone"], hans["tags"]) == ("+49 30 1234567", ["Suppliers"])
