"""Products and services in the catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.schema import Field

PRODUCT_FIELDS: dict[str, Field] = {
    "name": Field(schema.text(common.MEDIUM_TEXT), required=True),
    "category": Field(schema.text(common.SHORT_TEXT)),
    "price": Field(schema.amount(), required=True),
    "description": Field(schema.text(common.LONG_TEXT, multiline=True)),
    "active": Field(schema.FLAG, default=True),
}


def validate_product(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise a product: a name and a price (cents, not negative) are required."""
    return schema.validate_record(
        data, PRODUCT_FIELDS, today=today, partial=partial, current=current
    )


def product_key(name: str) -> str:
    """What must be unique among product names: "  Laptop  PRO" and "laptop pro" collide."""
    return " ".join(name.split()).casefold()
