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

FormFactory = Callable[["Crm", int | None], RecordForm]

FORMS: dict[str, FormFactory] = {
    "customer": lambda crm, cid: CustomerForm(crm, customer_id=cid),
    "purchase": lambda crm, cid: PurchaseForm(crm, customer_id=cid),
    "interaction": lambda crm, cid: InteractionForm(crm, customer_id=cid),
    "note": lambda crm, cid: NoteForm(crm, customer_id=cid),
    "task": lambda crm, cid: TaskForm(crm, customer_id=cid),
    "feedback": lambda crm, cid: FeedbackForm(crm, customer_id=cid),
    "redeem": lambda crm, cid: RedeemForm(crm, customer_id=cid),
    "opportunity": lambda crm, cid: OpportunityForm(crm, customer_id=cid),
    "product": lambda crm, cid: ProductForm(crm),
}


def make_form(name: str, crm: Crm, customer_id: int | None) -> RecordForm | None:
    factory = FORMS.get(name)
    return factory(crm, customer_id) if factory else None
