"""Which form each name opens (the screens and the palette ask for forms by name)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .base import RecordForm
from .customer_form import CustomerForm

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

FormFactory = Callable[["Crm", int | None], RecordForm]

FORMS: dict[str, FormFactory] = {
    "customer": lambda crm, cid: CustomerForm(crm, customer_id=cid),
}


def make_form(name: str, crm: Crm, customer_id: int | None) -> RecordForm | None:
    factory = FORMS.get(name)
    return factory(crm, customer_id) if factory else None
