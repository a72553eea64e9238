"""Bulk changes to marked customers: one commit, one undo entry, audited per customer."""

from __future__ import annotations

import threading

import pytest

from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.services.crm import Crm

from .conftest import audit_log, history


@pytest.fixture
def three(crm: Crm) -> list[int]:
    return [crm.customers.create({"first_name": name, "last_name": "Doe",
                                  "tags": tags})
            for name, tags in (("Ann", ["vip"]), ("Bob", []), ("Cid", ["VIP", "news"]))]


def tags_of(crm: Crm, ids: list[int]) -> list[list[str]]:
    return [crm.customers.get(i).get("tags") or [] for i in ids]


def test_tag_is_one_commit_and_one_undo(crm: Crm, three: list[int]) -> None:
    generation, undo_depth = crm.db.generation, len(crm.changes.undo_labels)
    assert crm.bulk.tag(three, " newsletter ") == 3
    assert crm.db.generation == generation + 1
    assert crm.changes.undo_labels[0] == "Tag 3 customers with newsletter"
    assert len(crm.changes.undo_labels) == undo_depth + 1
    assert tags_of(crm, three) == [["vip", "newsletter"], ["newsletter"],
                                   ["VIP", "news", "newsletter"]]
    crm.undo()
    assert tags_of(crm, three) == [["vip"], [], ["VIP", "news"]]


def test_tag_skips_who_has_it_ignoring_case(crm: Crm, three: list[int]) -> None:
    assert crm.bulk.tag(three, "VIP") == 1
    assert tags_of(crm, three) == [["vip"], ["VIP"], ["VIP", "news"]]


def test_untag_removes_ignoring_case(crm: Crm, three: list[int]) -> None:
    assert crm.bulk.untag(three, "Vip") == 2
    assert tags_of(crm, three) == [[], [], ["news"]]
    crm.undo()
    assert tags_of(crm, three) == [["vip"], [], ["VIP", "news"]]


def test_empty_tag_is_refused(crm: Crm, three: list[int]) -> None:
    with pytest.raises(ValidationError) as err:
        crm.bulk.tag(three, "  ")
    assert err.value.field == "tag"


def test_update_sets_status_and_owner_audited_per_customer(crm: Crm,
                                                           three: list[int]) -> None:
    assert crm.bulk.update(three, {"status": "inactive", "owner": "bea"}) == 3
    assert {crm.customers.get(i)["status"] for i in three} == {"inactive"}
    assert {crm.customers.get(i)["owner"] for i in three} == {"bea"}
    entries = [e for e in audit_log(crm) if e["action"].startswith("Set status")]
    assert sorted(e["entity_id"] for e in entries) == sorted(three)
    assert entries[0]["changes"]["status"] == ["active", "inactive"]
    crm.undo()
    assert {crm.customers.get(i)["status"] for i in three} == {"active"}


def test_a_refused_customer_writes_nothing(crm: Crm, three: list[int]) -> None:
    crm.customers.delete(three[1])
    generation = crm.db.generation
    with pytest.raises(NotFoundError):
        crm.bulk.tag(three, "late")
    assert crm.db.generation == generation
    assert tags_of(crm, [three[0]]) == [["vip"]]


def test_delete_goes_to_the_trash_in_one_undo(crm: Crm, three: list[int]) -> None:
    seen: list[tuple[int, int]] = []
    assert crm.bulk.delete(three[:2], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]
    assert [c["id"] for c in crm.customers.all()] == [three[2]]
    assert crm.changes.undo_labels[0] == "Delete 2 customers"
    crm.undo()
    assert [c["id"] for c in crm.customers.all()] == three


def test_update_refuses_other_fields(crm: Crm, three: list[int]) -> None:
    with pytest.raises(ValueError):
        crm.bulk.update(three, {"email": "x@example.com"})


def test_a_change_in_another_thread_meanwhile_is_its_own(crm: Crm, three: list[int]) -> None:
    # A worker's bulk change is running when the screen saves a new customer: that save
    # waits for it, then is its own commit, audited and undone on its own.
    started, go_on = threading.Event(), threading.Event()

    def slow(done: int, total: int) -> None:
        if done == 1:
            started.set()
            assert go_on.wait(30)

    bulk = threading.Thread(target=lambda: crm.bulk.tag(three, "late", progress=slow))
    bulk.start()
    assert started.wait(30)
    made: list[int] = []
    save = threading.Thread(target=lambda: made.append(
        crm.customers.create({"first_name": "Dee", "last_name": "Doe"})))
    save.start()
    go_on.set()
    bulk.join(30)
    save.join(30)
    assert crm.changes.undo_labels[:2] == ["New customer", "Tag 3 customers with late"]
    assert [e["action"] for e in history(crm, "customers", made[0])] == [
        "New customer"]
