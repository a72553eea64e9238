"""`crm export --marketable CHANNEL`: only the customers who may receive marketing there
(consent and the channel's opt-in given, not do-not-contact, the contact detail present,
not in the trash), and their records; an unknown channel is refused naming the option."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm

from .conftest import AS_OF, crm_cmd

CONSENT = {"gdpr_consent": True, "email_opt_in": True, "sms_opt_in": True}


def emails(text: str, column: str = "email") -> list[str]:
    return [row[column] for row in csv.DictReader(io.StringIO(text, newline=""))]


def make_database(path: Path) -> None:
    crm = Crm.open(path, clock=Clock.at(AS_OF), staff="alice")
    yes = crm.customers.create({"first_name": "Yes", "email": "yes@example.com",
                                "phone": "+1 555 0100", "preferences": CONSENT})
    crm.customers.create({"first_name": "Mail", "email": "mail@example.com",
                          "preferences": CONSENT})  # no phone: not for SMS
    crm.customers.create({"first_name": "Never", "email": "never@example.com",
                          "phone": "+1 555 0101",
                          "preferences": {**CONSENT, "do_not_contact": True}})
    crm.customers.create({"first_name": "Asked", "email": "asked@example.com",
                          "preferences": {"email_opt_in": True}})  # no consent
    gone = crm.customers.create({"first_name": "Gone", "email": "gone@example.com",
                                 "preferences": CONSENT})
    crm.customers.delete(gone)
    crm.sales.record({"customer_id": yes, "item": "Box", "total": "10", "date": "2026-06-01"})
    crm.close()


def test_only_customers_who_may_receive_marketing_on_the_channel(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    make_database(db)
    email = crm_cmd(db, "export", "customers", "--marketable", "email")
    assert email.returncode == 0, email.stderr
    assert emails(email.stdout) == ["yes@example.com", "mail@example.com"]
    sms = crm_cmd(db, "export", "customers", "--marketable", "sms")
    assert emails(sms.stdout) == ["yes@example.com"]
    purchases = crm_cmd(db, "export", "purchases", "--marketable", "sms")
    assert emails(purchases.stdout, "customer_email") == ["yes@example.com"]
    everyone = crm_cmd(db, "export", "customers")
    assert len(emails(everyone.stdout)) == 4  # the trash is never exported


def test_an_unknown_channel_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    make_database(db)
    refused = crm_cmd(db, "export", "customers", "--marketable", "pigeon")
    assert refused.returncode != 0 and refused.stdout == ""
    assert "--marketable" in refused.stderr and "Traceback" not in refused.stderr
