"""Customers' totals and points after a purchase import are the ones worked out from scratch
from their purchases, whatever the chunks: several purchases of one customer in a chunk and
across chunks, a refund, a customer named by email in another case, a revert; and the
loyalty rule a chunk earns under is the one saved when that chunk was written."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.domain.rules.totals import compute_totals
from crm_tui.services.crm import Crm
from crm_tui.services.exchange import importer
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.revert import revert

from .import_support import open_crm, write_csv

PURCHASES = (
    "customer_email,item,total,date,status\n"
    "ANN@X.com,Laptop,1200,2026-05-01,completed\n"
    "bob@x.com,Mouse,25.50,2026-05-02,completed\n"
    "ann@x.com,Pad,10,2026-04-03,completed\n"
    "Ann@X.Com,Ink,30,2026-05-04,refunded\n"
    "bob@x.com,Pen,99.99,2026-06-01,completed\n"
    "ann@x.com,Case,45,2026-06-06,completed\n"
    "bob@x.com,Desk,310,2026-03-03,pending\n"
)


def _customers(crm: Crm) -> dict[str, int]:
    return {email: crm.customers.create({"first_name": email[:3].title(), "email": email})
            for email in ("ann@x.com", "bob@x.com")}


def _totals(crm: Crm, customer_id: int) -> dict[str, object]:
    stored = crm.customers.get(customer_id)
    return {name: stored[name] for name in ("order_count", "total_spent",
                                            "first_order_date", "last_order_date")}


def _from_scratch(crm: Crm, customer_id: int) -> dict[str, object]:
    totals = compute_totals(crm.sales.for_customer(customer_id)).to_dict()
    return {name: totals[name] for name in ("order_count", "total_spent",
                                            "first_order_date", "last_order_date")}


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 2000])
def test_totals_after_an_import_are_those_from_scratch(
        crm: Crm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_rows: int) -> None:
    monkeypatch.setattr(importer, "CHUNK_ROWS", chunk_rows)
    ids = _customers(crm)
    report = import_file(crm, "purchases", write_csv(tmp_path / "p.csv", PURCHASES))
    assert (report.created, report.failed) == (7, 0)
    for customer_id in ids.values():
        assert _totals(crm, customer_id) == _from_scratch(crm, customer_id)
    ann = crm.customers.get(ids["ann@x.com"])
    # Laptop, Pad and Case count; the refunded Ink does not, nor earns points.
    assert (ann["order_count"], ann["total_spent"]) == (3, 125_500)
    assert (ann["first_order_date"], ann["last_order_date"]) == ("2026-04-03", "2026-06-06")
    assert (ann["loyalty_points"], ann["points_earned"]) == (125, 125)
    revert(crm, report.batch_id or "")
    for customer_id in ids.values():
        assert _totals(crm, customer_id) == _from_scratch(crm, customer_id) == {
            "order_count": 0, "total_spent": 0, "first_order_date": None,
            "last_order_date": None}
        assert crm.customers.get(customer_id)["loyalty_points"] == 0


def test_a_chunk_earns_points_under_the_rule_saved_when_it_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another session doubles the points between two chunks: the first chunk's purchases
    keep what they earned, the next ones earn twice as much."""
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    crm, other = open_crm(tmp_path / "crm.db"), open_crm(tmp_path / "crm.db")
    try:
        ann = crm.customers.create({"first_name": "Ann", "email": "ann@x.com"})
        text = "customer_email,item,total,date\n" + "ann@x.com,Pen,100,2026-05-01\n" * 4

        def progress(done: int, expected: int | None) -> None:
            if done == 2:
                other.settings.update({"loyalty": {"points_per_unit": 2}})

        report = import_file(crm, "purchases", write_csv(tmp_path / "p.csv", text),
                             progress=progress)
        assert report.created == 4
        earned = sorted((p["id"], p["points"]) for p in crm.sales.for_customer(ann))
        assert [points for _, points in earned] == [10, 10, 20, 20]
        assert crm.customers.get(ann)["loyalty_points"] == 60
    finally:
        crm.close()
        other.close()
