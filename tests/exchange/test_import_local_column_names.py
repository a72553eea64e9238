"""Columns named in French, German, Spanish... (a list kept by hand in Excel in Europe) map
to their fields, accents or not: "Prénom;Nom;Téléphone" fill first_name, last_name, phone.
They were not imported, so such a file's rows failed for want of a name."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.services.crm import Crm
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.mapping import build_mapping

from .import_support import customers_by_email, write_csv

FRENCH_PEOPLE = ("Prénom;Nom;E-mail;Téléphone;Société;Date de création;Ville;Code postal;Pays\r\n"
                 "Zoé;Lefèvre;zoe@example.fr;06 12 34 56 78;Café Crème;03/04/2025;Lyon;"
                 "69001;France\r\n"
                 "François;Dupont;f.dupont@example.fr;;;15/11/2024;Paris;75002;France\r\n")
FRENCH_ORDERS = ("Courriel;Article;Quantité;Montant;Date;Référence\r\n"
                 'zoe@example.fr;Machine à café;1;"1.234,56 €";15/04/2025;F-1001\r\n')


@pytest.fixture
def crm(tmp_path: Path) -> Crm:
    return Crm.open(tmp_path / "crm.db")


def test_a_french_list_of_customers_and_its_orders(crm: Crm, tmp_path: Path) -> None:
    people = tmp_path / "clients.csv"
    people.write_bytes(FRENCH_PEOPLE.encode("cp1252"))
    report = import_file(crm, "customers", people)
    assert (report.created, report.failed, report.unmapped) == (2, 0, [])
    zoe = customers_by_email(crm)["zoe@example.fr"]
    assert (zoe["first_name"], zoe["last_name"], zoe["phone"], zoe["company"]) == (
        "Zoé", "Lefèvre", "06 12 34 56 78", "Café Crème")
    assert zoe["created_at"] == "2025-04-03T00:00:00"
    orders = write_csv(tmp_path / "commandes.csv", FRENCH_ORDERS, bom=True)
    report = import_file(crm, "purchases", orders)
    assert (report.created, report.failed) == (1, 0)
    (purchase,) = crm.db.table("purchases").all()
    assert (purchase["total"], purchase["date"], purchase["external_id"]) == (
        123456, "2025-04-15", "F-1001")


@pytest.mark.parametrize(("header", "fields"), [
    (["Vorname", "Nachname", "E-Mail", "Telefon", "Firma", "Straße", "PLZ", "Stadt"],
     ["first_name", "last_name", "email", "phone", "company", "street", "postal_code",
      "city"]),
    (["Nombre", "Apellidos", "Correo electrónico", "Teléfono", "Empresa", "Ciudad"],
     ["first_name", "last_name", "email", "phone", "company", "city"]),
    (["Prenom", "Nom", "Email", "Telephone"], ["first_name", "last_name", "email", "phone"]),
])
def test_other_languages_and_no_accents(header: list[str], fields: list[str]) -> None:
    assert build_mapping("customers", header).fields == fields
