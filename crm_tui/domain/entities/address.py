"""Customer addresses (billing, shipping, home, office), embedded in the customer document."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from crm_tui.domain.entities import schema
from crm_tui.domain.entities.schema import Field

ADDRESS_KINDS = ("billing", "shipping", "home", "office")
PLACE_FIELDS = ("street", "city", "region", "postal_code", "country")
MAX_ADDRESSES = 20


ADDRESS_FIELDS: dict[str, Field] = {
    "kind": Field(schema.choice(ADDRESS_KINDS), default="billing"),
    "street": Field(schema.text(200)),
    "city": Field(schema.text(100)),
    "region": Field(schema.text(100)),
    "postal_code": Field(schema.text(20)),
    "country": Field(schema.text(100)),
    "is_default": Field(schema.FLAG, default=False),
}


def validate_address(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise one address; a complete one needs at least one of street, city, region,
    postal code or country (an all-empty address is a form left blank by mistake)."""
    return schema.validate_record(
        data, ADDRESS_FIELDS, _not_blank, today=today, partial=partial, current=current
    )


def _not_blank(
    values: dict[str, Any], errors: dict[str, str], today: date, changed: frozenset[str]
) -> None:
    if schema.present(values, *PLACE_FIELDS) and not any(values[name] for name in PLACE_FIELDS):
        errors["street"] = (
            "an address needs at least a street, city, region, postal code or country"
        )


def settle_default(
    addresses: list[dict[str, Any]], field: str = "addresses"
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The addresses with exactly one default (the first, when none is marked), and the
    errors: several marked is an error for `field`, as which one was meant is not ours
    to guess."""
    marked = [index for index, address in enumerate(addresses) if address.get("is_default")]
    if len(marked) > 1:
        listed = ", ".join(str(index) for index in marked)
        return addresses, {
            field: f"has {len(marked)} default addresses (entries {listed}); mark one"
        }
    if addresses and not marked:
        return [{**addresses[0], "is_default": True}, *addresses[1:]], {}
    return addresses, {}


def default_address(addresses: object) -> Mapping[str, Any] | None:
    """The default address of a stored customer's address list (the first if none is marked)."""
    if not isinstance(addresses, list):
        return None
    first = None
    # One loop, no list or generator: this runs for every customer exported.
    for address in addresses:
        if type(address) is dict or isinstance(address, Mapping):
            if address.get("is_default"):
                return address
            if first is None:
                first = address
    return first


ADDRESS_LIST = schema.list_of(validate_address, "a list of addresses", max_items=MAX_ADDRESSES)
