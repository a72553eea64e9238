"""Building the facts a segment is evaluated over, from a customer document.

The service adds what needs other tables (total_spent, order_count, first/last order
date, lifecycle and RFM segments, churn risk, loyalty tier and points); this module adds
what the customer document alone determines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm_tui.domain.entities.address import default_address
from crm_tui.domain.entities.customer import display_name

# Facts this module derives, and the customer fields they come from: a change to any of
# those can change the fact.
DERIVED_FROM: dict[str, frozenset[str]] = {
    "name": frozenset({"kind", "first_name", "last_name", "company_name", "email"}),
    "city": frozenset({"addresses"}),
    "country": frozenset({"addresses"}),
    "region": frozenset({"addresses"}),
    "lifecycle_segment": frozenset({"segment_override"}),
}


def customer_facts(
    customer: Mapping[str, Any], computed: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The customer document plus name, region, city, country (from the default address:
    region falls back to the city, as regions are often left blank), then `computed`.

    When the customer has a manual segment override, it replaces lifecycle_segment.
    """
    address = default_address(customer.get("addresses")) or {}
    facts: dict[str, Any] = dict(customer)
    facts["name"] = display_name(customer)
    facts["city"] = address.get("city")
    facts["country"] = address.get("country")
    facts["region"] = address.get("region") or address.get("city")
    facts.update(computed or {})
    if customer.get("segment_override"):
        facts["lifecycle_segment"] = customer["segment_override"]
    return facts
