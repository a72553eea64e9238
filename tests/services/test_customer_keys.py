"""CustomerKeys: the email and external id -> customer view imports link rows through,
kept in step with every change to the customers table (edits, deletes, rollbacks)."""

from __future__ import annotations

import pytest

from crm_tui.services.crm import Crm


def _ids(crm: Crm, email: str | None, external: str | None) -> tuple[set[int], set[int]]:
    keys = crm.customers.keys()
    with crm.db.transaction():  # asked under the store's lock, as imports do
        answer = keys.ids(email, external)
    assert answer is not None
    return answer


def test_keys_follow_edits_that_move_them_and_ignore_those_that_do_not(crm: Crm) -> None:
    ann = crm.customers.create({"first_name": "Ann", "email": "Ann@X.com", "external_id": "A1"})
    assert _ids(crm, "ann@x.com", "A1") == ({ann}, {ann})
    crm.customers.update(ann, {"phone": "+1 555 0100"})  # neither key moves
    assert _ids(crm, "ann@x.com", "A1") == ({ann}, {ann})
    crm.customers.update(ann, {"email": "ann@y.com", "external_id": "A2"})
    assert _ids(crm, "ann@x.com", "A1") == (set(), set())
    assert _ids(crm, "ann@y.com", "A2") == ({ann}, {ann})


def test_keys_know_who_is_deleted_and_forget_a_rolled_back_edit(crm: Crm) -> None:
    ann = crm.customers.create({"first_name": "Ann", "email": "ann@x.com"})
    keys = crm.customers.keys()
    crm.customers.delete(ann)
    _ids(crm, "ann@x.com", None)
    assert keys.deleted(ann)
    crm.customers.restore(ann)
    _ids(crm, "ann@x.com", None)
    assert not keys.deleted(ann)
    with pytest.raises(RuntimeError), crm.db.transaction():
        crm.customers.update(ann, {"email": "ann@z.com"})
        raise RuntimeError
    assert _ids(crm, "ann@x.com", None) == ({ann}, set())
    assert _ids(crm, "ann@z.com", None) == (set(), set())


def test_live_names_only_a_customer_the_keys_are_sure_of(crm: Crm) -> None:
    ann = crm.customers.create({"first_name": "Ann", "email": "ann@x.com", "external_id": "A1"})
    bob = crm.customers.create({"first_name": "Bob", "email": "bob@x.com", "external_id": "B1"})
    keys = crm.customers.keys()
    with crm.db.transaction():
        assert keys.live("ann@x.com", None) == ann and keys.live(None, "A1") == ann
        assert keys.live("ann@x.com", "A1") == ann
        assert keys.live("ann@x.com", "B1") is None  # they disagree: the long way says why
        assert keys.live("nobody@x.com", None) is None
    crm.customers.delete(bob)
    with crm.db.transaction():
        assert keys.live(None, "B1") is None  # deleted: refused the long way


def test_taken_says_whether_someone_else_holds_either_key(crm: Crm) -> None:
    ann = crm.customers.create({"first_name": "Ann", "email": "ann@x.com", "external_id": "A1"})
    bob = crm.customers.create({"first_name": "Bob", "email": "bob@x.com"})
    crm.customers.delete(bob)
    keys = crm.customers.keys()
    with crm.db.transaction():
        assert keys.taken("ann@x.com", None) is True
        assert keys.taken(None, "A1") is True
        assert keys.taken("ann@x.com", "A1", exclude=ann) is False  # only Ann has them
        assert keys.taken("nobody@x.com", "A1", exclude=ann) is False
        assert keys.taken("bob@x.com", None, exclude=ann) is True  # deleted, still held
        assert keys.taken("nobody@x.com", "Z9") is False
        assert keys.taken(None, None) is False
