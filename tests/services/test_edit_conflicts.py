"""Two sessions editing one record (two `Database` objects on one directory, as two
processes have, and once a real second process): an edit with a base writes only what it
changes, keeps what the other session changed, and refuses a field both changed, saying
who, when and both values; keep-theirs and overwrite then do what they say."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.edits import EditConflict, clashing
from crm_tui.services.exchange.importer import import_file


@pytest.fixture
def bob(db_path: Path, crm: Crm) -> Iterator[Crm]:
    """A second session on the same database, as another person in another process."""
    session = Crm.open(db_path, clock=Clock.at("2026-06-15T12:30:00"), staff="bob")
    yield session
    session.close()


@pytest.fixture
def ann(crm: Crm) -> int:
    return crm.customers.create({
        "first_name": "Ann", "last_name": "Lee", "email": "ann@x.example",
        "phone": "+1 555 0100", "industry": "Hospitality",
        "addresses": [{"kind": "billing", "street": "1 Main St", "city": "Rabat"}],
        "preferences": {"email_opt_in": True, "sms_opt_in": False}})


def conflict_of(call: object, *args: object, **kwargs: object) -> EditConflict:
    with pytest.raises(EditConflict) as err:
        call(*args, **kwargs)  # type: ignore[operator]
    return err.value


def test_the_rule_is_three_way() -> None:
    base = {"a": 1, "b": 1, "c": 1, "d": 1, "updated_at": "x"}
    current = {"a": 2, "b": 1, "c": 2, "d": 5, "updated_at": "y"}  # they changed a, c, d
    after = {"a": 2, "b": 3, "c": 4, "d": 5, "updated_at": "z"}  # we change b and c (a, d: same)
    assert clashing(base, current, after) == ["c"]


# ----- customers ---------------------------------------------------------------------------
def test_disjoint_fields_are_both_kept(crm: Crm, bob: Crm, ann: int) -> None:
    """The issue's case: A changes Industry, B changes Phone; B no longer undoes A."""
    alice_base, bob_base = crm.customers.get(ann), bob.customers.get(ann)
    crm.customers.update(ann, {"industry": "Retail"}, base=alice_base)
    bob.customers.update(ann, {"phone": "+1 555 0199"}, base=bob_base)
    for session in (crm, bob):
        saved = session.customers.get(ann)
        assert (saved["industry"], saved["phone"]) == ("Retail", "+1 555 0199")


def test_parts_of_one_address_and_preferences_merge(crm: Crm, bob: Crm, ann: int) -> None:
    alice_base, bob_base = crm.customers.get(ann), bob.customers.get(ann)
    crm.customers.update(ann, {"address.city": "Casablanca", "preferences.sms_opt_in": True},
                         base=alice_base)
    bob.customers.update(ann, {"address.street": "9 Sea Rd", "preferences.email_opt_in": False},
                         base=bob_base)
    saved = crm.customers.get(ann)
    address = saved["addresses"][0]
    assert (address["street"], address["city"], address["is_default"]) == \
        ("9 Sea Rd", "Casablanca", True)
    assert (saved["preferences"]["sms_opt_in"], saved["preferences"]["email_opt_in"]) == \
        (True, False)


def test_the_same_field_is_a_conflict_naming_who_when_and_both_values(
        crm: Crm, bob: Crm, ann: int) -> None:
    alice_base = crm.customers.get(ann)
    bob.customers.update(ann, {"industry": "Retail"}, base=bob.customers.get(ann))
    before = crm.customers.get(ann)
    mine = {"industry": "Finance", "phone": "+1 555 0142"}
    conflict = conflict_of(crm.customers.update, ann, mine, base=alice_base)
    [clash] = conflict.clashes
    assert (clash.field, clash.base, clash.theirs, clash.mine) == \
        ("industry", "Hospitality", "Retail", "Finance")
    assert (clash.who, clash.at, clash.action) == ("bob", "2026-06-15T12:30:00", "Edit customer")
    assert conflict.errors["industry"].startswith("changed by bob at 2026-06-15 12:30:00")
    assert conflict.current["industry"] == "Retail" and conflict.current["id"] == ann
    assert crm.customers.get(ann) == before  # nothing written, the phone neither


