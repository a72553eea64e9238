"""Saved views of the customers list: save, list, apply (get), replace, delete."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.domain.errors import ChoiceError, ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import ListQuery
from tests.conftest import open_session

HOT = ListQuery(text="ann", segment="lifecycle:vip", tag="news", status="active",
                customer_type="retail", sort="spent", descending=True)


def test_save_list_and_get_ignoring_case(crm: Crm) -> None:
    crm.views.save("Hot leads", HOT)
    crm.views.save("all", ListQuery())
    assert [v.name for v in crm.views.all()] == ["all", "Hot leads"]
    assert crm.views.get("hot  LEADS").query == HOT


def test_views_are_shared_with_other_sessions(crm: Crm, tmp_path: Path) -> None:
    crm.views.save("Hot leads", HOT)
    other = open_session(tmp_path / "crm.db")
    try:
        assert other.views.get("Hot leads").query == HOT
    finally:
        other.close()


def test_saving_a_taken_name_replaces_the_view(crm: Crm) -> None:
    first = crm.views.save("Hot leads", HOT)
    assert crm.views.save("hot leads", ListQuery(tag="x")) == first
    assert [v.query for v in crm.views.all()] == [ListQuery(tag="x")]


def test_the_trash_is_not_part_of_a_view(crm: Crm) -> None:
    crm.views.save("trash", ListQuery(deleted=True, tag="x"))
    assert crm.views.get("trash").query == ListQuery(tag="x")


def test_delete_and_unknown_names_list_the_views(crm: Crm) -> None:
    with pytest.raises(ChoiceError, match="no view has been saved"):
        crm.views.get("nope")
    crm.views.save("Hot leads", HOT)
    crm.views.save("Cold", ListQuery())
    crm.views.delete("cold")
    with pytest.raises(ChoiceError) as err:
        crm.views.get("cold")
    assert err.value.choices == ("Hot leads",)


def test_a_view_needs_a_name(crm: Crm) -> None:
    with pytest.raises(ValidationError):
        crm.views.save("   ", HOT)
