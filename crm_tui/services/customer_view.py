"""Everything the 360-degree view shows about one customer, gathered in one call, and how
a purchase reads there (`purchase_lines`).

A customer's history is read through each table's "customer" index (base.py), on disk
beside the snapshots: one customer's documents, never a whole event table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crm_tui.domain.entities.order_lines import line_text
from crm_tui.domain.entities.purchase import order_amounts
from crm_tui.domain.money import display_money
from crm_tui.domain.rules.analytics import follow_ups
from crm_tui.domain.rules.loyalty import LoyaltySummary

from .profiles import CustomerProfile
from .segments import SegmentBadges

if TYPE_CHECKING:
    from .crm import Crm

Record = dict[str, Any]


@dataclass(frozen=True)
class CustomerDetail:
    customer: Record
    profile: CustomerProfile
    badges: SegmentBadges
    loyalty: LoyaltySummary
    purchases: list[Record]
    interactions: list[Record]
    opportunities: list[Record]
    tasks: list[Record]
    notes: list[Record]
    feedback: list[Record]
    ledger: list[Record]
    overdue_tasks: frozenset[int] = frozenset()  # ids of its open tasks due before the day


def customer_detail(crm: Crm, customer_id: int, as_of: dt.date | None = None) -> CustomerDetail:
    tasks = crm.tasks.for_customer(customer_id)
    # The rule the Tasks screen's "Overdue" follows.
    late = follow_ups(tasks, crm.ctx.as_of(as_of), "due_date").overdue
    return CustomerDetail(
        customer=crm.customers.get(customer_id, include_deleted=True),
        profile=crm.customers.profile(customer_id, as_of),
        badges=crm.segments.segments_of(customer_id, as_of),
        loyalty=crm.loyalty.summary(customer_id),
        purchases=crm.sales.for_customer(customer_id),
        interactions=crm.interactions.for_customer(customer_id),
        opportunities=crm.pipeline.for_customer(customer_id),
        tasks=tasks,
        notes=crm.customers.notes(customer_id),
        feedback=crm.feedback.for_customer(customer_id),
        ledger=crm.loyalty.ledger(customer_id),
        overdue_tasks=frozenset(t["id"] for t in late),
    )


LINES_SHOWN = 6  # an order's lines listed under it before "and N more items"


def purchase_lines(purchase: Record) -> list[str]:
    """How the 360 view lists a purchase: its line (date, what, total, status unless
    completed) and, for an order with lines, shipping, tax, a discount or a note, the
    lines under it: each item, what the total adds, and what it says beyond its parts."""
    amounts = order_amounts(purchase)
    stored = purchase.get("lines") or []
    several = len(stored) > 1
    what = (f"{len(stored)} items" if several else
            f"{purchase.get('item') or 'item'} x{purchase.get('quantity', 1)}")
    status = "" if purchase.get("status") == "completed" else f"[{purchase.get('status')}]"
    head = "  ".join(part for part in (purchase.get("date"), purchase.get("external_id"), what,
                                       display_money(amounts.total), status) if part)
    below = [line_text(line) for line in stored[:LINES_SHOWN]] if several else []
    if len(stored) > LINES_SHOWN:
        below.append(f"… and {len(stored) - LINES_SHOWN} more items")
    if not several and stored and stored[0].get("sku"):
        below.append(f"SKU {stored[0]['sku']}")
    adds = [f"{name} {display_money(cents)}" for name, cents in (
        ("shipping", amounts.shipping), ("tax", amounts.tax)) if cents]
    if amounts.discount:
        adds.append(f"discount -{display_money(amounts.discount)}")
    if adds:
        below.append(", ".join(adds))
    if amounts.difference and (several or adds):
        below.append(f"total differs from its lines by {display_money(amounts.difference)}")
    if purchase.get("note"):
        below.append(f"note: {purchase['note']}")
    return [head, *(f"  {line}" for line in below)]
