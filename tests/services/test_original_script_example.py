"""The original single-file CRM script's example, through the services: John Doe buys a
$1,200 laptop -> 120 points."""

from __future__ import annotations

from crm_tui.services.crm import Crm


def test_john_doe_laptop(crm: Crm) -> None:
    john = crm.customers.create({"first_name": "John", "last_name": "Doe",
                                 "email": "john.doe@email.com"})
    crm.sales.record({"customer_id": john, "item": "Laptop", "total": "1200"})

    profile = crm.customers.profile(john)
    assert profile.name == "John Doe"
    assert profile.loyalty_points == 120
    history = crm.sales.for_customer(john)
    assert [(p["item"], p["total"]) for p in history] == [("Laptop", 120_000)]
    assert crm.customers.get(john)["email"] == "john.doe@email.com"
    assert profile.totals.order_count == 1 and profile.lifecycle.segment == "vip"  # $1,200 >= $500
