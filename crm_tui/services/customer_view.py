"""Everything the 360-degree view shows about one customer, gathered in one call.

Reading a customer's history loads the event tables on first use, so screens call this
from a worker and render the result when it arrives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crm_tui.domain.rules.loyalty import LoyaltySummary

from . import tables
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


HISTORY = (tables.LEDGER, tables.PURCHASES, tables.INTERACTIONS, tables.OPPORTUNITIES,
           tables.TASKS, tables.FEEDBACK)


def customer_detail(crm: Crm, customer_id: int, as_of: dt.date | None = None) -> CustomerDetail:
    # The first 360 view loads every history table: parse them without holding the store,
    # so the screen keeps drawing rows meanwhile.
    crm.db.preload(*HISTORY)
    return CustomerDetail(
        customer=crm.customers.get(customer_id, include_deleted=True),
        profile=crm.customers.profile(customer_id, as_of),
        badges=crm.segments.segments_of(customer_id, as_of),
        loyalty=crm.loyalty.summary(customer_id),
        purchases=crm.sales.for_customer(customer_id),
        interactions=crm.interactions.for_customer(customer_id),
        opportunities=crm.pipeline.for_customer(customer_id),
        tasks=crm.tasks.for_customer(customer_id),
        notes=crm.customers.notes(customer_id),
        feedback=crm.feedback.for_customer(customer_id),
        ledger=crm.loyalty.ledger(customer_id),
    )
