"""GDPR export and erase: after an erase no file of the database holds a byte of the
customer's personal data, while revenue and loyalty figures stay exactly as they were."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.domain.gdpr import is_marketable
from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.services.gdpr import ERASE_LABEL, GdprService

from .conftest import database_bytes, history

# Every string that identifies Zelda or was written about her: none may survive an erase.
PII = (
    "Zelda", "Quixote", "zelda.quixote@windmill.example", "+1 555 014 2987",
    "+44 20 7946 0958", "Quixote Windmills", "Ñandú", "Vladivostokgrad", "69123",
    "ZQ-77731", "windmill-lover", "penicillin", "Dulcinea", "Rocinante", "Sancho",
    "Barataria", "Mambrino",
)
BOB_EMAIL = "bob.keeper@example.com"


@dataclass
class World:
    crm: Crm
    gdpr: GdprService
    zelda: int
    bob: int
    deleted_interaction: int


def _insert(crm: Crm, table: str, label: str, doc: dict[str, Any]) -> int:
    """Write a record the way a service would (audited), for tables without a service yet."""
    with crm.changes.change(label):
        return crm.db.table(table).insert(doc)


def build(crm: Crm) -> World:
    zelda = crm.customers.create({
        "first_name": "Zelda", "last_name": "Quixote", "email": "zelda.quixote@windmill.example",
        "phone": "+1 555 014 2987", "company": "Quixote Windmills", "external_id": "ZQ-77731",
        "tags": ["windmill-lover"],
        "addresses": [{"kind": "home", "street": "17 Calle Ñandú", "city": "Vladivostokgrad",
                       "postal_code": "69123", "country": "Spain"}],
        "preferences": {"gdpr_consent": True, "email_opt_in": True},
    })
    crm.customers.add_note(zelda, {"text": "Allergic to penicillin", "pinned": True})
    crm.customers.update(zelda, {"phone": "+44 20 7946 0958"})  # old phone lives in the audit
    crm.sales.record({"customer_id": zelda, "item": "Laptop", "total": "1200",
                      "date": "2026-05-01"})
    crm.sales.record({"customer_id": zelda, "item": "Mouse", "total": "35.50",
                      "date": "2026-06-01", "note": "gift-wrapped for Sancho"})
    crm.loyalty.redeem(zelda, 20, note="Gift card for her niece Dulcinea")
    _insert(crm, tables.INTERACTIONS, "Log interaction", {
        "customer_id": zelda, "channel": "phone", "subject": "Call with Zelda Quixote",
        "summary": "called Zelda Quixote about her horse Rocinante", "date": "2026-06-02"})
    gone = _insert(crm, tables.INTERACTIONS, "Log interaction", {
        "customer_id": zelda, "channel": "email", "summary": "Sancho forwarded the invoice"})
    with crm.changes.change("Delete interaction"):
        crm.db.table(tables.INTERACTIONS).remove(doc_ids=[gone])
    _insert(crm, tables.FEEDBACK, "Add feedback", {
        "customer_id": zelda, "rating": 2, "comments": "Zelda: the island of Barataria was late"})
    _insert(crm, tables.TASKS, "New task", {
        "customer_id": zelda, "title": "Send Zelda the contract", "status": "open",
        "description": "Mambrino helmet replacement"})
    _insert(crm, tables.OPPORTUNITIES, "New deal", {
        "customer_id": zelda, "name": "Quixote windmill deal", "value": 500_000,
        "stage": "Proposal", "status": "open"})
    bob = crm.customers.create({"first_name": "Bob", "last_name": "Keeper", "email": BOB_EMAIL})
    crm.sales.record({"customer_id": bob, "item": "Desk", "total": "300"})
    _insert(crm, tables.INTERACTIONS, "Log interaction",
            {"customer_id": bob, "summary": "Bob asked about desks"})
    return World(crm, GdprService(crm.ctx, crm.changes), zelda, bob, gone)


@pytest.fixture
def world(crm: Crm) -> World:
    return build(crm)


def leaks(path: Path, strings: tuple[str, ...]) -> list[tuple[str, str]]:
    """(file, string) for each string found in a file, as UTF-8 or as a JSON \\u escape,
    ignoring case."""
    found = []
    for name, data in database_bytes(path).items():
        haystack = data.decode("utf-8", errors="replace").casefold()
        for text in strings:
            forms = {text.casefold(), json.dumps(text.casefold())[1:-1]}
            if any(form in haystack for form in forms):
                found.append((name, text))
    return found


def revenue(crm: Crm) -> int:
    return sum(p["total"] for p in crm.db.table(tables.PURCHASES) if p["status"] == "completed")


@pytest.mark.parametrize("compacted", [False, True], ids=["journal", "snapshots"])
def test_erase_leaves_no_personal_byte_in_any_file(world: World, compacted: bool) -> None:
    crm = world.crm
    if compacted:  # the data sits in table snapshots rather than in the journal
        crm.db.compact()
    assert {text for _, text in leaks(crm.db.path, PII)} == set(PII)  # the test can see them
    world.gdpr.erase(world.zelda)
    assert leaks(crm.db.path, PII) == []
    assert leaks(crm.db.path, (BOB_EMAIL, "Bob asked about desks")) != []  # others untouched


def test_erase_leaves_the_derived_files_without_personal_bytes(world: World) -> None:
    """The files beside the snapshots (where each document is, who has which customer
    id) hold ids and offsets only, and are written again by the erase's compaction."""
    crm = world.crm
    crm.db.compact()
    derived = sorted(p.name for p in (crm.db.path / "tables").iterdir()
                     if not p.name.endswith(".json"))
    assert "purchases.by-customer" in derived and "customers.ids" in derived
    world.gdpr.erase(world.zelda)
    assert leaks(crm.db.path, PII) == []
    assert set(derived) < {p.name for p in (crm.db.path / "tables").iterdir()}
    assert [p["item"] for p in crm.sales.for_customer(world.zelda)] == ["Mouse", "Laptop"]


