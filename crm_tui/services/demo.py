"""`crm demo`: fill a database with realistic, deterministic demo data, through the services.

    summary = fill_demo(crm, customers=200, seed=1, as_of=date(2026, 6, 15))

What is generated is decided by `demo_plan` (pure and seeded, all dates relative to as_of);
this module writes it with the same services as the screens, so totals, loyalty, segments
and audit come out as if typed in by hand. Customers are written in chunks, each chunk one
commit ("Demo data", one summary audit entry, not undoable), so 100,000 customers take
minutes; a failure loses only the chunk being written.

Each record is stamped at the moment its story says (a purchase two years ago was entered two
years ago). For that the writer works in its own service context, whose clock it moves from
step to step, never touching the caller's session (the TUI may run this in a worker while
its screens read). Same seed, as-of date and staff login: the same documents, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.money import cents_to_decimal

from .changes import Changes
from .context import Clock, ServiceContext
from .crm import Crm
from .customers import CustomerService
from .demo_plan import HISTORY_DAYS, CustomerPlan, DemoPlanner
from .demo_words import load_words
from .feedback import FeedbackService
from .interactions import InteractionService
from .loyalty import LoyaltyService
from .pipeline import PipelineService
from .products import ProductService
from .sales import SalesService
from .segments import SegmentService
from .tasks import TaskService

CHUNK = 500  # customers (with their history) per commit
LABEL = "Demo data"
Progress = Callable[[int, int], None]  # (customers written, customers wanted)


@dataclass(frozen=True)
class DemoSummary:
    """What `fill_demo` wrote (records created; purchases include refunded and pending)."""

    seed: int
    as_of: dt.date
    customers: int
    products: int
    purchases: int
    interactions: int
    opportunities: int
    tasks: int
    feedback: int
    notes: int
    redemptions: int
    segments: int


def demo_staff(crm: Crm) -> list[str]:
    """Who the demo's work is attributed to: whoever runs it (so "my tasks" is not empty)
    and the colleagues of the word lists."""
    colleagues = load_words()["colleagues"]
    return [crm.ctx.staff, *(name for name in colleagues if name != crm.ctx.staff)]


def fill_demo(crm: Crm, *, customers: int = 200, seed: int = 1, as_of: dt.date | None = None,
              progress: Progress | None = None, force: bool = False) -> DemoSummary:
    """Add `customers` demo customers with two years of history before `as_of` (default:
    the session's today), the product catalogue and a few custom segments.

    Refuses a database that already has customers unless `force` (then products and
    segments already there are reused, and clashing emails or external ids are changed).
    """
    if isinstance(customers, bool) or not isinstance(customers, int) or customers < 0:
        raise ValidationError("customers", f"must be a whole number, 0 or more, not {customers!r}")
    existing = len(crm.customers.table)
    if existing and not force:
        raise ValidationError("database", f"already has {existing} customers: demo data only "
                              "goes into an empty database (force it to add anyway)")
    day = as_of or crm.ctx.clock.today()
    writer = _Writer(crm, day)
    planner = DemoPlanner(random.Random(seed), day, demo_staff(crm))
    writer.products()
    for start in range(0, customers, CHUNK):
        plans = [planner.plan(i) for i in range(start, min(start + CHUNK, customers))]
        with writer.changes.change(LABEL, audit="summary", undoable=False):
            for plan in plans:
                writer.customer(plan)
            writer.at(writer.noon)  # the audit entry's time
        if progress is not None:
            progress(start + len(plans), customers)
    writer.segments()
    n = writer.counts
    return DemoSummary(seed, day, n["customer"], n["product"], n["purchase"], n["interaction"],
                       n["deal"], n["task"], n["feedback"], n["note"], n["redeem"],
                       n["segment"])


class _Writer:
    """The services over the caller's database, in a context of the writer's own."""

    def __init__(self, crm: Crm, as_of: dt.date) -> None:
        self.as_of = as_of
        self.noon = dt.datetime.combine(as_of, dt.time(12))
        self.ctx = ctx = ServiceContext(crm.db, clock=Clock(fixed=self.noon),
                                        staff=crm.ctx.staff)
        self.changes = changes = Changes(ctx)
        self.customers = CustomerService(ctx, changes)
        self.products_ = ProductService(ctx, changes)
        self.loyalty = LoyaltyService(ctx, changes)
        self.sales = SalesService(ctx, changes, self.products_, self.loyalty)
        self.interactions = InteractionService(ctx, changes)
        self.pipeline = PipelineService(ctx, changes)
        self.tasks = TaskService(ctx, changes)
        self.feedback = FeedbackService(ctx, changes)
        # The caller's membership: a second one would observe the customers for ever.
        self.segments_ = SegmentService(ctx, changes, crm.segments.membership)
        self.counts: Counter[str] = Counter()
        self.product_ids: dict[str, int] = {}
        # Each makes a record and answers what a later step refers to it by (`Step.key`).
        self.actions: dict[str, Callable[[int | None, dict[str, Any], Any], object]] = {
            "purchase": self._purchase,
            "interaction": lambda c, d, ref: self.interactions.log({**d, "customer_id": c}),
            "deal": self._deal,
            "task": lambda c, d, ref: self.tasks.create({**d, "customer_id": c}),
            "feedback": lambda c, d, ref: self.feedback.submit({**d, "customer_id": c}),
            "resolve": lambda c, d, ref: self.feedback.update(ref, {**d, "resolved": True}),
            "note": lambda c, d, ref: self.customers.add_note(whose(c), d),
            "redeem": self._redeem,
            "adjust": lambda c, d, ref: self.loyalty.adjust(whose(c), d["points"], d["note"]),
        }

    def at(self, moment: dt.datetime) -> None:
        self.ctx.clock = Clock(fixed=moment)

    # ----- catalogue and segments -------------------------------------------------------
    def products(self) -> None:
        """The catalogue, entered before the oldest sale; products already there are kept."""
        start = dt.datetime.combine(self.as_of - dt.timedelta(days=HISTORY_DAYS + 60),
                                    dt.time(9))
        with self.changes.change(LABEL, audit="summary", undoable=False):
            for n, product in enumerate(load_words()["products"]):
                found = self.products_.find_by_name(product["name"])
                if found is None:
                    self.at(start + dt.timedelta(minutes=n))
                    self.counts["product"] += 1
                    found = {"id": self.products_.create({
                        "name": product["name"], "category": product["category"],
                        "price": product["price"], "description": product["description"],
                        "active": not product.get("retired")})}
                self.product_ids[product["name"]] = found["id"]
            self.at(self.noon)

    def segments(self) -> None:
        with self.changes.change(LABEL, audit="summary", undoable=False):
            self.at(dt.datetime.combine(self.as_of - dt.timedelta(days=14), dt.time(10)))
            for segment in load_words()["segments"]:
                if self.segments_.find_by_name(segment["name"]) is None:
                    self.segments_.create(segment)
                    self.counts["segment"] += 1
            self.at(self.noon)

    # ----- customers ---------------------------------------------------------------------
    def customer(self, plan: CustomerPlan) -> None:
        self.at(plan.created)
        customer_id = self.customers.create(self._unique(plan.customer))
        self.counts["customer"] += 1
        made: dict[str, Any] = {}
        for step in plan.steps:
            self.at(step.at)
            customer = customer_id if step.about_customer else None
            ref = made.get(step.key) if step.key is not None else None
            result = self.actions[step.action](customer, step.data, ref)
            if step.key is not None and step.key not in made:
                made[step.key] = result
            self.counts[step.action] += 1

    def _unique(self, data: dict[str, Any]) -> dict[str, Any]:
        """Unique within one fill already; only a forced fill over existing customers can
        clash: another email number, no external id."""
        email = data.get("email")
        if email and self.customers.find_by_email(email):
            local, _, domain = email.partition("@")
            number = 2
            while self.customers.find_by_email(f"{local}{number}@{domain}"):
                number += 1
            data = {**data, "email": f"{local}{number}@{domain}"}
        if data.get("external_id") and self.customers.find_by_external_id(data["external_id"]):
            data = {**data, "external_id": None}
        return data

    def _purchase(self, customer_id: int | None, data: dict[str, Any], _: Any) -> int:
        return self.sales.record({
            "customer_id": customer_id, "product_id": self.product_ids[data["product"]],
            "quantity": data["quantity"], "date": data["date"],
            "payment_method": data["payment_method"],
            "status": data.get("status", "completed")})

    def _deal(self, customer_id: int | None, data: dict[str, Any], _: Any) -> int:
        values = {k: v for k, v in data.items() if k != "value_cents"}
        return self.pipeline.create({**values, "customer_id": customer_id,
                                     "value": cents_to_decimal(data["value_cents"])})

    def _redeem(self, customer_id: int | None, data: dict[str, Any], _: Any) -> int | None:
        customer_id = whose(customer_id)
        balance = self.customers.get(customer_id).get("loyalty_points") or 0
        points = int(balance * data["fraction"])
        if points <= 0:  # nothing earned (free samples only): nothing to spend
            self.counts["redeem"] -= 1
            return None
        return self.loyalty.redeem(customer_id, points, data["note"])


def whose(customer_id: int | None) -> int:
    """The customer of a step that is always about one (a note, points)."""
    if customer_id is None:
        raise ValueError("this demo step needs a customer")
    return customer_id
