"""Files exported by the tools people come from (tests/exchange/corpus/, written from each
tool's documented export headers: several rows per order, accents, bad rows) import without
--map, checked value by value; a second import of the same files changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crm_tui.domain.entities.purchase import order_amounts
from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.mapping import build_mapping

from .import_support import customers_by_email

CORPUS = Path(__file__).parent / "corpus"
SHOPIFY_CUSTOMERS = CORPUS / "shopify_customers_export.csv"
SHOPIFY_ORDERS = CORPUS / "shopify_orders_export.csv"


def address(customer: dict[str, Any]) -> tuple[Any, ...]:
    [place] = customer["addresses"]
    assert place["is_default"]
    return tuple(place[k] for k in ("street", "city", "region", "postal_code", "country"))


def opt_ins(customer: dict[str, Any]) -> tuple[bool, bool]:
    return customer["preferences"]["email_opt_in"], customer["preferences"]["sms_opt_in"]


def orders(crm: Crm) -> dict[str, dict[str, Any]]:
    return {doc["external_id"]: dict(doc) for doc in crm.db.table(tables.PURCHASES)}


def documents(crm: Crm) -> dict[str, dict[int, dict[str, Any]]]:
    return {name: {doc.doc_id: dict(doc) for doc in crm.db.table(name)}
            for name in (tables.CUSTOMERS, tables.PURCHASES, tables.LEDGER)}


def test_a_shopify_customers_export(crm: Crm) -> None:
    report = import_file(crm, "customers", SHOPIFY_CUSTOMERS)
    assert report.format == "Shopify customers export"
    assert (report.rows, report.created, report.failed) == (5, 4, 1)
    assert [(e.line, e.field) for e in report.errors] == [(5, "email")]
    assert {"Total Spent", "Total Orders", "Tax Exempt"} <= set(report.unmapped)
    people = customers_by_email(crm)
    chloe, sean = people["chloe.garnier@example.fr"], people["sean.obrien@example.com"]
    zoe, nadia = people["zoe.mueller@example.de"], people["nadia.benali@example.ma"]
    # Shopify's ' before the id (it keeps spreadsheets from reading it as a number) is gone.
    assert [c["external_id"] for c in (chloe, sean, zoe, nadia)] == [
        "7000000001", "7000000002", "7000000003", "7000000005"]
    assert (chloe["first_name"], chloe["last_name"], chloe["company"]) == (
        "Chloé", "Garnier", "Atelier Lumière")
    assert address(chloe) == ("12 Rue de la Paix, Apt 4", "Paris", None, "75002", "FR")
    assert address(sean) == ("500 Main St", "Springfield", "IL", "62701", "US")
    assert address(zoe) == ("Königstraße 5", "München", "BY", "80331", "DE")
    assert address(nadia) == ("27 Boulevard d'Anfa", "Casablanca", None, "20000", "MA")
    assert [opt_ins(c) for c in (chloe, sean, zoe, nadia)] == [
        (True, False), (False, True), (True, True), (False, True)]
    # Phone wins; the default address's phone stands in when there is none.
    assert (chloe["phone"], zoe["phone"]) == ("+33 6 11 22 33 44", "+49 89 1234567")
    assert (chloe["tags"], nadia["tags"], zoe["tags"]) == (["VIP", "Paris"], ["événements"],
                                                          ["wholesale"])
    assert [n["text"] for n in chloe["notes"]] == ["Prefers email"]
    # Shopify's totals are not taken: the orders' own import makes them.
    assert (chloe["order_count"], chloe["total_spent"]) == (0, 0)


def test_a_shopify_orders_export_one_order_over_several_rows(crm: Crm) -> None:
    import_file(crm, "customers", SHOPIFY_CUSTOMERS)
    report = import_file(crm, "purchases", SHOPIFY_ORDERS)
    assert report.format == "Shopify orders export"
    # 15 rows: 7 orders imported; #1007 (2 rows: a quantity "two") and #1009 (3 rows, its
    # middle one broken) are refused whole.
    assert (report.rows, report.created, report.failed) == (15, 7, 5)
    assert report.count("customers").created == 1
    assert sorted((e.line, e.field) for e in report.errors) == [
        (12, "line_quantity"), (14, "row"), (15, "row")]
    assert "Id" in report.unmapped and "Subtotal" in report.unmapped
    got = orders(crm)
    assert sorted(got) == ["#1001", "#1002", "#1003", "#1004", "#1005", "#1006", "#1008"]
    first = got["#1001"]
    assert first["lines"] == [
        {"item": "Bougie parfumée", "product_id": None, "quantity": 2, "unit_price": 1850,
         "sku": "BOUG-01"},
        {"item": "Carte cadeau", "product_id": None, "quantity": 1, "unit_price": 2500,
         "sku": "CARTE-25"}]
    assert (first["shipping"], first["tax"], first["discount"], first["total"]) == (
        590, 1240, 620, 7410)
    assert (first["date"], first["status"], first["payment_method"], first["points"]) == (
        "2026-05-02", "completed", "shopify_payments", 7)
    statuses = {ref: (doc["status"], doc["total"], doc["points"]) for ref, doc in got.items()}
    assert statuses == {
        "#1001": ("completed", 7410, 7),
        "#1002": ("refunded", 1800, 0),  # refunded
        "#1003": ("completed", 6545, 6),  # partially_refunded: completed, refund noted
        "#1004": ("pending", 9650, 0),  # pending
        "#1005": ("refunded", 4000, 0),  # voided
        "#1006": ("pending", 2000, 0),  # authorized
        "#1008": ("completed", 1380, 1),
    }
    assert got["#1003"]["note"] == "Partially refunded: $21.50; Schüssel kam zerbrochen an"
    assert [line["item"] for line in got["#1003"]["lines"]] == ["Teller", "Schüssel", "Löffel"]
    assert got["#1002"]["date"] == "2026-05-10"  # the order's own day, offset and all
    # #1008's total (13.80) is the source's, kept; its lines and shipping say 13.90.
    assert order_amounts(got["#1008"]).difference == -10
    people = customers_by_email(crm)
    chloe, zoe = people["chloe.garnier@example.fr"], people["zoe.mueller@example.de"]
    assert (chloe["order_count"], chloe["total_spent"], chloe["loyalty_points"]) == (
        1, 7410, 7)
    assert (zoe["order_count"], zoe["total_spent"], zoe["loyalty_points"]) == (2, 7925, 7)
    assert (zoe["first_order_date"], zoe["last_order_date"]) == ("2026-05-20", "2026-06-06")
    assert people["sean.obrien@example.com"]["order_count"] == 0  # refunded only
    lea = people["lea.martin@example.fr"]  # not in the customers export: made from the order
    assert (lea["first_name"], lea["last_name"], lea["order_count"]) == ("Léa", "Martin", 0)
    profile = crm.customers.profile(chloe["id"])
    assert (profile.lifecycle.segment, profile.rfm.code if profile.rfm else None) == (
        "new", "R4F1M1")
    assert crm.customers.profile(zoe["id"]).lifecycle.segment == "returning"


def test_importing_the_same_exports_again_changes_nothing(crm: Crm) -> None:
    import_file(crm, "customers", SHOPIFY_CUSTOMERS)
    import_file(crm, "purchases", SHOPIFY_ORDERS)
    before = documents(crm)
    customers = import_file(crm, "customers", SHOPIFY_CUSTOMERS)
    purchases = import_file(crm, "purchases", SHOPIFY_ORDERS)
    assert (customers.unchanged, customers.created, customers.updated) == (4, 0, 0)
    assert (purchases.unchanged, purchases.created, purchases.updated) == (7, 0, 0)
    assert documents(crm) == before


def test_an_order_is_never_split_between_two_commits(
        crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_tui.services.exchange import importer
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)  # fewer rows than #1003 has
    import_file(crm, "customers", SHOPIFY_CUSTOMERS)
    report = import_file(crm, "purchases", SHOPIFY_ORDERS)
    assert (report.created, report.failed) == (7, 5)
    assert len(orders(crm)["#1003"]["lines"]) == 3


def test_a_hubspot_contacts_export(crm: Crm) -> None:
    import_file(crm, "customers", SHOPIFY_CUSTOMERS)
    report = import_file(crm, "customers", CORPUS / "hubspot_contacts_export.csv")
    assert report.format == "HubSpot contacts export"
    assert (report.created, report.updated, report.failed) == (2, 1, 1)
    assert [(e.line, e.field) for e in report.errors] == [(5, "created_at")]
    assert {"Job Title", "Lead Status", "Marketing contact status"} <= set(report.unmapped)
    people = customers_by_email(crm)
    ana, tom = people["ana.lopez@example.es"], people["tom.baker@example.co.uk"]
    assert (ana["external_id"], ana["owner"], ana["created_at"], ana["tags"]) == (
        "51001", "Marta Ruiz", "2023-03-14T09:21:00", ["stage: Customer"])
    assert (ana["company"], ana["phone"]) == ("Cerámica López", "+34 612 345 678")
    assert address(ana) == ("Calle Betis 12", "Sevilla", "Andalucía", "41010", "Spain")
    assert (tom["owner"], tom["tags"], tom["created_at"]) == (
        "Marta Ruiz", ["stage: Lead"], "2024-11-02T15:40:00")
    # Matched by email: the owner and stage join; Shopify's id and tags stay, and so
    # does the date she was first created here.
    chloe = people["chloe.garnier@example.fr"]
    assert (chloe["owner"], chloe["external_id"], chloe["tags"]) == (
        "Luc Bernard", "7000000001", ["VIP", "Paris", "stage: Opportunity"])
    assert chloe["created_at"] == "2026-06-15T12:00:00"
    again = import_file(crm, "customers", CORPUS / "hubspot_contacts_export.csv")
    assert (again.unchanged, again.created, again.updated) == (3, 0, 0)


def test_mailchimp_audience_exports_say_who_opted_in(crm: Crm) -> None:
    import_file(crm, "customers", SHOPIFY_CUSTOMERS)
    crm.customers.create({"first_name": "Tom", "email": "tom.baker@example.co.uk"})
    subscribed = import_file(crm, "customers",
                             CORPUS / "mailchimp_subscribed_members_export.csv")
    assert subscribed.format == "Mailchimp audience export (subscribed)"
    assert (subscribed.created, subscribed.updated, subscribed.failed) == (1, 1, 1)
    assert [(e.line, e.field) for e in subscribed.errors] == [(4, "email")]
    people = customers_by_email(crm)
    amelie, tom = people["amelie.poulain@example.fr"], people["tom.baker@example.co.uk"]
    assert (amelie["first_name"], amelie["phone"], amelie["created_at"]) == (
        "Amélie", "+33 6 12 34 56 78", "2025-01-10T08:00:00")
    assert amelie["tags"] == ["Newsletter", "Clients fidèles"]
    # Mailchimp writes the address in one cell, its parts two spaces apart.
    assert address(amelie) == ("15 Rue Lepic, Paris, 75018, FR", None, "IDF", None, "FR")
    assert opt_ins(amelie) == (True, False) and opt_ins(tom) == (True, False)
    unsubscribed = import_file(crm, "customers",
                               CORPUS / "mailchimp_unsubscribed_members_export.csv")
    assert unsubscribed.format == "Mailchimp audience export (unsubscribed)"
    assert unsubscribed.updated == 1
    chloe = customers_by_email(crm)["chloe.garnier@example.fr"]
    assert opt_ins(chloe) == (False, False)


@pytest.mark.parametrize("name, file, email, expect", [
    ("Salesforce contacts export", "salesforce_contacts_export.csv", "joao.silva@example.pt",
     {"external_id": "0035e00000AbCdEAAZ", "first_name": "João", "company": "Silva & Filhos",
      "owner": "Dana Scully", "source": "trade_show", "created_at": "2025-09-18T00:00:00",
      "phone": "+351 21 123 4567", "email_opt_in": False,
      "address": ("Rua Augusta 100", "Lisboa", None, "1100-053", "Portugal")}),
    ("Zoho CRM contacts export", "zoho_contacts_export.csv", "soren@example.dk",
     {"external_id": "zcrm_4876876000000324001", "first_name": "Søren",
      "company": "Nordisk Design", "owner": "Priya Nair", "phone": "+45 20 12 34 56",
      "created_at": "2024-02-05T11:20:00", "email_opt_in": True,
      "tags": ["design", "nordics"], "note": "Met at the Copenhagen fair",
      "address": ("Nyhavn 17", "København", None, "1051", "Denmark")}),
    ("Pipedrive people export", "pipedrive_people_export.csv", "ngozi@example.ng",
     {"external_id": "812", "first_name": "Ngozi", "last_name": "Okafor",
      "company": "Lagos Textiles", "owner": "Sam Lee", "phone": "+234 803 123 4567",
      "tags": ["Hot lead"], "created_at": "2025-03-03T10:10:10", "email_opt_in": True}),
])
def test_crm_contact_exports(crm: Crm, name: str, file: str, email: str,
                             expect: dict[str, Any]) -> None:
    report = import_file(crm, "customers", CORPUS / file)
    assert (report.format, report.created, report.failed) == (name, 1, 0)
    customer = customers_by_email(crm)[email]
    got = {**customer, "email_opt_in": customer["preferences"]["email_opt_in"],
           "note": " ".join(n["text"] for n in customer["notes"])}
    if "address" in expect:
        got["address"] = address(customer)
    assert {key: got[key] for key in expect} == expect


def test_a_file_for_another_kind_is_named(crm: Crm) -> None:
    mapping = build_mapping("customers", SHOPIFY_ORDERS.read_text().splitlines()[0].split(","))
    assert mapping.format is None
    assert any("Shopify orders export" in w and "crm import purchases" in w
               for w in mapping.warnings)


def test_a_dry_run_shows_the_format_the_mapping_and_what_would_happen(crm: Crm) -> None:
    import_file(crm, "customers", SHOPIFY_CUSTOMERS)
    report = import_file(crm, "purchases", SHOPIFY_ORDERS, dry_run=True)
    lines = report.summary_lines()
    assert "  format: Shopify orders export" in lines
    assert "    Name -> external_id" in lines and "    Lineitem sku -> line_sku" in lines
    assert "  purchases: would create 7" in lines and "  customers: would create 1" in lines
    assert orders(crm) == {}
