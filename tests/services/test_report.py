"""`crm report`: seed 001's sample figures, reproduced from a dataset built to match them.

Five customers and fifteen completed purchases totalling $12,450.00 (plus a refunded and a
pending one, which must not count), three open deals worth $106,950.00 weighted to
$32,085.00, and a little activity. Every figure below was worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from crm_tui.domain.rules.feedback import NpsBreakdown
from crm_tui.services import tables
from crm_tui.services.crm import Crm
from crm_tui.services.report import customer_with_company, label, nps_text, summary_report
from crm_tui.services.to_do import to_do
from tests.conftest import AS_OF, open_session
from tests.services.conftest import tables_read
from tests.services.test_to_do import _seed_counts

# name, company, type, [(date, item, quantity, unit price)]
SEED_001 = [
    ("John", "Doe", "Acme Corp", "retail", [
        ("2026-05-01", "CRM License", 1, "999.99"), ("2026-06-05", "CRM License", 3, "999.99"),
        ("2026-06-10", "CRM License", 1, "999.99")]),
    ("Jane", "Smith", "Tech Solutions", "wholesale", [
        ("2026-03-01", "Support Plan", 2, "874.99"), ("2026-03-10", "Support Plan", 1, "874.99"),
        ("2026-03-20", "Support Plan", 1, "874.99")]),
    ("Alice", "Williams", "StartUp Inc", "retail", [
        ("2025-12-01", "Training", 1, "1249.99"), ("2026-01-10", "Training", 1, "625.00"),
        ("2026-02-01", "Training", 1, "624.99")]),
    ("Bob", "Johnson", "Global Industries", "wholesale", [
        ("2026-05-10", "Consulting", 1, "400.00"), ("2026-05-12", "Consulting", 1, "350.00"),
        ("2026-05-14", "Consulting", 1, "250.00")]),
    ("Charlie", "Brown", "Enterprise Ltd", "retail", [
        ("2025-06-01", "Accessories", 1, "150.11"), ("2025-07-01", "Accessories", 1, "150.00"),
        ("2025-08-01", "Accessories", 1, "150.00")]),
]

EXPECTED = """\
================================================================================
CRM SUMMARY REPORT
As of 2026-06-15
================================================================================

CUSTOMER METRICS:
  Total Customers: 5
  Active Customers: 5
  Inactive Customers: 0
  Clients: 5
  Prospects: 0
  Customers by Type:
    Retail: 3
    Wholesale: 2
  Total Lifetime Value: $12,450.00
  Average Lifetime Value: $2,490.00
  Repeat Purchase Rate: 100.0%
  Retention Rate (last 30 days): 50.0%

SALES METRICS:
  Total Transactions: 15
  Total Revenue: $12,450.00
  Average Transaction: $830.00
  Largest Transaction: $2,999.97
  Revenue, Last 30 Days: $3,999.96
  Revenue, Month to Date: $3,999.96
  Revenue, Year to Date: $10,749.90

SALES PIPELINE:
  Total Pipeline Value: $106,950.00
  Weighted Forecast: $32,085.00
  Best Case: $45,000.00
  Open Opportunities: 3
  Stale Opportunities: 1
  Won / Lost: 2 / 1
  Win Rate: 66.7%
  Value by Stage:
    Prospecting: $39,350.00
    Qualification: $22,600.00
    Proposal: $45,000.00
    Negotiation: $0.00
    Closed Won: $30,000.00
    Closed Lost: $8,000.00

TOP 5 CUSTOMERS:
  John Doe (Acme Corp) - $4,999.95
  Jane Smith (Tech Solutions) - $3,499.96
  Alice Williams (StartUp Inc) - $2,499.98
  Bob Johnson (Global Industries) - $1,000.00
  Charlie Brown (Enterprise Ltd) - $450.11

TOP 5 PRODUCTS BY REVENUE:
  CRM License - $4,999.95 (3 orders)
  Support Plan - $3,499.96 (3 orders)
  Training - $2,499.98 (3 orders)
  Consulting - $1,000.00 (3 orders)
  Accessories - $450.11 (3 orders)

