"""Picking customers by what users type: a status, a tag, one customer by id, email or
external id; a name that picks nothing says what there is to pick."""

from __future__ import annotations

import pytest

from crm_tui.domain.errors import ChoiceError
from crm_tui.services.crm import Crm
from crm_tui.services.selection import LISTED, find_customer, listed, pick_status, pick_tag


def test_status_ignores_case_and_lists_the_statuses(crm: Crm) -> None:
    assert pick_status(" Inactive ") == "inactive"
    with pytest.raises(ChoiceError) as error:
        pick_status("asleep")
    assert (error.value.field, error.value.choices) == ("status", ("active, inactive",))


def test_a_tag_is_one_a_customer_has(crm: Crm) -> None:
    with pytest.raises(ChoiceError) as error:
        pick_tag(crm, "vip")
    assert "no customer has any tag" in error.value.message
    crm.customers.create({"first_name": "A", "tags": ["VIP", "b2b"]})
    gone = crm.customers.create({"first_name": "B", "tags": ["trash-only"]})
    crm.customers.delete(gone)
    assert pick_tag(crm, "vip") == "VIP"
    with pytest.raises(ChoiceError) as error:
        pick_tag(crm, "trash-only")
    assert error.value.choices == ("b2b, VIP",)


def test_long_lists_are_cut_and_counted() -> None:
    lines = listed(f"t{i}" for i in range(LISTED + 7))
    assert lines[-1] == "... and 7 more"
    assert sum(line.count(",") + 1 for line in lines[:-1]) == LISTED


def test_a_customer_by_id_email_or_external_id(crm: Crm) -> None:
    ann = crm.customers.create({"first_name": "Ann", "last_name": "Lee", "email": "ann@x.com",
                                "external_id": "C-7"})
    assert find_customer(crm, str(ann)) == find_customer(crm, "ANN@x.com ") == ann
    assert find_customer(crm, "C-7") == ann
    crm.customers.delete(ann)
    assert find_customer(crm, "ann@x.com") == ann  # the trash too: it may be erased


def test_an_unknown_customer_says_which_ids_exist_and_what_looks_alike(crm: Crm) -> None:
    with pytest.raises(ChoiceError) as error:
        find_customer(crm, "7")
    assert "no customers yet" in error.value.message
    first = crm.customers.create({"first_name": "Ann", "last_name": "Lee", "email": "ann@x.com"})
    last = crm.customers.create({"first_name": "Bo", "email": "bo@annex.org"})
    with pytest.raises(ChoiceError) as error:
        find_customer(crm, "ann")
    assert error.value.field == "customer" and "'ann'" in error.value.message
    assert error.value.choices[0].startswith(f"customers have ids {first} to {last}")
    assert error.value.choices[2:] == (f"#{first} Ann Lee <ann@x.com>",
                                       f"#{last} Bo <bo@annex.org>")
    with pytest.raises(ChoiceError) as error:
        find_customer(crm, "999")
    assert len(error.value.choices) == 1
