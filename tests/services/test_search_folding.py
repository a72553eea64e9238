"""Customer search folds accents and case on both sides: "chloe" finds "Chloé Garnier",
"MULLER" finds "Müller", and a query typed with accents finds a name stored without."""

from __future__ import annotations

import pytest

from crm_tui.services import customer_list
from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import CustomerList, ListQuery


@pytest.fixture
def listing(crm: Crm) -> CustomerList:
    people = [
        {"first_name": "Chloé", "last_name": "Garnier", "email": "chloe@garnier.example"},
        {"first_name": "Chloe", "last_name": "Martin", "email": "cm@martin.example"},
        {"first_name": "Jürgen", "last_name": "Müller", "email": "jm@example.com"},
        {"first_name": "Søren", "last_name": "Ødegård", "email": "so@example.com",
         "company": "Straße & Söhne"},
        {"first_name": "Émile", "last_name": "Zola", "email": "ez@example.com"},
        {"first_name": "Eve", "last_name": "Adams", "email": "eve@example.com"},
    ]
    for person in people:
        crm.customers.create(person)
    return CustomerList(crm.ctx, crm.segments)


def found(listing: CustomerList, text: str) -> list[str]:
    return sorted(listing.row(i).name for i in listing.query(ListQuery(text=text)))


def test_unaccented_query_finds_accented_names(listing: CustomerList) -> None:
    assert found(listing, "chloe") == ["Chloe Martin", "Chloé Garnier"]
    assert found(listing, "muller") == ["Jürgen Müller"]
    assert found(listing, "jurgen") == ["Jürgen Müller"]
    assert found(listing, "soren odegard") == ["Søren Ødegård"]  # ø is no o plus a mark
    assert found(listing, "strasse") == ["Søren Ødegård"]  # the company: ß is ss


def test_accented_query_finds_unaccented_names(listing: CustomerList) -> None:
    assert found(listing, "Chloé") == ["Chloe Martin", "Chloé Garnier"]
    assert found(listing, "mártin") == ["Chloe Martin"]


def test_case_is_folded_both_ways(listing: CustomerList) -> None:
    assert found(listing, "MULLER") == found(listing, "müller") == ["Jürgen Müller"]
    assert found(listing, "CHLOÉ GARNIER") == ["Chloé Garnier"]


def test_every_word_must_match_in_any_order(listing: CustomerList) -> None:
    assert found(listing, "garnier chloe") == ["Chloé Garnier"]
    assert found(listing, "chloe zola") == []


def test_names_sort_with_their_accents_folded(listing: CustomerList) -> None:
    ordered = [listing.row(i).name for i in listing.query(ListQuery(sort="name"))]
    # Émile among the E's ("emile" < "eve"), not after every unaccented name.
    assert ordered == ["Chloé Garnier", "Chloe Martin", "Émile Zola", "Eve Adams",
                       "Jürgen Müller", "Søren Ødegård"]


def test_search_text_is_folded_once_per_customer_not_per_keystroke(
        listing: CustomerList, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    real = customer_list.search_text
    monkeypatch.setattr(customer_list, "search_text", lambda doc: made.append("x") or real(doc))
    listing.warm()
    assert len(made) == 6
    for typed in ("c", "ch", "chl", "chlo", "chloe", "chlo", "m", "mü", "MÜLLER"):
        listing.query(ListQuery(text=typed))
    assert len(made) == 6