LIFECYCLE SEGMENTS:
  Prospect: 0
  Inactive: 2
  At Risk: 1
  VIP: 2
  Returning: 0
  New: 0

RFM SEGMENTS:
  New Customers: 0
  Champions: 0
  Lost: 1
  At Risk: 1
  VIP: 0
  Loyal Customers: 0
  Potential Loyalists: 3

LOYALTY TIERS:
  New: 1
  Bronze: 4
  Silver: 0
  Gold: 0
  Platinum: 0
  VIP: 0

CUSTOM SEGMENTS:
  Big spenders: 4

INTERACTIONS (LAST 30 DAYS):
  Total: 3
  Email: 2
  Phone: 1

CUSTOMER FEEDBACK:
  Net Promoter Score: +25.0 (4 responses: 2 promoters, 1 passive, 1 detractor)
  Unresolved Feedback: 4

FOLLOW-UPS AND TASKS:
  Follow-ups Due Today: 1
  Follow-ups Overdue: 2
  Tasks Due Today: 1
  Tasks Overdue: 1
"""


@pytest.fixture
def seeded(crm: Crm) -> dict[str, int]:
    """The dataset; returns customer ids by first name."""
    ids: dict[str, int] = {}
    for first, last, company, kind, purchases in SEED_001:
        cid = ids[first] = crm.customers.create({
            "first_name": first, "last_name": last, "company": company,
            "customer_type": kind, "email": f"{first.lower()}@example.com"})
        for date, item, quantity, price in purchases:
            crm.sales.record({"customer_id": cid, "item": item, "quantity": quantity,
                              "unit_price": price, "date": date})
    refund = crm.sales.record({"customer_id": ids["John"], "item": "CRM License",
                               "total": "500.00", "date": "2026-06-12"})
    crm.sales.refund(refund)
    crm.sales.record({"customer_id": ids["Charlie"], "item": "Accessories", "total": "80.00",
                      "date": "2026-06-14", "status": "pending"})
    _activity(crm, ids)
    return ids


def _activity(crm: Crm, ids: dict[str, int]) -> None:
    john, jane, bob = ids["John"], ids["Jane"], ids["Bob"]
    for value, stage, since in (("45000", "Proposal", "2026-06-10"),
                                ("22600", "Qualification", "2026-06-01"),
                                ("39350", "Prospecting", "2026-05-01"),  # stale: 45 days
                                ("20000", "Closed Won", None), ("10000", "Closed Won", None),
                                ("8000", "Closed Lost", None)):
        crm.pipeline.create({"customer_id": john, "name": f"Deal {value}", "value": value,
                             "stage": stage, **({"stage_changed_at": since} if since else {})})
    for channel, date, follow_up in (("email", "2026-06-14", "2026-06-15"),  # due today
                                     ("email", "2026-06-01", "2026-06-08"),  # overdue
                                     ("phone", "2026-05-20", "2026-05-25"),  # overdue
                                     ("meeting", "2026-04-01", None)):  # before the 30 days
        crm.interactions.log({"customer_id": jane, "channel": channel, "date": date,
                              "follow_up_date": follow_up})
    for title, due, status in (("Today", "2026-06-15", "open"), ("Late", "2026-06-01", "open"),
                               ("Done", "2026-06-02", "done"), ("Soon", "2026-06-20", "open")):
        crm.tasks.create({"title": title, "customer_id": bob, "due_date": due,
                          "status": status})
    scores = (10, 9, 7, 3, None)
    made = [crm.feedback.submit({"customer_id": jane, "rating": 4, "recommend_score": score,
                                 "date": "2026-06-01"}) for score in scores]
    crm.feedback.resolve(made[0], "Thanked them")
    crm.segments.create({"name": "Big spenders", "conditions": ["total_spent >= 1000"]})


def test_report_reproduces_the_seed_figures(crm: Crm, seeded: dict[str, int]) -> None:
    assert summary_report(crm, AS_OF) == EXPECTED


def test_report_is_deterministic_for_a_date(crm: Crm, seeded: dict[str, int]) -> None:
    crm.ctx.clock.fixed = dt.datetime(2027, 1, 1, 8)  # the session's today does not matter
    assert summary_report(crm, AS_OF) == EXPECTED


def test_report_of_an_earlier_date_leaves_out_what_came_after(crm: Crm,
                                                               seeded: dict[str, int]) -> None:
    text = summary_report(crm, dt.date(2025, 12, 31))
    assert "As of 2025-12-31" in text
    assert "  Total Transactions: 4\n" in text  # Charlie's three and Alice's first
    assert "  Total Revenue: $1,700.10\n" in text
    assert "  Alice Williams (StartUp Inc) - $1,249.99\n" in text


def _agenda_section(crm: Crm, as_of: dt.date) -> str:
    """The report's last section as the team's lists count it."""
    team = to_do(crm, "team", as_of, days=0)
    return (f"FOLLOW-UPS AND TASKS:\n"
            f"  Follow-ups Due Today: {len(team.follow_ups.due)}\n"
            f"  Follow-ups Overdue: {len(team.follow_ups.overdue)}\n"
            f"  Tasks Due Today: {len(team.tasks.due)}\n"
            f"  Tasks Overdue: {len(team.tasks.overdue)}\n")


def test_the_follow_ups_and_tasks_are_counted_without_reading_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The section's counts are the team's lists' (done, cancelled, deleted and deleted
    customers' records left out), from the date indexes: no task or interaction is read
    and no event table loaded, whether they are in the index files or the journal since."""
    path = tmp_path / "crm.db"
    first = open_session(path)
    rng = random.Random(23)
    _seed_counts(first, rng)
    first.db.compact()
    _seed_counts(first, rng)  # more in the journal, over the index files
    first.close()

    crm = open_session(path)
    read = tables_read(crm, monkeypatch)
    texts = {when: summary_report(crm, when) for when in (AS_OF, AS_OF.replace(day=12))}
    assert not {tables.TASKS, tables.INTERACTIONS} & set(read)
    assert [t for t in tables.CUSTOMER_HISTORY if crm.db.engine.state(t).docs is not None] == []
    monkeypatch.undo()
    for when, text in texts.items():
        section = _agenda_section(crm, when)
        assert text.endswith(section), when
        assert " 0\n" not in section, when  # something due and overdue of each kind
    crm.close()


