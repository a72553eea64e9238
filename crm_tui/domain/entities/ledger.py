"""Loyalty points ledger entries: every earn, redemption, expiry and manual adjustment.

`points` is the signed change to the balance, so a balance is a plain sum of entries.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.schema import Field

LEDGER_KINDS = ("earn", "redeem", "expire", "adjust")
MAX_POINTS = 1_000_000_000


LEDGER_FIELDS: dict[str, Field] = {
    "customer_id": Field(schema.RECORD_ID, required=True),
    "program_id": Field(schema.RECORD_ID),
    "kind": Field(
        schema.choice(
            LEDGER_KINDS,
            aliases={
                "earned": "earn",
                "redemption": "redeem",
                "expired": "expire",
                "adjustment": "adjust",
            },
        ),
        required=True,
    ),
    "points": Field(schema.whole(-MAX_POINTS, MAX_POINTS), required=True),
    "date": Field(schema.DAY, default_factory=schema.today_iso),
    "purchase_id": Field(schema.RECORD_ID),
    "note": Field(schema.text(common.MEDIUM_TEXT)),
}


def validate_ledger_entry(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise a ledger entry. Points are never zero; earning adds, redeeming and expiring
    subtract (typed as positive numbers, they are stored negative), adjustments go either way."""
    return schema.validate_record(
        data, LEDGER_FIELDS, _sign_points, today=today, partial=partial, current=current
    )


def _sign_points(
    values: dict[str, Any], errors: dict[str, str], today: date, changed: frozenset[str]
) -> None:
    if not schema.present(values, "kind", "points"):
        return
    kind, points = values["kind"], values["points"]
    if points == 0:
        errors["points"] = "must not be zero: an entry records a change to the balance"
    elif kind == "earn" and points < 0:
        errors["points"] = "must be positive for an earn entry (use adjust to take points away)"
    elif kind in ("redeem", "expire"):
        values["points"] = -abs(points)
