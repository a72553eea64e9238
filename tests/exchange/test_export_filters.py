"""Which customers (and records) an export's --segment, --tag and --status pick: each name
is checked first, and a segment holds exactly the customers whose own computed values say
so, compared here with the values the unfiltered export shows, on demo data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crm_tui.domain.errors import ChoiceError
from crm_tui.domain.segments import evaluate
from crm_tui.services.crm import Crm
from crm_tui.services.demo import fill_demo
from crm_tui.services.exchange.exports import Query, export_rows, resolve_query
from crm_tui.services.profiles import facts_of
from tests.conftest import AS_OF, open_session


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crm]:
    crm = open_session(tmp_path_factory.mktemp("demo") / "crm.db")
    fill_demo(crm, customers=400, seed=3, as_of=AS_OF)
    yield crm
    crm.close()


def customers(crm: Crm, **filters: Any) -> list[dict[str, Any]]:
    return list(export_rows(crm, "customers", Query(as_of=AS_OF, **filters))[1])


def ids(rows: list[dict[str, Any]]) -> list[int]:
    return [row["id"] for row in rows]


@pytest.mark.parametrize(("segment", "column", "value"), [
    ("lifecycle:vip", "lifecycle_segment", "vip"),
    ("lifecycle:at_risk", "lifecycle_segment", "at_risk"),
    ("rfm:VIP", "rfm_segment", "VIP"),
    ("champions", "rfm_segment", "Champions"),
    ("tier:VIP", "loyalty_tier", "VIP"),
    ("tier:bronze", "loyalty_tier", "Bronze"),
])
def test_a_segment_exports_exactly_the_customers_computed_to_be_in_it(
        demo: Crm, segment: str, column: str, value: str) -> None:
    everyone = customers(demo)
    expected = [row["id"] for row in everyone if row[column] == value]
    assert expected, f"the demo data has no {segment} customer to test with"
    assert ids(customers(demo, segment=segment)) == expected
    assert len(expected) < len(everyone)


def test_vip_alone_is_refused_rather_than_mixing_three_segments(demo: Crm) -> None:
    with pytest.raises(ChoiceError) as error:
        customers(demo, segment="vip")
    assert error.value.choices == ("lifecycle:vip", "rfm:VIP", "tier:VIP")


def test_a_custom_segment_exports_the_customers_its_rule_holds(demo: Crm) -> None:
    segment = demo.segments.all()[0]
    rule = demo.segments.get(segment["id"])
    held = [c["id"] for c in demo.customers.all()
            if evaluate(rule, facts_of(demo.customers.table.get(doc_id=c["id"]),
                                       demo.customers.profile(c["id"], AS_OF)), AS_OF)]
    assert held and ids(customers(demo, segment=segment["name"].upper())) == sorted(held)


def test_records_follow_their_customer_into_the_segment(demo: Crm) -> None:
    members = set(ids(customers(demo, segment="lifecycle:vip")))
    everyone = list(export_rows(demo, "purchases", Query(as_of=AS_OF))[1])
    picked = list(export_rows(demo, "purchases", Query(as_of=AS_OF, segment="lifecycle:vip"))[1])
    assert [p["id"] for p in picked] == [p["id"] for p in everyone
                                         if p["customer_id"] in members]


def test_tag_and_status_match_whatever_the_case(demo: Crm) -> None:
    everyone = customers(demo)
    tagged = [row["id"] for row in everyone if "vip" in row["tags"]]
    assert tagged and ids(customers(demo, tag="VIP")) == tagged
    inactive = [row["id"] for row in everyone if row["status"] == "inactive"]
    assert ids(customers(demo, status="Inactive")) == inactive


def test_names_are_checked_before_any_row_is_made(demo: Crm) -> None:
    for filters, field in (({"segment": "NoSuchSegment"}, "segment"),
                           ({"tag": "nosuch"}, "tag"), ({"status": "asleep"}, "status")):
        with pytest.raises(ChoiceError) as error:
            export_rows(demo, "purchases", Query(as_of=AS_OF, **filters))  # rows not pulled
        assert error.value.field == field and error.value.choices
    with pytest.raises(ChoiceError) as error:
        customers(demo, tag="nosuch")
    assert "vip" in ", ".join(error.value.choices)
    with pytest.raises(ChoiceError) as error:
        customers(demo, status="asleep")
    assert error.value.choices == ("active, inactive",)


def test_a_resolved_query_names_what_is_stored(demo: Crm) -> None:
    custom = demo.segments.all()[0]
    query = resolve_query(demo, Query(as_of=AS_OF, segment=custom["name"].lower(), tag="VIP",
                                      status="ACTIVE"))
    assert (query.segment, query.tag, query.status) == (custom["id"], "vip", "active")
    assert resolve_query(demo, query) is query
