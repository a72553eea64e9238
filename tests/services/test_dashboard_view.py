"""The dashboard's kept aggregates answer what a scan of the documents answers (the scans
are written here, as the figures are defined, independently of the aggregates).

A fixed-seed random run of adds, edits, refunds, deletes, restores, undos and an erase,
then commits by a second session on the same database (caught up by the first): after
each burst every figure read from the session's `DashboardView` (through analytics) must
equal the same figure computed from scratch over every document with the domain rules,
as of today and as of a past day (which recomputes customer totals from the orders).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from crm_tui.domain.entities.opportunity import validate_opportunity
from crm_tui.domain.entities.order_lines import line_shares
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules.analytics import (
    CustomerSummary,
    ProductRevenue,
    SalesSummary,
    interactions_by_channel,
)
from crm_tui.domain.rules.feedback import nps_breakdown
from crm_tui.domain.rules.pipeline import (
    is_stale,
    pipeline_summary,
    value_by_stage,
    weighted_forecast_by_month,
)
from crm_tui.domain.rules.totals import purchase_facts
from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.services.records import existed_on
from tests.conftest import AS_OF, open_session

PAST = AS_OF - dt.timedelta(days=20)
CHANNELS = ("email", "phone", "sms", "meeting")
STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won",
          "Closed Lost")
ITEMS = ("Widget", "Gadget", "Consulting")


def _docs(crm: Crm, table: str) -> list[Any]:
    return list(crm.db.table(table).all())


def _live(docs: list[Any], day: dt.date) -> list[Any]:
    return [d for d in docs if not d.get("deleted_at") and existed_on(d, day)]


def _count(values: Iterable[str]) -> dict[str, int]:
    """How often each value occurs, most first (ties by value)."""
    return dict(sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0])))


def _half_up(cents: int, n: int) -> int:
    return int(Decimal(cents) / n + Decimal("0.5"))


def _counted(purchases: list[Any]) -> list[tuple[Any, Any]]:
    """(purchase, its facts) of the purchases that count: completed, not deleted."""
    pairs = [(p, purchase_facts(p)) for p in purchases if not p.get("deleted_at")]
    return [(p, f) for p, f in pairs if f.counts]


def _customer_summary(live: list[Any], ltv: dict[int, int]) -> CustomerSummary:
    total = sum(ltv[c.doc_id] for c in live)
    statuses = [str(c.get("status") or "").strip().lower() for c in live]
    return CustomerSummary(
        total=len(live), active=statuses.count("active"),
        by_type=_count(str(c.get("customer_type") or "").strip() for c in live),
        by_status=_count(statuses), total_ltv_cents=total,
        average_ltv_cents=_half_up(total, len(live)) if live else None)


def _sales(purchases: list[Any], start: dt.date | None, end: dt.date) -> SalesSummary:
    facts = sorted((f for _, f in _counted(purchases)
                    if (start is None or f.date >= start) and f.date <= end),
                   key=lambda f: f.date)
    by_day: dict[str, int] = {}
    by_month: dict[str, int] = {}
    for f in facts:
        by_day[f.date.isoformat()] = by_day.get(f.date.isoformat(), 0) + f.total_cents
        by_month[f.date.isoformat()[:7]] = by_month.get(f.date.isoformat()[:7], 0) + f.total_cents
    revenue = sum(f.total_cents for f in facts)
    return SalesSummary(len(facts), revenue, _half_up(revenue, len(facts)) if facts else None,
                        max((f.total_cents for f in facts), default=None), by_day, by_month)


def _products(purchases: list[Any], names: dict[int, str]) -> list[ProductRevenue]:
    groups: dict[tuple[Any, str], list[int]] = {}
    for p, f in _counted(purchases):
        for line, cents in (line_shares(p) if p.get("lines") else [(p, f.total_cents)]):
            pid = line.get("product_id")
            row = groups.setdefault((pid, "" if pid is not None else line.get("item", "")),
                                    [0, 0, 0])
            for i, value in enumerate((1, line.get("quantity") or 1, cents)):
                row[i] += value
    rows = [ProductRevenue(pid, (names.get(pid) if pid is not None else item) or str(pid),
                           n, qty, cents) for (pid, item), (n, qty, cents) in groups.items()]
    return sorted(rows, key=lambda r: (-r.revenue_cents, r.name))


def _retention(purchases: list[Any], start: dt.date, end: dt.date) -> float | None:
    length = end - start + dt.timedelta(days=1)
    before = {p.get("customer_id") for p, f in _counted(purchases)
              if start - length <= f.date < start}
    during = {p.get("customer_id") for p, f in _counted(purchases) if start <= f.date <= end}
    return len(before & during) / len(before) if before else None


def scanned(crm: Crm, day: dt.date) -> dict[str, Any]:
    """Every figure as of `day`, from scratch over the documents."""
    customers = _live(_docs(crm, tables.CUSTOMERS), day)
    purchases = _docs(crm, tables.PURCHASES)
    deleted = {c.doc_id for c in _docs(crm, tables.CUSTOMERS) if c.get("deleted_at")}
    totals = {c.doc_id: [0, 0] for c in customers}
    for p in purchases:
        facts = purchase_facts(p)
        if (not p.get("deleted_at") and facts.counts and facts.date <= day
                and p.get("customer_id") in totals):
            totals[p["customer_id"]][0] += 1
            totals[p["customer_id"]][1] += facts.total_cents
    buyers = sorted((i for i, (n, _) in totals.items() if n), key=lambda i: (-totals[i][1], i))
    settings = crm.ctx.settings
    deals = [d for d in _live(_docs(crm, tables.OPPORTUNITIES), day)
             if d.get("customer_id") not in deleted]
    month = day - dt.timedelta(days=29)
    names = {p.doc_id: str(p.get("name", "")) for p in _docs(crm, tables.PRODUCTS)}
    dated = [p for p in purchases if str(p.get("date"))[:10] <= day.isoformat()]
    feedback = [f for f in _live(_docs(crm, tables.FEEDBACK), day)
                if f.get("customer_id") not in deleted and f.get("date")]
    return {
        "summary": _customer_summary(customers, {i: spent for i, (_, spent) in totals.items()}),
        "top": [(i, totals[i][1], totals[i][0]) for i in buyers[:10]],
        "buyers": len(buyers),
        "repeat": sum(1 for i in buyers if totals[i][0] >= 2) / len(buyers) if buyers else None,
        "sales": _sales(purchases, None, day),
        "sales_month": _sales(purchases, month, day),
        "products": _products(dated, names),
        "retention": _retention(purchases, month, day),
        "pipeline": (pipeline_summary(deals, settings.pipeline),
                     value_by_stage(deals, settings.pipeline),
                     weighted_forecast_by_month(deals, settings.pipeline),
                     sorted(d.doc_id for d in deals if is_stale(d, day, settings.pipeline))),
        "channels": interactions_by_channel(_docs(crm, tables.INTERACTIONS), None, day),
        "channels_month": interactions_by_channel(
            _docs(crm, tables.INTERACTIONS), month, day),
        "nps": nps_breakdown((f.get("recommend_score") for f in feedback
                              if str(f["date"])[:10] <= day.isoformat()), settings.feedback),
        "unresolved": sum(1 for f in _docs(crm, tables.FEEDBACK)
                          if f.get("customer_id") not in deleted and not f.get("resolved")
                          and str(f["date"]) <= day.isoformat()),
    }


def kept(crm: Crm, day: dt.date) -> dict[str, Any]:
    """The same figures as the session's analytics (its DashboardView) answers them."""
    a = crm.analytics
    people = a.customer_figures(day, top=10)
    month = day - dt.timedelta(days=29)
    pipeline = a.pipeline(day)
    return {
        "summary": people.summary,
        "top": [(t.customer_id, t.ltv_cents, t.order_count) for t in people.top],
        "buyers": people.buyers,
        "repeat": people.repeat_rate,
        "sales": a.sales_summary(as_of=day),
        "sales_month": a.sales_summary(month, as_of=day),
        "products": a.revenue_by_product(as_of=day),
        "retention": a.retention_rate(month, as_of=day),
        "pipeline": (pipeline.summary, pipeline.value_by_stage, pipeline.forecast_by_month,
                     pipeline.stale_ids),
        "channels": a.interactions_by_channel(as_of=day),
        "channels_month": a.interactions_by_channel(month, as_of=day),
        "nps": a.nps(as_of=day),
        "unresolved": a.unresolved_feedback(day),
    }