def test_keep_theirs_and_overwrite(crm: Crm, bob: Crm, ann: int) -> None:
    alice_base = crm.customers.get(ann)
    bob.customers.update(ann, {"industry": "Retail"}, base=bob.customers.get(ann))
    mine = {"industry": "Finance", "phone": "+1 555 0142"}
    conflict = conflict_of(crm.customers.update, ann, mine, base=alice_base)
    # Keep theirs: the clashing fields leave the edit, the rest is saved.
    kept = {k: v for k, v in mine.items() if k not in {c.field for c in conflict.clashes}}
    crm.customers.update(ann, kept, base=conflict.current)
    saved = crm.customers.get(ann)
    assert (saved["industry"], saved["phone"]) == ("Retail", "+1 555 0142")
    # Overwrite: the same edit again, over the record as it is now.
    bob.customers.update(ann, {"industry": "Mining"}, base=bob.customers.get(ann))
    conflict = conflict_of(crm.customers.update, ann, {"industry": "Finance"},
                           base=saved)
    crm.customers.update(ann, {"industry": "Finance"}, base=conflict.current)
    assert bob.customers.get(ann)["industry"] == "Finance"


def test_the_same_change_twice_is_no_conflict(crm: Crm, bob: Crm, ann: int) -> None:
    alice_base = crm.customers.get(ann)
    bob.customers.update(ann, {"industry": "Retail"}, base=bob.customers.get(ann))
    crm.customers.update(ann, {"industry": "Retail"}, base=alice_base)
    assert crm.customers.get(ann)["industry"] == "Retail"


def test_without_a_base_an_edit_writes_as_before(crm: Crm, bob: Crm, ann: int) -> None:
    bob.customers.update(ann, {"industry": "Retail"})
    crm.customers.update(ann, {"industry": "Finance"})  # scripts: the last one wins
    assert bob.customers.get(ann)["industry"] == "Finance"


def test_an_import_meeting_an_open_form_is_a_conflict(crm: Crm, bob: Crm, ann: int,
                                                      tmp_path: Path) -> None:
    alice_base = crm.customers.get(ann)
    csv = tmp_path / "update.csv"
    csv.write_text("email,industry\nann@x.example,Mining\n", encoding="utf-8")
    import_file(bob, "customers", csv)
    conflict = conflict_of(crm.customers.update, ann, {"industry": "Finance"}, base=alice_base)
    [clash] = conflict.clashes
    assert (clash.theirs, clash.mine, clash.who, clash.action) == \
        ("Mining", "Finance", "bob", "Import customers")