def test_an_empty_database_reports_zeros_not_errors(crm: Crm) -> None:
    text = summary_report(crm, AS_OF)
    headings = [line for line in text.splitlines() if line.endswith(":") and line[0] != " "]
    assert headings == [
        "CUSTOMER METRICS:", "SALES METRICS:", "SALES PIPELINE:", "TOP 5 CUSTOMERS:",
        "TOP 5 PRODUCTS BY REVENUE:", "LIFECYCLE SEGMENTS:", "RFM SEGMENTS:", "LOYALTY TIERS:",
        "CUSTOM SEGMENTS:", "INTERACTIONS (LAST 30 DAYS):", "CUSTOMER FEEDBACK:",
        "FOLLOW-UPS AND TASKS:"]
    for line in ("  Total Customers: 0", "  Average Lifetime Value: $0.00",
                 "  Repeat Purchase Rate: n/a", "  Win Rate: n/a",
                 "  (no customers with orders yet)", "  (none defined)",
                 "  Net Promoter Score: n/a (no recommend scores yet)"):
        assert line in text.splitlines()
    assert text.isascii()


def test_formatting_helpers() -> None:
    assert [label(k) for k in ("at_risk", "vip", "in_person", "sms", "whatsapp", "")] == [
        "At Risk", "VIP", "In Person", "SMS", "WhatsApp", "(none)"]
    assert customer_with_company({"kind": "corporate", "company_name": "Atlas SARL",
                                  "first_name": "Amina", "last_name": "Tazi"},
                                 "Atlas SARL") == "Atlas SARL (Amina Tazi)"
    assert customer_with_company({"kind": "individual"}, "Jo") == "Jo"
    assert nps_text(NpsBreakdown(1, 1, 0, 0, 100.0)) == (
        "+100.0 (1 response: 1 promoter, 0 passives, 0 detractors)")
