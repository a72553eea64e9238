"""The fast customers export writes exactly what the former cell-by-cell export wrote.

The references below are the former code, kept as the specification: the profile built
from the domain rules one customer at a time, the row built from that profile, and the
csv module fed `text_cell` per cell. Hypothesis varies the stored documents over every
rule's edges (no orders, orders after the as-of date, overrides, tier and RFM boundaries,
corporate and nameless customers, formula-like and comma-holding text) and the settings.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_tui.domain.entities.address import default_address
from crm_tui.domain.entities.customer import display_name
from crm_tui.domain.rules.churn import churn_risk
from crm_tui.domain.rules.lifecycle import days_since_last_order, effective_segment
from crm_tui.domain.rules.loyalty import tier_for_points
from crm_tui.domain.rules.rfm import rfm_score, rfm_segment
from crm_tui.domain.settings import (
    ChurnSettings,
    LifecycleSettings,
    RfmBreaks,
    RfmSettings,
    Settings,
    TierSettings,
)
from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.cells import money, money_text, number_text, text_cell, text_cells
from crm_tui.services.exchange.exports import (
    CUSTOMER_COLUMNS,
    CustomerCsv,
    CustomerRows,
    Query,
    customer_row,
    export_rows,
)
from crm_tui.services.exchange.writers import write_csv, write_rows
from crm_tui.services.profiles import CustomerProfile, Scorer, profile_of, totals_of

AS_OF = dt.date(2026, 6, 15)


# ---- the former code, as the specification ------------------------------------------------

def reference_profile(customer_id: int, customer: Mapping[str, Any], as_of: dt.date,
                      rules: Settings) -> CustomerProfile:
    totals = totals_of(customer)
    score = rfm_score(totals, as_of, rules.rfm)
    lifetime = customer.get("points_earned") or 0
    return CustomerProfile(
        customer_id=customer_id,
        name=display_name({**customer, "id": customer_id}),
        totals=totals,
        lifecycle=effective_segment(totals, as_of, customer.get("segment_override"),
                                    rules.lifecycle),
        rfm=score,
        rfm_segment=rfm_segment(score),
        churn_risk=churn_risk(totals, as_of, rules.churn),
        days_since_last_order=days_since_last_order(totals, as_of),
        loyalty_points=customer.get("loyalty_points") or 0,
        lifetime_points=lifetime,
        loyalty_tier=tier_for_points(lifetime, rules.tiers),
    )


STORED = ("external_id", "kind", "first_name", "last_name", "company_name", "email", "phone",
          "company", "industry", "customer_type", "source", "status", "tags")


def reference_default_address(addresses: object) -> Mapping[str, Any] | None:
    if not isinstance(addresses, list):
        return None
    entries = [address for address in addresses if isinstance(address, Mapping)]
    return next((a for a in entries if a.get("is_default")), entries[0] if entries else None)


def reference_row(doc_id: int, doc: Mapping[str, Any], p: CustomerProfile) -> dict[str, Any]:
    address = reference_default_address(doc.get("addresses")) or {}
    prefs = doc.get("preferences") or {}
    totals, rfm = p.totals, p.rfm
    row = {name: doc.get(name) for name in STORED}
    row.update(
        id=doc_id, name=p.name, city=address.get("city"),
        region=address.get("region") or address.get("city"), country=address.get("country"),
        order_count=totals.order_count, total_spent=money(totals.total_spent_cents),
        average_order=money(totals.average_order_cents),
        first_order_date=_iso(totals.first_order_date),
        last_order_date=_iso(totals.last_order_date),
        loyalty_points=p.loyalty_points, loyalty_tier=p.loyalty_tier,
        lifecycle_segment=p.lifecycle.segment, segment_overridden=p.lifecycle.overridden,
        rfm_r=rfm.r if rfm else None, rfm_f=rfm.f if rfm else None,
        rfm_m=rfm.m if rfm else None, rfm_code=rfm.code if rfm else None,
        rfm_segment=p.rfm_segment, churn_risk=p.churn_risk,
        email_opt_in=prefs.get("email_opt_in"), sms_opt_in=prefs.get("sms_opt_in"),
        do_not_contact=prefs.get("do_not_contact"),
        created_at=str(doc.get("created_at") or "")[:10] or None,
    )
    return row


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def reference_csv(columns: list[str], rows: Iterable[Mapping[str, Any]], *,
                  raw: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([text_cell(row.get(c), raw=raw) for c in columns])
    return out.getvalue()


# ---- varied documents and settings --------------------------------------------------------

TEXT = st.one_of(
    st.none(),
    st.sampled_from(["", "Ann", "Lee", "=SUM(A1)", "+1 555 0100", "-x", "@me", "\tTab",
                     "Acme, Inc.", 'say "hi"', "two\nlines", "cr\rhere", "  padded  ", "Zoë"]),
    st.text(max_size=6),
)
DAY = st.dates(dt.date(2023, 1, 1), dt.date(2027, 1, 1)).map(dt.date.isoformat)
ADDRESS = st.fixed_dictionaries({}, optional={
    "city": TEXT, "region": TEXT, "country": TEXT, "is_default": st.booleans()})
TIER_EDGES = [0, 99, 100, 499, 500, 999, 1000, 2499, 2500, 4999, 5000, 10_000]
MONEY_EDGES = [0, 1, 49_999, 50_000, 99_999, 100_000, 249_999, 250_000, 499_999, 500_000]
DOCS = st.fixed_dictionaries({}, optional={
    "kind": st.sampled_from(["individual", "corporate", None]),
    "first_name": TEXT, "last_name": TEXT, "company_name": TEXT, "email": TEXT, "phone": TEXT,
    "company": TEXT, "industry": TEXT, "customer_type": TEXT, "source": TEXT, "status": TEXT,
    "external_id": TEXT,
    "tags": st.one_of(st.none(), st.lists(TEXT.filter(lambda t: t is not None), max_size=3)),
    "addresses": st.one_of(st.none(), st.lists(st.one_of(ADDRESS, st.just("junk")),
                                               max_size=3)),
    "preferences": st.one_of(st.none(), st.fixed_dictionaries({}, optional={
        "email_opt_in": st.one_of(st.none(), st.booleans(), st.sampled_from([0, 1, "yes"])),
        "sms_opt_in": st.one_of(st.none(), st.booleans(), st.sampled_from([0, 1, "-no"])),
        "do_not_contact": st.one_of(st.none(), st.booleans(), st.sampled_from([1, 0.0]))})),
    "order_count": st.one_of(st.none(), st.sampled_from([0, 1, 2, 3, 4, 7, 10]),
                             st.integers(0, 400)),
    "total_spent": st.one_of(st.none(), st.sampled_from(MONEY_EDGES), st.integers(0, 10**9)),
    "first_order_date": st.one_of(st.none(), DAY),
    "last_order_date": st.one_of(st.none(), DAY, st.sampled_from(
        [(AS_OF - dt.timedelta(days=d)).isoformat() for d in (0, 30, 31, 59, 60, 89, 90, 181)])),
    "segment_override": st.sampled_from([None, "", "vip", "Inactive ", "new"]),
    "loyalty_points": st.one_of(st.none(), st.integers(-50, 20_000)),
    "points_earned": st.one_of(st.none(), st.sampled_from(TIER_EDGES), st.integers(0, 20_000)),
    "created_at": st.one_of(st.none(), st.just(""), st.just("2026-06-15T09:00:00"), DAY,
                            st.sampled_from(["=1+2", "-5", 0, 7, ["x"]])),
})

RULES = [
    Settings(),
    Settings(rfm=RfmSettings(mode="quintile", quintile_breaks=RfmBreaks(
        (10, 40, 90, 200), (1, 1, 3, 8), (5_000, 40_000, 90_000, 300_000), "2026-06-01T00:00"))),
    Settings(rfm=RfmSettings(mode="quintile")),  # no break points yet: the fixed thresholds
    Settings(lifecycle=LifecycleSettings(inactive_days=40, at_risk_days=20, vip_orders=2,
                                         vip_spent_cents=1_000, returning_orders=1),
             churn=ChurnSettings(min_tau_days=1, default_tau_days=7),
             tiers=TierSettings(thresholds=(("=Base", 0), ("Gold, Inc.", 150),
                                            ('"Top"', 4000)))),
]
AS_OFS = st.sampled_from([AS_OF, dt.date(2024, 2, 29), dt.date(2027, 1, 1)])
BATCH = st.lists(st.tuples(st.integers(1, 10**6), DOCS), max_size=6)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(BATCH, st.sampled_from(RULES), AS_OFS)
def test_scorer_profiles_equal_the_rules_one_by_one(batch: list[tuple[int, dict[str, Any]]],
                                                    rules: Settings, as_of: dt.date) -> None:
    scorer = Scorer(as_of, rules)  # shared across the batch, as in an export
    for doc_id, doc in batch:
        assert scorer.profile(doc_id, doc) == reference_profile(doc_id, doc, as_of, rules)
        assert profile_of(doc_id, doc, as_of, rules) == reference_profile(doc_id, doc, as_of,
                                                                          rules)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(BATCH, st.sampled_from(RULES), AS_OFS, st.booleans())
def test_customer_rows_and_csv_lines_equal_the_former_export(
        batch: list[tuple[int, dict[str, Any]]], rules: Settings, as_of: dt.date,
        raw: bool) -> None:
    scorer, lines = Scorer(as_of, rules), CustomerCsv(raw=raw)
    expected = [reference_row(i, doc, reference_profile(i, doc, as_of, rules))
                for i, doc in batch]
    rows = [customer_row(i, doc, scorer.scores(i, doc)) for i, doc in batch]
    assert rows == expected
    assert list(rows[0]) == CUSTOMER_COLUMNS if rows else True
    text = "".join(lines.line(i, doc, scorer.scores(i, doc)) for i, doc in batch)
    assert text == reference_csv(CUSTOMER_COLUMNS, expected, raw=raw).split("\r\n", 1)[1]


# ---- the writer and the cells -------------------------------------------------------------

VALUES = st.one_of(
    TEXT, st.integers(-(10**20), 10**20), st.booleans(), st.floats(allow_nan=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.lists(st.one_of(st.text(max_size=4), st.integers(-5, 5)), max_size=3),
    st.dates(), st.just(("a", "b")),
)


@given(st.lists(st.lists(VALUES, min_size=3, max_size=3), max_size=6), st.booleans())
def test_write_csv_equals_the_csv_module(values: list[list[Any]], raw: bool) -> None:
    columns = ["a", "b,c", 'd"e']
    rows = [dict(zip(columns, row, strict=True)) for row in values]
    out = io.StringIO()
    assert write_csv(columns, rows, out, raw=raw) == len(rows)
    assert out.getvalue() == reference_csv(columns, rows, raw=raw)


@given(st.lists(st.one_of(st.none(), st.just(""), st.text(max_size=3)), max_size=5))
def test_write_csv_one_column_rows_keep_the_quoted_empty_cell(cells: list[str | None]) -> None:
    rows = [{"only": cell} for cell in cells]
    out = io.StringIO()
    write_csv(["only"], rows, out)
    assert out.getvalue() == reference_csv(["only"], rows)


def test_write_csv_missing_keys_are_empty_cells() -> None:
    out = io.StringIO()
    write_csv(["a", "b"], [{"a": 1}, {}], out)
    assert out.getvalue() == "a,b\r\n1,\r\n,\r\n"


def test_write_csv_batches_beyond_one_write() -> None:
    rows = [{"n": i, "t": f"x,{i}"} for i in range(2500)]
    out = io.StringIO()
    assert write_csv(["n", "t"], rows, out) == 2500
    assert out.getvalue() == reference_csv(["n", "t"], rows)


PLACE = st.one_of(
    st.none(), st.integers(), st.text(max_size=2),
    st.fixed_dictionaries({"city": st.text(max_size=3)},
                          optional={"is_default": st.one_of(st.booleans(), st.none(),
                                                            st.integers(0, 2))}))


@given(st.one_of(st.none(), st.text(max_size=2), st.lists(PLACE, max_size=5)))
def test_default_address_is_the_former_rule(addresses: object) -> None:
    assert default_address(addresses) is reference_default_address(addresses)


@given(st.lists(VALUES, max_size=8), st.booleans())
def test_text_cells_equal_text_cell(values: list[Any], raw: bool) -> None:
    assert text_cells(values, raw=raw) == [text_cell(v, raw=raw) for v in values]


@given(st.one_of(st.none(), st.integers(-(10**27), 10**27),
                 st.sampled_from([0, 5, -5, 99, -100, 10**15 - 1, -(10**15) + 1, 10**15,
                                  10**26 - 1, -(10**26) + 1, 10**26, 10**27])))
def test_money_text_is_the_cell_of_money(cents: int | None) -> None:
    value = money(cents)
    assert money_text(cents) == ("" if value is None else number_text(value))


def test_money_text_fails_as_money_does_beyond_decimal_precision() -> None:
    with pytest.raises(InvalidOperation):
        money(10**28)
    with pytest.raises(InvalidOperation):
        money_text(10**28)


def test_money_text_of_other_types_goes_through_money() -> None:
    assert money_text(Decimal("1050")) == "10.50" == number_text(money(Decimal("1050")))


# ---- a database, through export_rows and write_rows -------------------------------------

def fill(crm: Crm) -> dict[str, int]:
    ids = {
        "ann": crm.customers.create({"first_name": "=Ann", "last_name": "Lee",
                                     "email": "ann@x.com", "phone": "+1 555 0100",
                                     "tags": ["vip", "trade, show", 'say "hi"']}),
        "acme": crm.customers.create({"kind": "corporate", "company_name": "Acme, Inc.",
                                      "first_name": "Bo", "email": "bo@acme.io",
                                      "addresses": [{"city": "Paris", "country": "FR"},
                                                    {"city": "Lyon", "region": "ARA",
                                                     "is_default": True}]}),
        "prospect": crm.customers.create({"last_name": "  Ng ", "email": "ng@x.com"}),
        "gone": crm.customers.create({"first_name": "Gone", "tags": ["vip"]}),
        "chosen": crm.customers.create({"first_name": "Cy", "status": "inactive"}),
    }
    for days, cents in ((400, 120_000), (61, 2_500), (3, 99_999)):
        crm.sales.record({"customer_id": ids["ann"], "item": "Pen", "total": cents / 100,
                          "date": (AS_OF - dt.timedelta(days=days)).isoformat()})
    crm.sales.record({"customer_id": ids["acme"], "item": "Desk", "total": "5000",
                      "date": (AS_OF - dt.timedelta(days=95)).isoformat()})
    crm.sales.record({"customer_id": ids["chosen"], "item": "Cup", "total": "3",
                      "date": AS_OF.isoformat()})
    crm.customers.update(ids["chosen"], {"segment_override": "vip"})
    crm.customers.delete(ids["gone"])
    return ids


def export_text(crm: Crm, query: Query, *, raw: bool = False, listed: bool = False) -> bytes:
    columns, rows = export_rows(crm, "customers", query)
    out = io.BytesIO()
    # A plain list of the rows takes the writer's generic path, cell by cell.
    write_rows("csv", columns, list(rows) if listed else rows, out, bom=True, raw=raw)
    return out.getvalue()


@pytest.mark.parametrize("raw", [False, True])
def test_the_export_file_equals_the_former_export(crm: Crm, raw: bool) -> None:
    fill(crm)
    rules = crm.ctx.settings
    with crm.db.engine.reading():
        docs = dict(crm.db.engine.docs(tables.CUSTOMERS))
    expected = [reference_row(i, doc, reference_profile(i, doc, AS_OF, rules))
                for i, doc in docs.items() if not doc.get("deleted_at")]
    assert len(expected) == 4
    text = export_text(crm, Query(as_of=AS_OF), raw=raw)
    assert text == ("\ufeff" + reference_csv(CUSTOMER_COLUMNS, expected, raw=raw)).encode()
    assert export_text(crm, Query(as_of=AS_OF), raw=raw, listed=True) == text


@pytest.mark.parametrize("query", [
    Query(as_of=AS_OF, segment="lifecycle:vip"), Query(as_of=AS_OF, segment="Champions"),
    Query(as_of=AS_OF, tag="VIP"), Query(as_of=AS_OF, status="inactive"),
    Query(as_of=AS_OF, since=AS_OF, until=AS_OF), Query(as_of=dt.date(2025, 1, 1)),
])
def test_filtered_exports_take_the_same_rows_on_both_paths(crm: Crm, query: Query) -> None:
    fill(crm)
    assert export_text(crm, query) == export_text(crm, query, listed=True)


def test_typed_rows_still_serve_json(crm: Crm) -> None:
    ids = fill(crm)
    columns, rows = export_rows(crm, "customers", Query(as_of=AS_OF))
    assert isinstance(rows, CustomerRows)
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {ids["ann"], ids["acme"], ids["prospect"], ids["chosen"]}
    assert by_id[ids["ann"]]["total_spent"] == Decimal("2224.99")
    assert by_id[ids["chosen"]]["segment_overridden"] is True
    assert by_id[ids["acme"]]["city"] == "Lyon" and by_id[ids["prospect"]]["rfm_code"] is None
    out = io.BytesIO()
    assert write_rows("json", columns, rows, out) == 4


def test_profile_of_follows_new_settings_and_dates() -> None:
    doc = {"first_name": "Ann", "order_count": 1, "total_spent": 100,
           "first_order_date": "2026-06-01", "last_order_date": "2026-06-01",
           "points_earned": 150}
    base = Settings()
    richer = dataclasses.replace(base, tiers=TierSettings(thresholds=(("Low", 0),
                                                                      ("High", 120))))
    assert profile_of(1, doc, AS_OF, base).loyalty_tier == "Bronze"
    assert profile_of(1, doc, AS_OF, richer).loyalty_tier == "High"
    assert profile_of(1, doc, AS_OF, richer).days_since_last_order == 14
    assert profile_of(1, doc, dt.date(2026, 7, 1), richer).days_since_last_order == 30


def test_an_export_to_a_file_is_the_same_as_in_memory(crm: Crm, tmp_path: Path) -> None:
    fill(crm)
    columns, rows = export_rows(crm, "customers", Query(as_of=AS_OF))
    path = tmp_path / "customers.csv"
    with path.open("wb") as out:
        assert write_rows("csv", columns, rows, out, bom=True) == 4
    assert path.read_bytes() == export_text(crm, Query(as_of=AS_OF))