def test_a_second_process_s_change_is_seen(crm: Crm, ann: int, db_path: Path) -> None:
    alice_base = crm.customers.get(ann)
    script = textwrap.dedent(f"""
        from crm_tui.services.context import Clock
        from crm_tui.services.crm import Crm
        crm = Crm.open({str(db_path)!r}, clock=Clock.at("2026-06-15T13:00:00"), staff="carol")
        crm.customers.update({ann}, {{"industry": "Retail", "phone": "+1 555 0177"}},
                             base=crm.customers.get({ann}))
        crm.close()
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    crm.customers.update(ann, {"last_name": "Lee-Smith"}, base=alice_base)  # disjoint: kept
    conflict = conflict_of(crm.customers.update, ann, {"industry": "Finance"}, base=alice_base)
    [clash] = conflict.clashes
    assert (clash.who, clash.at, clash.theirs) == ("carol", "2026-06-15T13:00:00", "Retail")
    saved = crm.customers.get(ann)
    assert (saved["last_name"], saved["phone"], saved["industry"]) == \
        ("Lee-Smith", "+1 555 0177", "Retail")


# ----- deals, tasks, notes -------------------------------------------------------------------
def test_a_deal_moved_meanwhile_is_not_moved_again(crm: Crm, bob: Crm, ann: int) -> None:
    deal = crm.pipeline.create({"customer_id": ann, "name": "Renewal", "value": "900",
                                "stage": "Qualification"})
    shown = crm.pipeline.get(deal)  # what the board shows
    bob.pipeline.move(deal, "Negotiation", base=bob.pipeline.get(deal))
    conflict = conflict_of(crm.pipeline.move, deal, "Proposal", base=shown)
    stage = next(c for c in conflict.clashes if c.field == "stage")
    assert (stage.base, stage.theirs, stage.mine, stage.who) == \
        ("Qualification", "Negotiation", "Proposal", "bob")
    assert crm.pipeline.get(deal)["stage"] == "Negotiation"
    # Overwrite: the move made over the deal as it is now.
    crm.pipeline.move(deal, "Proposal", base=conflict.current)
    assert bob.pipeline.get(deal)["stage"] == "Proposal"


def test_a_deal_closed_meanwhile_is_not_closed_again(crm: Crm, bob: Crm, ann: int) -> None:
    deal = crm.pipeline.create({"customer_id": ann, "name": "Renewal", "value": "900"})
    shown = crm.pipeline.get(deal)
    bob.pipeline.move(deal, "Closed Won", base=bob.pipeline.get(deal))
    conflict = conflict_of(crm.pipeline.move, deal, "Closed Lost", base=shown)
    assert {c.field for c in conflict.clashes} >= {"stage", "status"}
    assert crm.pipeline.get(deal)["status"] == "won"


def test_a_deal_edit_keeps_a_move_made_meanwhile(crm: Crm, bob: Crm, ann: int) -> None:
    deal = crm.pipeline.create({"customer_id": ann, "name": "Renewal", "value": "900"})
    form_base = crm.pipeline.get(deal)
    bob.pipeline.move(deal, "Proposal", base=bob.pipeline.get(deal))
    crm.pipeline.update(deal, {"value": "1200"}, base=form_base)
    saved = bob.pipeline.get(deal)
    assert (saved["stage"], saved["value"], saved["probability"]) == ("Proposal", 120000, 50)


def test_a_task_edit_conflict(crm: Crm, bob: Crm, ann: int) -> None:
    task = crm.tasks.create({"title": "Call Ann", "customer_id": ann, "due_date": "2026-06-20"})
    form_base = crm.tasks.get(task)
    bob.tasks.update(task, {"due_date": "2026-06-25", "priority": "high"},
                     base=bob.tasks.get(task))
    conflict = conflict_of(crm.tasks.update, task, {"due_date": "2026-06-30"}, base=form_base)
    [clash] = conflict.clashes
    assert (clash.field, clash.theirs, clash.mine, clash.who) == \
        ("due_date", "2026-06-25", "2026-06-30", "bob")
    crm.tasks.update(task, {"title": "Call Ann back"}, base=form_base)  # disjoint: kept
    saved = crm.tasks.get(task)
    assert (saved["title"], saved["due_date"], saved["priority"]) == \
        ("Call Ann back", "2026-06-25", "high")


def test_a_note_edit_conflict(crm: Crm, bob: Crm, ann: int) -> None:
    note_id = crm.customers.add_note(ann, {"text": "Prefers calls"})

    def note(session: Crm) -> dict[str, object]:
        return next(n for n in session.customers.notes(ann) if n["id"] == note_id)

    form_base = {**note(crm), "customer_id": ann}
    bob.customers.update_note(ann, note_id, {"text": "Prefers email"}, base=note(bob))
    conflict = conflict_of(crm.customers.update_note, ann, note_id, {"text": "Prefers SMS"},
                           base=form_base)
    [clash] = conflict.clashes
    assert (clash.field, clash.theirs, clash.mine, clash.who) == \
        ("text", "Prefers email", "Prefers SMS", "bob")
    assert conflict.current["customer_id"] == ann
    crm.customers.update_note(ann, note_id, {"pinned": True}, base=form_base)
    assert (note(bob)["text"], note(bob)["pinned"]) == ("Prefers email", True)


def test_another_customer_field_change_does_not_block_a_note(crm: Crm, bob: Crm,
                                                            ann: int) -> None:
    note_id = crm.customers.add_note(ann, {"text": "Prefers calls"})
    form_base = {**crm.customers.notes(ann)[0], "customer_id": ann}
    bob.customers.add_note(ann, {"text": "Met at the fair"})
    bob.customers.update(ann, {"industry": "Retail"})
    crm.customers.update_note(ann, note_id, {"text": "Prefers calls after 5"}, base=form_base)
    texts = sorted(n["text"] for n in bob.customers.notes(ann))
    assert texts == ["Met at the fair", "Prefers calls after 5"]



def test_a_purchase_edit_conflict(crm: Crm, bob: Crm, ann: int) -> None:
    """A refund typed in one session meets a status changed in another: no silent undo."""
    purchase = crm.sales.record({"customer_id": ann, "item": "Mug", "total": "40",
                                 "date": "2026-06-10"})
    form_base = crm.sales.get(purchase)
    bob.sales.update(purchase, {"status": "refunded"}, base=bob.sales.get(purchase))
    conflict = conflict_of(crm.sales.update, purchase, {"status": "pending"}, base=form_base)
    [clash] = conflict.clashes
    assert (clash.field, clash.theirs, clash.mine, clash.who) == \
        ("status", "refunded", "pending", "bob")
    crm.sales.update(purchase, {"item": "Blue mug"}, base=form_base)  # disjoint: kept
    saved = crm.sales.get(purchase)
    assert (saved["item"], saved["status"]) == ("Blue mug", "refunded")