def test_erase_seen_by_another_session(world: World) -> None:
    other = Crm.open(world.crm.db.path)
    try:
        assert other.customers.get(world.zelda)["first_name"] == "Zelda"  # loaded before
        world.gdpr.erase(world.zelda)
        with pytest.raises(NotFoundError):
            other.customers.get(world.zelda)
        other.customers.create({"first_name": "Carl"})  # writes on after the new journal
    finally:
        other.close()
    assert leaks(world.crm.db.path, PII) == []


def test_erase_keeps_revenue_loyalty_and_ids(world: World) -> None:
    crm = world.crm
    before = crm.customers.get(world.zelda)
    total, purchases = revenue(crm), crm.sales.for_customer(world.zelda)
    deal = crm.db.table(tables.OPPORTUNITIES).all()[0]

    world.gdpr.erase(world.zelda)

    after = crm.customers.get(world.zelda, include_deleted=True)
    assert revenue(crm) == total == 123_550 + 30_000
    # Amounts, items and dates stay; only a purchase's note (free text) is erased.
    assert [{**p, "note": "erased"} if p.get("note") else p for p in purchases] == (
        crm.sales.for_customer(world.zelda))
    for field in ("order_count", "total_spent", "first_order_date", "last_order_date",
                  "loyalty_points", "points_earned", "created_at"):
        assert after[field] == before[field], field
    assert crm.loyalty.summary(world.zelda).balance == before["loyalty_points"]
    new_deal = crm.db.table(tables.OPPORTUNITIES).get(doc_id=deal.doc_id)
    assert new_deal["value"] == 500_000 and new_deal["stage"] == "Proposal"
    assert new_deal["name"] != deal["name"]
    assert crm.db.table(tables.FEEDBACK).all()[0]["rating"] == 2


def test_erased_customer_is_gone_from_normal_use(world: World) -> None:
    crm = world.crm
    world.gdpr.erase(world.zelda)
    assert [c["id"] for c in crm.customers.all()] == [world.bob]
    assert crm.customers.find_by_email("zelda.quixote@windmill.example") is None
    with pytest.raises(NotFoundError):
        crm.customers.get(world.zelda)
    stored = crm.customers.get(world.zelda, include_deleted=True)
    assert stored["erased"] is True and stored["deleted_at"]
    assert not is_marketable(stored, "email")
    # The email is free again: the same person may sign up anew.
    crm.customers.create({"first_name": "Z", "email": "zelda.quixote@windmill.example"})


def test_erase_is_audited_without_the_erased_values_and_not_undoable(world: World) -> None:
    crm = world.crm
    counts = world.gdpr.erase(world.zelda).records
    assert counts[tables.CUSTOMERS] == 1 and counts[tables.INTERACTIONS] == 1
    assert counts[tables.LEDGER] == 1 and counts[tables.AUDIT] > 5
    entry = history(crm, tables.CUSTOMERS, world.zelda)[0]
    assert (entry["op"], entry["who"], entry["action"]) == ("erase", "alice", ERASE_LABEL)
    assert entry["changes"]["erased"] == [None, True]
    text = json.dumps(entry).lower()
    assert not [s for s in PII if s.lower() in text]
    assert ERASE_LABEL not in crm.changes.undo_labels


