"""Which form each name opens (the screens and the palette ask for forms by name)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .base import RecordForm
from .customer_form import CustomerForm
from .feedback_form import FeedbackForm
from .interaction_form import InteractionForm
from .note_form import NoteForm
from .opportunity_form import OpportunityForm
from .product_form import ProductForm
from .purchase_form import PurchaseForm
from .redeem_form import RedeemForm
from .task_form import TaskForm

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

# (crm, customer id, record id): a record id opens the form to edit that record.
FormFactory = Callable[["Crm", int | None, int | None], RecordForm]

FORMS: dict[str, FormFactory] = {
    "customer": lambda crm, cid, rid: CustomerForm(crm, customer_id=cid, record_id=rid),
    "purchase": lambda crm, cid, rid: PurchaseForm(crm, customer_id=cid, record_id=rid),
    "interaction": lambda crm, cid, rid: InteractionForm(crm, customer_id=cid, record_id=rid),
    "note": lambda crm, cid, rid: NoteForm(crm, customer_id=cid, record_id=rid),
    "task": lambda crm, cid, rid: TaskForm(crm, customer_id=cid, record_id=rid),
    "feedback": lambda crm, cid, rid: FeedbackForm(crm, customer_id=cid, record_id=rid),
    "redeem": lambda crm, cid, rid: RedeemForm(crm, customer_id=cid, record_id=rid),
    "opportunity": lambda crm, cid, rid: OpportunityForm(crm, customer_id=cid, record_id=rid),
    "product": lambda crm, cid, rid: ProductForm(crm, record_id=rid),
}


def make_form(name: str, crm: Crm, customer_id: int | None,
              record_id: int | None = None) -> RecordForm | None:
    factory = FORMS.get(name)
    return factory(crm, customer_id, record_id) if factory else None
