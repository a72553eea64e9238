"""Loyalty: the points ledger (earn, redeem, expire, adjust), balances and tiers.

The program's rules (points per $10, multiplier, minimum, expiry) are the loyalty settings.
The customer document carries `loyalty_points` (balance) and `points_earned` (lifetime,
which decides the tier), updated with every ledger entry in the same commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_tui.domain.entities.ledger import validate_ledger_entry
from crm_tui.domain.rules.loyalty import (
    LoyaltySummary,
    due_expirations,
    summarize_ledger,
    validate_redemption,
)

from . import tables
from .base import CustomerRecords
from .records import Record, newest_first

TABLE = tables.LEDGER


class LoyaltyService(CustomerRecords):
    table_name = TABLE
    entity = "ledger entry"

    def ledger(self, customer_id: int) -> list[Record]:
        """The customer's entries, newest first."""
        return newest_first(self._customer_documents(customer_id))

    def summary(self, customer_id: int) -> LoyaltySummary:
        return summarize_ledger(self.ledger(customer_id), self.ctx.settings.tiers)

    def _add(self, customer_id: int, kind: str, points: int, day: str,
             purchase_id: int | None = None, note: str | None = None) -> int:
        entry = validate_ledger_entry(
            {"customer_id": customer_id, "kind": kind, "points": points, "date": day,
             "purchase_id": purchase_id, "note": note}, today=self.ctx.clock.today())
        entry_id = self.table.insert({**entry, "created_at": self.ctx.clock.stamp(),
                                      "created_by": self.ctx.staff})
        customer = self._customer(customer_id, include_deleted=True)
        earned = entry["points"] if kind == "earn" else 0
        self.customers.update(
            {"loyalty_points": (customer.get("loyalty_points") or 0) + entry["points"],
             "points_earned": (customer.get("points_earned") or 0) + earned},
            doc_ids=[customer_id])
        return entry_id

    def purchase_earning(self, customer_id: int, points: int, day: str,
                         purchase_id: int, stamp: str) -> int:
        """Write the ledger entry of the points a new purchase earns; returns its id. The
        purchase writer adds them to the customer's balance and lifetime points itself,
        once per customer for a whole batch of purchases (see `sales.PurchaseWriter`).

        The entry is the one validate_ledger_entry makes of these values, built directly:
        they come checked from the purchase (a day, and points above zero and within
        MAX_POINTS: `SalesService._points`), and an import writes one per purchase row.
        `stamp` is the purchase's `created_at`.
        """
        return self.table.insert_owned({
            "customer_id": customer_id, "program_id": None, "kind": "earn", "points": points,
            "date": day, "purchase_id": purchase_id, "note": None,
            "created_at": stamp, "created_by": self.ctx.staff})

    def record_earn(self, customer_id: int, points: int, day: str,
                    purchase_id: int) -> None:
        """Points from a purchase (negative when a purchase is refunded or corrected)."""
        with self.changes.change("Earn points"):
            self._add(customer_id, "earn" if points > 0 else "adjust", points, day,
                      purchase_id, None if points > 0 else "purchase corrected or refunded")
            if points < 0:  # a reversed earning no longer counts towards the tier
                customer = self._customer(customer_id, include_deleted=True)
                self.customers.update(
                    {"points_earned": (customer.get("points_earned") or 0) + points},
                    doc_ids=[customer_id])

    def redeem(self, customer_id: int, points: Any, note: str | None = None) -> int:
        """Spend points; refused above the balance available today (after expiry)."""
        with self.changes.change("Redeem points"):
            self.expire_due(customer_id)
            balance = self._customer(customer_id).get("loyalty_points") or 0
            amount = validate_redemption(points, balance)
            return self._add(customer_id, "redeem", amount, self.ctx.clock.today().isoformat(),
                             note=note)

    def adjust(self, customer_id: int, points: int, note: str) -> int:
        with self.changes.change("Adjust points"):
            self._require_customer(customer_id)
            return self._add(customer_id, "adjust", points,
                             self.ctx.clock.today().isoformat(), note=note)

    def expire_due(self, customer_id: int, as_of: dt.date | None = None) -> int:
        """Record the expirations due as of a date; returns the points expired."""
        if self.ctx.settings.loyalty.expiry_days is None:
            return 0  # points never expire: no need to read the ledger at all
        day = self.ctx.as_of(as_of)
        due = due_expirations(self.ledger(customer_id), day, self.ctx.settings.loyalty)
        if not due:
            return 0
        with self.changes.change("Expire points"):
            for entry in due:
                self._add(customer_id, "expire", entry.points, entry.date.isoformat())
        return -sum(entry.points for entry in due)