def test_undo_of_an_earlier_edit_cannot_bring_data_back(crm: Crm) -> None:
    gdpr = GdprService(crm.ctx, crm.changes)
    zelda = crm.customers.create({"first_name": "Zelda", "email": "z@windmill.example"})
    crm.customers.update(zelda, {"last_name": "Quixote"})
    gdpr.erase(zelda)
    with pytest.raises(ValidationError) as caught:
        crm.undo()
    assert caught.value.field == "undo"
    assert leaks(crm.db.path, ("Zelda", "Quixote", "z@windmill.example")) == []


def test_undo_of_a_deletion_cannot_bring_erased_text_back(crm: Crm) -> None:
    gdpr = GdprService(crm.ctx, crm.changes)
    zelda = crm.customers.create({"first_name": "Zelda"})
    gone = _insert(crm, tables.INTERACTIONS, "Log interaction",
                   {"customer_id": zelda, "summary": "Rocinante"})
    with crm.changes.change("Delete interaction"):
        crm.db.table(tables.INTERACTIONS).remove(doc_ids=[gone])
    gdpr.erase(zelda)
    with contextlib.suppress(ValidationError):
        crm.undo()
    crm.db.compact()
    assert leaks(crm.db.path, ("Rocinante",)) == []


def test_erase_of_unknown_customer_changes_nothing(world: World) -> None:
    before = database_bytes(world.crm.db.path)
    with pytest.raises(NotFoundError):
        world.gdpr.erase(999)
    assert database_bytes(world.crm.db.path) == before


def test_erase_twice_is_harmless(world: World) -> None:
    world.gdpr.erase(world.zelda)
    first = world.crm.customers.get(world.zelda, include_deleted=True)
    world.gdpr.erase(world.zelda)
    assert world.crm.customers.get(world.zelda, include_deleted=True) == first


def test_export_holds_everything_about_the_customer(world: World) -> None:
    data = world.gdpr.export(world.zelda)
    assert json.loads(json.dumps(data)) == data  # JSON-safe
    customer = data["customer"]
    assert customer["id"] == world.zelda and customer["email"] == "zelda.quixote@windmill.example"
    assert customer["addresses"][0]["street"] == "17 Calle Ñandú"
    assert customer["notes"][0]["text"] == "Allergic to penicillin"
    assert customer["preferences"]["gdpr_consent"] is True
    assert data["computed"]["total_spent"] == 123_550
    assert data["computed"]["loyalty_tier"] == "Bronze"
    assert sorted(p["total"] for p in data["purchases"]) == [3_550, 120_000]
    assert {e["kind"] for e in data["ledger"]} == {"earn", "redeem"}
    assert [i["summary"] for i in data["interactions"]] == [
        "called Zelda Quixote about her horse Rocinante"]
    assert data["feedback"][0]["rating"] == 2
    assert data["tasks"][0]["title"] == "Send Zelda the contract"
    assert data["opportunities"][0]["value"] == 500_000
    assert data["exported_by"] == "alice"


def test_export_audit_covers_the_customer_and_its_records_only(world: World) -> None:
    audit = world.gdpr.export(world.zelda)["audit"]
    assert [e["id"] for e in audit] == sorted(e["id"] for e in audit)  # oldest first
    refs = {(e["entity"], e["entity_id"]) for e in audit}
    assert (tables.CUSTOMERS, world.zelda) in refs
    assert (tables.INTERACTIONS, world.deleted_interaction) in refs  # deleted since
    assert (tables.CUSTOMERS, world.bob) not in refs
    assert all(e["entity"] != tables.PURCHASES or e["changes"].get("customer_id") != [None,
               world.bob] for e in audit)
    phones = [e["changes"]["phone"] for e in audit if "phone" in e["changes"]]
    assert ["+1 555 014 2987", "+44 20 7946 0958"] in phones


def test_export_of_deleted_and_unknown_customers(world: World) -> None:
    world.crm.customers.delete(world.bob)
    assert world.gdpr.export(world.bob)["customer"]["deleted_at"]
    with pytest.raises(NotFoundError):
        world.gdpr.export(999)
