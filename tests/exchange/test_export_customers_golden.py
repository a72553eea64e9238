"""The customers CSV export, byte for byte, on a database with what trips exports up:
customers in the trash and erased, names and tags beyond ASCII, commas and quotes in
cells, text a spreadsheet would run, money from a cent to millions, documents both in the
snapshot and only in the journal since. The columns and every cell are pinned: a faster
export must write exactly these bytes."""

from __future__ import annotations

import io
from pathlib import Path

from crm_tui.services.crm import Crm
from crm_tui.services.exchange.exports import Query, export_rows
from crm_tui.services.exchange.writers import write_rows

from ..conftest import AS_OF, open_session

HEADER = ("id,external_id,name,kind,first_name,last_name,company_name,email,phone,company,"
          "industry,customer_type,source,status,tags,city,region,country,order_count,"
          "total_spent,average_order,first_order_date,last_order_date,loyalty_points,"
          "loyalty_tier,lifecycle_segment,segment_overridden,rfm_r,rfm_f,rfm_m,rfm_code,"
          "rfm_segment,churn_risk,email_opt_in,sms_opt_in,do_not_contact,created_at")


def make_database(path: Path) -> None:
    crm = open_session(path)
    zoe = crm.customers.create({
        "first_name": "Zoë", "last_name": "Ångström", "email": "zoe@example.com",
        "phone": "+46 8 123 456", "tags": "vip, ünïcode, say \"hi\"",
        "addresses": [{"city": "Malmö", "country": "SE"}],
        "preferences": {"email_opt_in": True, "sms_opt_in": True}})
    acme = crm.customers.create({
        "kind": "corporate", "company_name": "Acme, Inc.", "email": "ops@acme.example",
        "external_id": "=HYPERLINK(1)", "customer_type": "wholesale", "tags": ["b2b"],
        "addresses": [{"city": "Lyon", "region": "Auvergne-Rhône-Alpes", "country": "FR"}]})
    gone = crm.customers.create({"first_name": "Gone", "email": "gone@example.com"})
    erased = crm.customers.create({"first_name": "Erin", "last_name": "Erased",
                                   "email": "erin@example.com", "phone": "555 0100"})
    crm.sales.record({"customer_id": zoe, "item": "Pin", "total": "0.01",
                      "date": "2026-06-01"})
    crm.sales.record({"customer_id": acme, "item": "Plant", "total": "1234567.89",
                      "date": "2025-01-31"})
    crm.sales.record({"customer_id": acme, "item": "Spare", "total": "0.10",
                      "date": "2026-06-14"})
    crm.sales.record({"customer_id": erased, "item": "Pin", "total": "9.99",
                      "date": "2026-05-01"})
    crm.customers.delete(gone)
    crm.gdpr.erase(erased)
    crm.db.compact()
    # Only in the journal from here: a new customer and an edit of one in the snapshot.
    crm.customers.create({"first_name": "-Minus", "last_name": "Lee", "tags": "new",
                          "preferences": {"do_not_contact": True}})
    crm.customers.update(zoe, {"industry": "Design"})
    crm.close()


def export_csv(crm: Crm, *, raw: bool = False) -> bytes:
    out = io.BytesIO()
    write_rows("csv", *export_rows(crm, "customers", Query(as_of=AS_OF)), out, raw=raw)
    return out.getvalue()


EXPECTED = "\r\n".join([
    HEADER,
    "1,,Zoë Ångström,individual,Zoë,Ångström,,zoe@example.com,'+46 8 123 456,,Design,"
    "retail,direct,active,\"vip, ünïcode, say \"\"hi\"\"\",Malmö,Malmö,SE,1,0.01,0.01,"
    "2026-06-01,2026-06-01,0,New,new,false,5,1,1,R5F1M1,New Customers,0.14,true,true,"
    "false,2026-06-15",
    "2,'=HYPERLINK(1),\"Acme, Inc.\",corporate,,,\"Acme, Inc.\",ops@acme.example,,,,"
    "wholesale,direct,active,b2b,Lyon,Auvergne-Rhône-Alpes,FR,2,1234567.99,617284.00,"
    "2025-01-31,2026-06-14,123456,VIP,vip,false,5,2,5,R5F2M5,VIP,0.0,false,false,false,"
    "2026-06-15",
    # The one in the trash (3) and the erased one (4) are not exported.
    "5,,'-Minus Lee,individual,'-Minus,Lee,,,,,,retail,direct,active,new,,,,0,0.00,,,,0,"
    "New,prospect,false,,,,,,,false,false,true,2026-06-15",
    "",
])


def test_the_customers_csv_is_pinned_byte_for_byte(tmp_path: Path) -> None:
    make_database(tmp_path / "db")
    crm = open_session(tmp_path / "db")
    try:
        got = export_csv(crm).decode("utf-8")
    finally:
        crm.close()
    assert got == EXPECTED
