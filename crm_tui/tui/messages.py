"""Messages the app sends its screens, and the results workers hand to the screen that asked.

A worker never touches a widget. It posts one of the `WorkerResult` messages below to the
screen (or the app) it works for, with `self.post_message(...)` from its thread: Textual
queues it on the UI thread's loop without waiting, and the screen's `on_<message>` handler
updates the widgets. Not `call_from_thread`: it blocks the worker until the UI runs the
call, so a worker the app waits for as it shuts down would hang ctrl+q. A screen that has
closed meanwhile refuses the message (`post_message` returns False): a late result is
dropped, never applied to widgets that are gone.

Each result carries a frozen value the services (or the screen's own read) made, so what
a handler receives is said by its type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the screens define the values they read; they import this module
    from crm_tui.domain.errors import ValidationError
    from crm_tui.domain.settings import RfmBreaks
    from crm_tui.services.customer_list import ListQuery
    from crm_tui.services.customer_view import CustomerDetail
    from crm_tui.services.segments import SegmentCount

    from .app import DatabaseState
    from .screens.dashboard import Stamp
    from .screens.feedback import Inbox
    from .screens.pipeline import BoardData
    from .screens.record_list import Listing
    from .screens.tasks import AgendaData
    from .widgets.kpi import DashboardFigures


class DataChanged(Message):
    """The database changed (a save here, or another session's commit): refresh views."""


class WorkerResult(Message, bubble=False):
    """What a worker found, for the screen (or app) that started it, and no one else."""


# ----- the app's poll ------------------------------------------------------------------------
class GenerationSeen(WorkerResult):
    """The database's generation the poll read: another session's commit if it moved."""

    def __init__(self, generation: int) -> None:
        super().__init__()
        self.generation = generation


class DatabaseStateSeen(WorkerResult):
    """Why the database takes no changes (read-only, damage met), as the poll found it."""

    def __init__(self, state: DatabaseState) -> None:
        super().__init__()
        self.state = state


class UpgradeEnded(WorkerResult):
    """The background rewrite of an older database's files ended: done, or stopped."""

    def __init__(self, outdated: bool) -> None:
        super().__init__()
        self.outdated = outdated  # some file is still in the old form: it stopped


# ----- customers -----------------------------------------------------------------------------
class CustomerRowsReady(WorkerResult):
    """The customer ids a list query found, in its order, with the query they answer."""

    def __init__(self, ids: list[int], query: ListQuery) -> None:
        super().__init__()
        self.ids = ids
        self.query = query


class FilterChoicesReady(WorkerResult):
    """What the customer list's segment and tag filters offer, with each segment's count."""

    def __init__(self, segments: list[SegmentCount], tags: list[str]) -> None:
        super().__init__()
        self.segments = segments
        self.tags = tags


class CustomerDetailReady(WorkerResult):
    """One customer's 360 view."""

    def __init__(self, detail: CustomerDetail) -> None:
        super().__init__()
        self.detail = detail


# ----- other screens -------------------------------------------------------------------------
class DashboardComputed(WorkerResult):
    """The dashboard's figures, for the database generation and day they were computed at;
    no figures when nothing changed since the ones on screen."""

    def __init__(self, stamp: Stamp, figures: DashboardFigures | None) -> None:
        super().__init__()
        self.stamp = stamp
        self.figures = figures


class BoardReady(WorkerResult):
    """The pipeline board's deals by stage, as its view (customer, owner, text) selects."""

    def __init__(self, board: BoardData) -> None:
        super().__init__()
        self.board = board


class AgendaReady(WorkerResult):
    """The tasks and follow-ups agenda, by section."""

    def __init__(self, agenda: AgendaData) -> None:
        super().__init__()
        self.agenda = agenda


class InboxListed(WorkerResult):
    """The feedback inbox: a small row per feedback, and the NPS."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox


class RecordsListed(WorkerResult):
    """The rows of a list of records (products, segments...)."""

    def __init__(self, listing: Listing) -> None:
        super().__init__()
        self.listing = listing


class DemoProgress(WorkerResult):
    """How many demo customers are made so far."""

    def __init__(self, done: int) -> None:
        super().__init__()
        self.done = done


class DemoLoaded(WorkerResult):
    """The demo data is in the database."""


class QuintileBreaksRanked(WorkerResult):
    """RFM quintile break points ranked for a settings save, or why there are none (nobody
    with orders to rank, refused naming rfm.mode)."""

    def __init__(self, breaks: RfmBreaks | None, refusal: ValidationError | None) -> None:
        super().__init__()
        self.breaks = breaks
        self.refusal = refusal
