"""Property tests over every entity validator: any input either validates or is rejected
with a ValidationError naming real fields; nothing else ever escapes, and a validated
document validates again unchanged."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_tui.domain.entities.address import ADDRESS_FIELDS, validate_address
from crm_tui.domain.entities.customer import CUSTOMER_FIELDS, validate_customer
from crm_tui.domain.entities.feedback import FEEDBACK_FIELDS, validate_feedback
from crm_tui.domain.entities.interaction import INTERACTION_FIELDS, validate_interaction
from crm_tui.domain.entities.ledger import LEDGER_FIELDS, validate_ledger_entry
from crm_tui.domain.entities.note import NOTE_FIELDS, validate_note
from crm_tui.domain.entities.opportunity import OPPORTUNITY_FIELDS, validate_opportunity
from crm_tui.domain.entities.preferences import PREFERENCE_FIELDS, validate_preferences
from crm_tui.domain.entities.product import PRODUCT_FIELDS, validate_product
from crm_tui.domain.entities.purchase import ORDER_EXTRAS, PURCHASE_FIELDS, validate_purchase
from crm_tui.domain.entities.schema import Field
from crm_tui.domain.entities.segment import SEGMENT_FIELDS, validate_segment
from crm_tui.domain.entities.task import TASK_FIELDS, validate_task
from crm_tui.domain.errors import ValidationError

TODAY = date(2024, 5, 1)
Validator = Callable[..., dict[str, Any]]
ENTITIES: dict[str, tuple[Validator, Mapping[str, Field]]] = {
    "customer": (validate_customer, CUSTOMER_FIELDS),
    "address": (validate_address, ADDRESS_FIELDS),
    "preferences": (validate_preferences, PREFERENCE_FIELDS),
    "note": (validate_note, NOTE_FIELDS),
    "product": (validate_product, PRODUCT_FIELDS),
    "purchase": (validate_purchase, PURCHASE_FIELDS),
    "interaction": (validate_interaction, INTERACTION_FIELDS),
    "opportunity": (validate_opportunity, OPPORTUNITY_FIELDS),
    "task": (validate_task, TASK_FIELDS),
    "feedback": (validate_feedback, FEEDBACK_FIELDS),
    "ledger": (validate_ledger_entry, LEDGER_FIELDS),
    "segment": (validate_segment, SEGMENT_FIELDS),
}
# Fields a document holds only when it has them (an order's lines, shipping...).
OPTIONAL: dict[str, frozenset[str]] = {"purchase": frozenset(ORDER_EXTRAS)}


def has_every_field(entity: str, document: Mapping[str, Any]) -> bool:
    fields = set(ENTITIES[entity][1])
    return fields - OPTIONAL.get(entity, frozenset()) <= set(document) <= fields

# Values a form, a CSV cell, a JSON file or a careless caller might hand over.
PLAUSIBLE = st.sampled_from(
    [
        "",
        " ",
        "yes",
        "no",
        "0",
        "1",
        "-1",
        "12.50",
        "1,200.00",
        "$99",
        "today",
        "+7d",
        "2024-02-29",
        "2024-02-30",
        "2024-05-01T10:00:00",
        "vip, gold",
        "a@b.co",
        "not an email",
        "+1 (555) 123-4567",
        "Closed Won",
        "won",
        "open",
        "done",
        "email",
        "phone",
        "earn",
        "redeem",
        "total_spent >= 1000",
        "tags has vip",
        "#ff0000",
        "red",
        "x" * 300,
        "\x00",
        "line\nbreak",
        "🙂",
        "nan",
        "1e9",
        "corporate",
        "individual",
    ]
)
SCALARS = st.one_of(
    PLAUSIBLE,
    st.text(max_size=20),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(PLAUSIBLE, st.sampled_from(["city", "text", "field", "op", "value"])),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=8,
)


def records(fields: Mapping[str, Field]) -> st.SearchStrategy[dict[Any, Any]]:
    keys = st.one_of(st.sampled_from(sorted(fields)), st.text(max_size=8), st.integers())
    return st.dictionaries(keys, VALUES, max_size=len(fields) + 2)


_ROOT = re.compile(r"^([a-z_]+)")


def assert_fields_are_real(err: ValidationError, fields: Mapping[str, Field]) -> None:
    assert err.errors
    for name, message in err.errors.items():
        match = _ROOT.match(name)
        assert match is not None and match.group(1) in fields, name
        assert isinstance(message, str) and message


@pytest.mark.parametrize("entity", sorted(ENTITIES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_validators_return_a_dict_or_raise_validation_error(
    entity: str, data: st.DataObject
) -> None:
    validate, fields = ENTITIES[entity]
    record = data.draw(records(fields))
    partial = data.draw(st.booleans())
    try:
        result = validate(record, today=TODAY, partial=partial)
    except ValidationError as err:
        assert_fields_are_real(err, fields)
        return
    assert set(result) <= set(fields)
    if not partial:
        assert_stable(entity, result)


def assert_stable(entity: str, document: dict[str, Any]) -> None:
    """A validated document is a fixed point: editing it with no changes changes nothing."""
    validate, _ = ENTITIES[entity]
    assert has_every_field(entity, document)
    assert validate({}, today=TODAY, partial=True, current=document) == {}


VALID: dict[str, dict[str, Any]] = {
    "customer": {
        "first_name": "Ana",
        "last_name": "Lopez",
        "email": "ana@example.com",
        "phone": "555-123-4567",
        "tags": ["vip"],
        "addresses": [{"city": "Rabat", "region": "Rabat-Salé"}],
        "preferences": {"email_opt_in": True},
        "notes": [{"text": "Met at the fair"}],
    },
    "address": {"street": "1 Main St", "city": "Rabat", "kind": "shipping", "is_default": True},
    "preferences": {"email_opt_in": "yes", "gdpr_consent": True, "language": "fr-CA"},
    "note": {"text": "Call back", "type": "reminder", "pinned": True},
    "product": {"name": "Laptop", "price": "999.99", "category": "Hardware"},
    "purchase": {"customer_id": 1, "item": "Laptop", "quantity": 2, "unit_price": "999.99"},
    "interaction": {
        "customer_id": 1,
        "channel": "phone",
        "summary": "Demo booked",
        "follow_up_date": "+7d",
        "duration_minutes": 15,
    },
    "opportunity": {"customer_id": 1, "name": "Renewal", "value": "15000", "stage": "Proposal"},
    "task": {"title": "Send quote", "priority": "high", "due_date": "tomorrow", "status": "open"},
    "feedback": {"customer_id": 1, "rating": 4, "recommend_score": 9, "comments": "Great"},
    "ledger": {"customer_id": 1, "kind": "earn", "points": 120},
    "segment": {"name": "Big spenders", "conditions": ["total_spent >= 1000"], "match": "any"},
}


def test_every_entity_has_a_valid_example() -> None:
    assert set(VALID) == set(ENTITIES)
    for entity, example in VALID.items():
        validate, _ = ENTITIES[entity]
        assert has_every_field(entity, validate(example, today=TODAY))


@pytest.mark.parametrize("entity", sorted(ENTITIES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_valid_records(entity: str, data: st.DataObject) -> None:
    """Starting from a valid record, change or drop a few fields: the result is valid,
    stable under revalidation, or rejected naming real fields."""
    validate, fields = ENTITIES[entity]
    record = dict(VALID[entity])
    for name in data.draw(st.lists(st.sampled_from(sorted(fields)), max_size=3)):
        if data.draw(st.booleans()):
            record[name] = data.draw(VALUES)
        else:
            record.pop(name, None)
    try:
        result = validate(record, today=TODAY)
    except ValidationError as err:
        assert_fields_are_real(err, fields)
        return
    assert_stable(entity, result)


@pytest.mark.parametrize("entity", sorted(ENTITIES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_edits_return_changes_or_raise_validation_error(entity: str, data: st.DataObject) -> None:
    """Editing a stored record with random changes yields only known fields (whose merge
    is again a stable document) or a ValidationError naming real fields."""
    validate, fields = ENTITIES[entity]
    stored = validate(VALID[entity], today=TODAY)
    changes = data.draw(records(fields))
    try:
        edit = validate(changes, today=TODAY, partial=True, current=stored)
    except ValidationError as err:
        assert_fields_are_real(err, fields)
        return
    assert set(edit) <= set(fields)
    assert_stable(entity, {**stored, **edit})


@pytest.mark.parametrize("entity", sorted(ENTITIES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_values_and_errors_follow_the_field_table_whatever_the_input_order(
    entity: str, data: st.DataObject
) -> None:
    """The validator reads the cells in the input's order but lays the record out in
    the table's, its messages too (the first is the error's field): the same input in
    another order gives the same dict, or the same messages, key order included."""
    validate, fields = ENTITIES[entity]
    record = data.draw(records(fields))
    partial = data.draw(st.booleans())
    shuffled = dict(data.draw(st.permutations(list(record.items()))))

    def outcome(given: Mapping[Any, Any]) -> tuple[str, list[tuple[str, Any]]]:
        try:
            return "values", list(validate(given, today=TODAY, partial=partial).items())
        except ValidationError as err:
            return "errors", list(err.errors.items())

    kind, result = outcome(record)
    assert outcome(shuffled) == (kind, result)
    if kind == "values":
        assert [name for name, _ in result] == [name for name in fields
                                                if name in dict(result)]
