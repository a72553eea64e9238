"""What the record forms share: new-or-edit through one service, and the customer field.

`ServiceForm` opens blank (with defaults) or, given a `record_id`, filled from the stored
record; on save it calls the service's create with everything, or its update with only the
fields that were changed (so an edit of the quantity lets the service recompute the total,
an untouched field is never re-validated, and what others changed meanwhile is kept) and
the record as it was read (`stored`, the base a conflict is found against).
`CustomerRecordForm` adds the customer field: the picker when opened without a customer,
pre-filled with the one given otherwise.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.domain.money import format_money_short

from .base import FormField, RecordForm, field_id
from .fields import CustomerPicker

CUSTOMER = "customer_id"
Record = dict[str, Any]


def customer_field(*, required: bool = True) -> FormField:
    return FormField(CUSTOMER, "Customer", "customer", required=required)


def with_choices(fields: list[FormField], name: str, choices: tuple[str, ...]) -> list[FormField]:
    """The declared fields with one choice list filled at run time (e.g. active products)."""
    return [replace(f, choices=choices) if f.name == name else f for f in fields]


def money_text(cents: int | None) -> str | None:
    """Stored cents as the dollars a user types back: 120050 -> "1200.50", 5000 -> "50"."""
    return None if cents is None else format_money_short(cents)


def changed(values: Record, initial: Record) -> Record:
    return {name: value for name, value in values.items() if value != initial.get(name)}


class ServiceForm(RecordForm):
    """A new record, or an edit of `record_id`; subclasses name the service calls."""

    NOUN: ClassVar[str] = "record"

    @property
    def editing(self) -> bool:
        return self.record_id is not None

    def title_text(self) -> str:
        return f"{'Edit' if self.editing else 'New'} {self.NOUN}{self.title_detail()}"

    def title_detail(self) -> str:
        return ""

    def record_values(self, record: Record) -> Record:
        values = super().record_values(record)
        for spec in self.fields:
            if spec.kind == "money":  # stored as cents, typed as dollars
                values[spec.name] = money_text(values[spec.name])
        return values

    def submit(self, values: Record) -> object:
        if not self.editing:
            return self.create(values)
        # `_initial` is the base's snapshot of the fields as they were filled on opening.
        edit = changed(values, self._initial)
        return self.update(edit) if edit else None

    # ----- to override -------------------------------------------------------------------
    def create(self, values: Record) -> object:
        raise NotImplementedError

    def update(self, changes: Record) -> object:
        """Save the changed fields: pass `base=self.stored` to the service."""
        raise NotImplementedError


class CustomerRecordForm(ServiceForm):
    """A record about a customer; the customer field is the first of FIELDS."""

    # True when the service cannot move a record to another customer (purchases, notes).
    LOCK_CUSTOMER_ON_EDIT: ClassVar[bool] = False

    @property
    def about(self) -> int | None:
        """The customer given, or the edited record's."""
        if self.customer_id is None and self.editing:
            return self.stored.get(CUSTOMER)
        return self.customer_id

    def title_detail(self) -> str:
        if self.about is None:
            return ""
        try:
            return f" · {self.crm.customers.profile(self.about).name}"
        except NotFoundError:
            return ""

    def initial_values(self) -> Record:
        values = super().initial_values()
        if values.get(CUSTOMER) is None:
            values[CUSTOMER] = self.about
        return values

    def on_mount(self) -> None:
        picker = self.query_one(f"#{field_id(CUSTOMER)}", CustomerPicker)
        picker.disabled = self.editing and self.LOCK_CUSTOMER_ON_EDIT  # before it is focused
        super().on_mount()

    def require_customer(self, values: Record) -> int:
        """For services that take the customer apart from the record (notes, points)."""
        customer_id = values.get(CUSTOMER)
        if customer_id is None:
            raise ValidationError(CUSTOMER, "is required: type part of a name and pick one")
        return int(customer_id)