def assert_same(crm: Crm, step: str) -> None:
    for day in (AS_OF, PAST):
        expected, found = scanned(crm, day), kept(crm, day)
        for name, value in expected.items():
            assert found[name] == value, f"{name} as of {day} after {step}"


def _day(rng: random.Random) -> str:
    return (AS_OF - dt.timedelta(days=rng.randrange(0, 70))).isoformat()


def _ids(crm: Crm, table: str, live: bool = True) -> list[int]:
    return [d.doc_id for d in _docs(crm, table) if not (live and d.get("deleted_at"))]


def _deal(crm: Crm, rng: random.Random, who: int) -> None:
    # A deal idle since a chosen day (to be stale or not), stored as the service would.
    row = {"customer_id": who, "name": "Deal", "value": str(rng.randrange(1, 90) * 100),
           "stage": rng.choice(STAGES), "stage_changed_at": _day(rng),
           "expected_close_date": rng.choice([None, "2026-07-01", "2026-08-15"])}
    with crm.changes.change("New deal"):
        crm.db.table(tables.OPPORTUNITIES).insert(validate_opportunity(
            {k: v for k, v in row.items() if v is not None}, today=AS_OF))


def random_step(crm: Crm, rng: random.Random) -> str:
    """One random change through the services; returns what it did."""
    people = _ids(crm, tables.CUSTOMERS)
    anyone = _ids(crm, tables.CUSTOMERS, live=False)
    purchases = _ids(crm, tables.PURCHASES)
    actions: list[tuple[str, Callable[[], object]]] = [
        ("new customer", lambda: crm.customers.create(
            {"first_name": f"P{rng.randrange(1000)}",
             "customer_type": rng.choice(["retail", "wholesale"]),
             "status": rng.choice(["active", "inactive"])})),
        ("product", lambda: crm.products.create(
            {"name": f"Thing {rng.randrange(100)}", "price": "12"})),
    ]
    if people:
        who = rng.choice(people)
        products = _ids(crm, tables.PRODUCTS)
        line: dict[str, Any] = (
            {"product_id": rng.choice(products), "quantity": rng.randrange(1, 4),
             "unit_price": str(rng.randrange(1, 50))}
            if products and rng.random() < 0.4
            else {"item": rng.choice(ITEMS), "total": str(rng.randrange(1, 500))})
        actions += [
            ("purchase", lambda: crm.sales.record(
                {"customer_id": who, "date": _day(rng),
                 "status": rng.choice(["completed", "completed", "pending"]), **line})),
            ("interaction", lambda: crm.interactions.log(
                {"customer_id": who, "channel": rng.choice(CHANNELS), "date": _day(rng)})),
            ("feedback", lambda: crm.feedback.submit(
                {"customer_id": rng.choice([who, None]), "rating": rng.randrange(1, 6),
                 "recommend_score": rng.randrange(0, 11), "date": _day(rng)})),
            ("deal", lambda: _deal(crm, rng, who)),
            ("edit customer", lambda: crm.customers.update(
                who, {"status": rng.choice(["active", "inactive", "lead"])})),
            ("delete customer", lambda: crm.customers.delete(who)),
        ]
    if anyone and len(anyone) > len(people):
        gone = rng.choice([i for i in anyone if i not in people])
        actions.append(("restore customer", lambda: crm.customers.restore(gone)))
    if purchases:
        p = rng.choice(purchases)
        actions += [
            ("edit purchase", lambda: crm.sales.update(
                p, {"date": _day(rng), "total": str(rng.randrange(1, 900))})),
            ("refund", lambda: crm.sales.refund(p)),
            ("delete purchase", lambda: crm.sales.delete(p)),
        ]
    for table, service in ((tables.INTERACTIONS, crm.interactions),
                           (tables.FEEDBACK, crm.feedback), (tables.OPPORTUNITIES, crm.pipeline)):
        ids = _ids(crm, table)
        if ids:
            actions.append((f"delete {table}", partial(service.delete, rng.choice(ids))))
    answers = _ids(crm, tables.FEEDBACK)
    if answers:
        actions.append(("resolve feedback", partial(crm.feedback.resolve, rng.choice(answers))))
    if crm.changes.undo_labels:
        actions.append(("undo", crm.changes.undo))
    adds = ("new customer", "purchase", "interaction", "feedback", "deal")
    weights = [5 if n in adds else 3 if n == "undo" else 1 for n, _ in actions]
    name, act = rng.choices(actions, weights)[0]
    with suppress(ValidationError):  # refused (a deleted customer's purchase, say)
        act()
    return name


