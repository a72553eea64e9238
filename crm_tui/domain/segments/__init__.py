"""Custom segments: a small rule language over customer facts.

A segment is {"name", "match": "all"|"any", "conditions": [{"field", "op", "value"}]},
stored as JSON. Conditions are written as text (`total_spent >= 1000`, `tags has vip`,
`region in [Casablanca, Rabat]`, `last_order within 30 days`) and kept in canonical form.
"""

from crm_tui.domain.segments.describe import describe, describe_segment
from crm_tui.domain.segments.evaluate import evaluate, fields_used, is_time_dependent, matches
from crm_tui.domain.segments.facts import customer_facts
from crm_tui.domain.segments.fields import RULE_FIELDS, FieldType, RuleField, find_field
from crm_tui.domain.segments.ops import OPS, ops_for
from crm_tui.domain.segments.parse import Condition, parse_condition, parse_conditions

__all__ = [
    "OPS",
    "RULE_FIELDS",
    "Condition",
    "FieldType",
    "RuleField",
    "customer_facts",
    "describe",
    "describe_segment",
    "evaluate",
    "fields_used",
    "find_field",
    "is_time_dependent",
    "matches",
    "ops_for",
    "parse_condition",
    "parse_conditions",
]
