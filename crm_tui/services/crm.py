"""`Crm`: one session's services over one database. The TUI and CLI hold one of these.

    crm = Crm.open("~/.local/share/crm-tui/crm.db")
    john = crm.customers.create({"first_name": "John", "last_name": "Doe", ...})
    crm.sales.record({"customer_id": john, "item": "Laptop", "total": "1200"})
    crm.customers.profile(john).loyalty_points   # 120
"""

from __future__ import annotations

import os
import threading
from functools import cached_property

from crm_tui.store import Database

from .analytics import AnalyticsService
from .audit import AuditService
from .bulk import BulkService
from .changes import Changes, UndoEntry
from .context import Clock, ServiceContext
from .customer_list import CustomerList
from .customers import CustomerService
from .feedback import FeedbackService
from .gdpr import GdprService
from .interactions import InteractionService
from .loyalty import LoyaltyService
from .pipeline import PipelineService
from .products import ProductService
from .read_models.dashboard import DashboardView, keep_aggregates
from .sales import SalesService
from .segments import SegmentService
from .settings_service import SettingsService
from .tasks import TaskService
from .views import ViewService


class Crm:
    def __init__(self, db: Database, *, clock: Clock | None = None,
                 staff: str | None = None) -> None:
        self.db = db
        # the rewrite of an older crm-tui's files that `open` started, while it runs
        self.upgrading: threading.Thread | None = None
        self.ctx = ServiceContext(db, clock=clock, staff=staff)
        keep_aggregates(db)  # so that this session's compactions save them
        self.changes = Changes(self.ctx)
        self.customers = CustomerService(self.ctx, self.changes)
        self.products = ProductService(self.ctx, self.changes)
        self.loyalty = LoyaltyService(self.ctx, self.changes)
        self.sales = SalesService(self.ctx, self.changes, self.products, self.loyalty)
        self.interactions = InteractionService(self.ctx, self.changes)
        self.segments = SegmentService(self.ctx, self.changes)
        self.tasks = TaskService(self.ctx, self.changes, self.segments.membership.records)
        self.feedback = FeedbackService(self.ctx, self.changes, lambda: self.dashboard_view)
        self.pipeline = PipelineService(self.ctx, self.changes, self.segments.membership.records)
        self.settings = SettingsService(self.ctx, self.changes)
        self.analytics = AnalyticsService(self.ctx, lambda: self.dashboard_view)
        self.audit = AuditService(self.ctx)
        self.gdpr = GdprService(self.ctx, self.changes, self.audit)
        self.bulk = BulkService(self.changes, self.customers)
        self.views = ViewService(self.ctx, self.changes)

    @cached_property
    def customer_list(self) -> CustomerList:
        """The session's list of customers (search, filters, sort, rows): one observer of
        the customers table and one copy of its search text, shared by the customers
        screen, the customer pickers of forms and the palette's customer search, however
        often those open and close."""
        return CustomerList(self.ctx, self.segments)

    @cached_property
    def dashboard_view(self) -> DashboardView:
        """The session's aggregates behind the dashboard and `crm report` (and analytics):
        built as their tables load, then folded from each change, so a figure reads a few
        thousand numbers instead of scanning every purchase."""
        return DashboardView(self.ctx)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, clock: Clock | None = None,
             staff: str | None = None) -> Crm:
        """The app's session: also starts rewriting, in the background, what an older
        crm-tui wrote in a format that cannot be read without loading whole tables."""
        crm = cls(Database(path), clock=clock, staff=staff)
        crm.upgrading = crm.db.upgrade_in_background()
        return crm

    def undo(self) -> UndoEntry:
        """Undo this session's most recent change."""
        return self.changes.undo()

    def close(self) -> None:
        self.db.close()
