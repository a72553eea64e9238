"""The fields a segment rule may test, each with its type and where it is found in the facts.

Facts are the customer document merged with computed values (see `facts.customer_facts`);
a field's `path` is its location there (preferences live one level down).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from crm_tui.domain.entities.customer import CUSTOMER_KINDS, CUSTOMER_STATUSES
from crm_tui.domain.rules.lifecycle import LIFECYCLE_SEGMENTS

# Copied from the spec (the rules package computes them; rules only need the names).
RFM_SEGMENTS = (
    "Champions",
    "Loyal Customers",
    "Potential Loyalists",
    "New Customers",
    "At Risk",
    "Lost",
    "VIP",
)
LOYALTY_TIERS = ("New", "Bronze", "Silver", "Gold", "Platinum", "VIP")


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"  # written in dollars in rules, compared (and stored) in cents
    DATE = "date"
    LIST = "list"
    ENUM = "enum"
    BOOL = "bool"


@dataclass(frozen=True)
class RuleField:
    name: str
    type: FieldType
    path: tuple[str, ...]
    description: str
    choices: tuple[str, ...] = ()
    ordered: bool = False  # enum choices listed lowest first: <, >= ... compare ranks


def _field(
    name: str,
    kind: FieldType,
    description: str,
    *,
    path: str | None = None,
    choices: tuple[str, ...] = (),
    ordered: bool = False,
) -> RuleField:
    return RuleField(name, kind, tuple((path or name).split(".")), description, choices, ordered)


_T, _N, _M, _D, _L, _E, _B = FieldType
RULE_FIELDS: dict[str, RuleField] = {
    f.name: f
    for f in (
        _field("name", _T, "display name (person or company)"),
        _field("first_name", _T, "first name"),
        _field("last_name", _T, "last name"),
        _field("company_name", _T, "company name of a corporate customer"),
        _field("company", _T, "company the person works for"),
        _field("email", _T, "email address"),
        _field("phone", _T, "phone number"),
        _field("industry", _T, "industry"),
        _field("customer_type", _T, "retail, wholesale, distributor or other"),
        _field("source", _T, "where the customer came from"),
        _field("external_id", _T, "id in another system"),
        _field("region", _T, "region (or city) of the default address"),
        _field("city", _T, "city of the default address"),
        _field("country", _T, "country of the default address"),
        _field("language", _T, "preferred language", path="preferences.language"),
        _field(
            "preferred_channel",
            _T,
            "preferred contact channel",
            path="preferences.preferred_channel",
        ),
        _field("kind", _E, "individual or corporate", choices=CUSTOMER_KINDS),
        _field("status", _E, "active or inactive", choices=CUSTOMER_STATUSES),
        _field(
            "lifecycle_segment",
            _E,
            "lifecycle segment (manual override applied)",
            choices=LIFECYCLE_SEGMENTS,
        ),
        _field("segment_override", _E, "manual lifecycle override", choices=LIFECYCLE_SEGMENTS),
        _field("rfm_segment", _E, "RFM segment", choices=RFM_SEGMENTS),
        _field(
            "loyalty_tier",
            _E,
            "loyalty tier (ordered: New < Bronze < ... < VIP)",
            choices=LOYALTY_TIERS,
            ordered=True,
        ),
        _field("tags", _L, "tags"),
        _field("total_spent", _M, "lifetime value: completed purchases total"),
        _field("average_order_value", _M, "average completed purchase"),
        _field("order_count", _N, "number of completed purchases"),
        _field("rfm_r", _N, "RFM recency score 1-5"),
        _field("rfm_f", _N, "RFM frequency score 1-5"),
        _field("rfm_m", _N, "RFM monetary score 1-5"),
        _field("churn_risk", _N, "churn risk 0-1"),
        _field("loyalty_points", _N, "loyalty points balance"),
        _field("last_order", _D, "date of the last completed purchase", path="last_order_date"),
        _field("last_order_date", _D, "date of the last completed purchase"),
        _field("first_order", _D, "date of the first completed purchase", path="first_order_date"),
        _field("first_order_date", _D, "date of the first completed purchase"),
        _field("created", _D, "date the customer was added", path="created_at"),
        _field("created_at", _D, "date the customer was added"),
        _field(
            "gdpr_consent_date", _D, "date consent was given", path="preferences.gdpr_consent_date"
        ),
        _field("email_opt_in", _B, "accepts marketing email", path="preferences.email_opt_in"),
        _field("sms_opt_in", _B, "accepts marketing SMS", path="preferences.sms_opt_in"),
        _field("push_opt_in", _B, "accepts push notifications", path="preferences.push_opt_in"),
        _field("gdpr_consent", _B, "gave GDPR consent", path="preferences.gdpr_consent"),
        _field("do_not_contact", _B, "must not be contacted", path="preferences.do_not_contact"),
    )
}


def find_field(name: str) -> RuleField | None:
    """The field called `name` (case-insensitive), or None."""
    return RULE_FIELDS.get(name.strip().lower())
