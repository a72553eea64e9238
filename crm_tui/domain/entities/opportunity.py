"""Sales opportunities (deals) moving through the pipeline stages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from crm_tui.domain.entities import common, schema
from crm_tui.domain.entities.schema import Field, Parser

# Stage names and default probabilities as in the spec; the pipeline rules may override
# the probabilities from settings, validation only needs a consistent starting point.
STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost")
STAGE_PROBABILITY = {
    "Prospecting": 10,
    "Qualification": 25,
    "Proposal": 50,
    "Negotiation": 75,
    "Closed Won": 100,
    "Closed Lost": 0,
}
OPPORTUNITY_STATUSES = ("open", "won", "lost")
_CLOSED_STAGES = {"won": "Closed Won", "lost": "Closed Lost"}
_STAGE_ALIASES = {
    "won": "Closed Won",
    "lost": "Closed Lost",
    "prospect": "Prospecting",
    "qualified": "Qualification",
    "negotiating": "Negotiation",
}


def stage_status(stage: str) -> str:
    """The status a stage implies: won, lost, or open for every stage before closing."""
    return next((status for status, closed in _CLOSED_STAGES.items() if closed == stage), "open")


def _probability(value: object, field: str, today: date) -> int:
    if isinstance(value, str):
        value = value.strip().removesuffix("%")
    return common.parse_int(value, field, minimum=0, maximum=100)


OPPORTUNITY_FIELDS: dict[str, Field] = {
    "customer_id": Field(schema.RECORD_ID, required=True),
    "name": Field(schema.text(common.MEDIUM_TEXT), required=True),
    "value": Field(schema.amount(), default=0),
    "stage": Field(schema.choice(STAGES, aliases=_STAGE_ALIASES), default="Prospecting"),
    "probability": Field(Parser(_probability, "a percentage from 0 to 100")),
    "probability_manual": Field(schema.FLAG),
    "expected_close_date": Field(schema.DAY),
    "status": Field(schema.choice(OPPORTUNITY_STATUSES)),
    "closed_date": Field(schema.DAY),
    "owner": Field(schema.text(common.SHORT_TEXT)),
    # A date is enough: staleness is counted in days.
    "stage_changed_at": Field(schema.DAY, default_factory=schema.today_iso),
}


def validate_opportunity(
    data: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise a deal, keeping stage, status, probability and closed date consistent.

    The status follows the stage (Closed Won -> won, Closed Lost -> lost, else open); given
    only a closing status, the stage follows it. Without a hand-set probability
    (probability_manual false) the probability is the stage default; a probability given
    without the flag counts as hand-set when it differs from that default. Closed deals
    take 100 or 0 and a closed date (today unless given); open deals have no closed date.
    """
    return schema.validate_record(
        data, OPPORTUNITY_FIELDS, _keep_consistent, today=today, partial=partial, current=current
    )


def _keep_consistent(
    values: dict[str, Any], errors: dict[str, str], today: date, changed: frozenset[str]
) -> None:
    if not schema.present(values, "stage", "status"):
        return
    if "status" in changed and "stage" not in changed and values["status"] in _CLOSED_STAGES:
        values["stage"] = _CLOSED_STAGES[values["status"]]
    implied = stage_status(values["stage"])
    if values["status"] is None or "status" not in changed:
        values["status"] = implied
    elif values["status"] != implied:
        errors["status"] = (
            f"must be {implied} when the stage is {values['stage']}, not {values['status']}"
        )
        return
    if "stage_changed_at" in values and "stage" in changed and "stage_changed_at" not in changed:
        values["stage_changed_at"] = today.isoformat()
    if schema.present(values, "probability", "probability_manual"):
        _settle_probability(values, changed)
    if "closed_date" in values:
        schema.settle_date(values, "closed_date", values["status"] != "open", today)


def _settle_probability(values: dict[str, Any], changed: frozenset[str]) -> None:
    default = STAGE_PROBABILITY[values["stage"]]
    probability, manual = values["probability"], values["probability_manual"]
    if (
        values["status"] == "open"
        and "probability_manual" not in changed
        and "probability" in changed
    ):
        manual = probability is not None and probability != default
    if values["status"] != "open" or not manual:
        values["probability"], values["probability_manual"] = default, False
    else:
        values["probability"], values["probability_manual"] = (
            default if probability is None else probability,
            True,
        )