@pytest.fixture
def session(db_path: Path) -> Iterator[Crm]:
    crm = open_session(db_path)
    yield crm
    crm.close()


def test_kept_figures_equal_a_scan_after_random_changes(session: Crm) -> None:
    rng = random.Random(17)
    assert_same(session, "nothing")  # the view exists before any document
    for n in range(240):
        step = random_step(session, rng)
        if n % 15 == 14:
            assert_same(session, f"step {n}: {step}")
    assert_same(session, "the last step")


def test_kept_figures_follow_another_sessions_commits(session: Crm, db_path: Path) -> None:
    rng = random.Random(71)
    for _ in range(60):
        random_step(session, rng)
    assert_same(session, "this session's changes")
    other = open_session(db_path)
    try:
        for _ in range(60):
            random_step(other, rng)
    finally:
        other.close()
    assert_same(session, "the other session's commits, caught up")


def test_an_erase_and_its_compaction_keep_the_figures(session: Crm) -> None:
    rng = random.Random(5)
    for _ in range(80):
        random_step(session, rng)
    before = kept(session, AS_OF)
    who = next(c.doc_id for c in session.db.table(tables.CUSTOMERS).all()
               if c.get("order_count"))
    session.gdpr.erase(who)
    assert_same(session, "an erase")
    assert kept(session, AS_OF)["sales"] == before["sales"]  # the money was taken


def test_a_fresh_session_builds_the_same_figures(session: Crm, db_path: Path) -> None:
    rng = random.Random(3)
    for _ in range(80):
        random_step(session, rng)
    fresh = open_session(db_path)
    try:
        for day in (AS_OF, PAST):
            assert kept(fresh, day) == kept(session, day)
    finally:
        fresh.close()



def test_figures_load_no_table(session: Crm, db_path: Path) -> None:
    rng = random.Random(9)
    for _ in range(30):
        random_step(session, rng)
    session.db.compact()
    for _ in range(10):
        random_step(session, rng)  # some of the figures are in the journal's tail
    fresh = open_session(db_path)
    try:
        fresh.analytics.revenue_by_product()  # the products screen's figure
        figures = kept(fresh, AS_OF)
        assert figures == kept(session, AS_OF)
        assert not [t for t in (tables.CUSTOMERS, tables.PURCHASES, tables.INTERACTIONS,
                                tables.FEEDBACK, tables.OPPORTUNITIES)
                    if fresh.db.engine.state(t).docs is not None]
    finally:
        fresh.close()
