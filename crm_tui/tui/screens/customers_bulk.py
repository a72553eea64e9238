"""Bulk actions on the customers screen: on the marked customers (or the cursor's row when
none is marked) tag, remove a tag, set status, owner or lifecycle segment (or set it back
to automatic), export, delete.

Each asks what it needs in a small dialog, then runs in a worker: one service call, one
commit, one undo entry (ctrl+z undoes the whole change). The worker reports progress and
its outcome as typed messages to the screen.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from textual import on, work
from textual.message import Message

from crm_tui.cli.outputs import output_stream
from crm_tui.domain.entities.customer import CUSTOMER_STATUSES
from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.domain.rules.lifecycle import LIFECYCLE_SEGMENTS
from crm_tui.domain.wording import counted
from crm_tui.services.bulk import Progress
from crm_tui.services.exchange.exports import Query, export_rows
from crm_tui.services.exchange.writers import format_of, write_rows
from crm_tui.tui.failures import WRITE_FAILURES, failure_message
from crm_tui.tui.keymap import hinted
from crm_tui.tui.widgets.badges import lifecycle_label

from .ask import ChoiceDialog, TextDialog
from .base import CrmScreen
from .confirm import ConfirmScreen

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

ACTIONS = [("Tag…", "tag"), ("Remove a tag…", "untag"), ("Set status…", "status"),
           ("Set owner…", "owner"), ("Set lifecycle segment…", "segment"),
           ("Export to a file…", "export"), ("Delete…", "delete")]
AUTOMATIC = "automatic"  # the lifecycle choice that clears a segment set by hand
REPORTS = 100  # progress messages per bulk change, at most


def default_export_path(today: dt.date) -> str:
    return f"~/crm-export-{today.isoformat()}.csv"


class BulkProgress(Message):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done, self.total = done, total


class BulkFinished(Message):
    """A bulk change ended: `report` says what it did, or `error` why nothing was."""

    def __init__(self, report: str | None, error: str | None = None, *,
                 deleted: frozenset[int] = frozenset()) -> None:
        super().__init__()
        self.report, self.error, self.deleted = report, error, deleted


def export_customers(crm: Crm, ids: list[int], target: str) -> int:
    """The customers export of these customers, in this order, to `target` in the format
    its extension names, CSV by default (the rows, writers and `-o PATH` rules of
    `crm export customers`)."""
    query = Query(as_of=crm.ctx.as_of(), customers=tuple(ids))
    columns, rows = export_rows(crm, "customers", query)
    with output_stream(str(Path(target).expanduser()), binary_ok=True) as out:
        return write_rows(format_of(target), columns, rows, out)


class BulkActions(CrmScreen):
    """The bulk actions of a screen listing customers; `bulk_targets` says on whom."""

    _bulk_running = False

    def bulk_targets(self) -> list[int]:
        raise NotImplementedError

    def bulk_progress(self, text: str | None) -> None:
        """Show (or, with None, stop showing) how far the running change is."""

    def action_bulk(self) -> None:
        """Choose what to do to the marked customers."""
        ids = self.bulk_targets()
        if not ids:
            self.notify("No customer selected", severity="warning")
            return
        if self._bulk_running:
            self.notify("A change to many customers is still running", severity="warning")
            return
        title = f"{counted(len(ids), 'customer')}: what to do?"
        self.app.push_screen(ChoiceDialog(title, ACTIONS),
                             lambda choice: self._bulk_chosen(choice, ids))

    def action_bulk_delete(self) -> None:
        """Delete the marked customers (asks first, with the count)."""
        ids = self.bulk_targets()
        if ids:
            self._bulk_chosen("delete", ids)

    def _bulk_chosen(self, choice: str | None, ids: list[int]) -> None:
        who = counted(len(ids), "customer")
        if choice == "export":
            self.ask_export(ids, f"Export {who} to")
            return
        if self.crm_app.refuse_change():
            return
        bulk = self.crm.bulk
        if choice in ("tag", "untag"):
            title = f"Tag {who} with" if choice == "tag" else f"Remove which tag from {who}"
            run = bulk.tag if choice == "tag" else bulk.untag
            self.app.push_screen(TextDialog(title, placeholder="a tag, as newsletter"),
                                 lambda tag: self._run(
                                     tag, lambda p: run(ids, tag, progress=p)))
        elif choice == "status":
            statuses = [(s, s) for s in CUSTOMER_STATUSES]
            self.app.push_screen(ChoiceDialog(f"Set the status of {who} to", statuses),
                                 lambda status: self._run(
                                     status, lambda p: bulk.update(ids, {"status": status},
                                                                   progress=p)))
        elif choice == "owner":
            self.app.push_screen(TextDialog(f"Set the owner of {who} to",
                                            placeholder="a login or a name"),
                                 lambda owner: self._run(
                                     owner, lambda p: bulk.update(ids, {"owner": owner},
                                                                  progress=p)))
        elif choice == "segment":
            segments = [(AUTOMATIC, AUTOMATIC),
                        *((lifecycle_label(s), s) for s in LIFECYCLE_SEGMENTS)]
            self.app.push_screen(
                ChoiceDialog(f"Set the lifecycle segment of {who} to", segments),
                lambda segment: self._run(segment, lambda p: bulk.update(
                    ids, {"segment_override": None if segment == AUTOMATIC else segment},
                    progress=p)))
        elif choice == "delete":
            self.app.push_screen(
                ConfirmScreen(f"Delete {who}? " + hinted(
                    self, "(they go to the trash: {customers.trash} shows it, "
                          "{customers.restore} restores; {undo} undoes it)")),
                lambda yes: self._run(yes, lambda p: bulk.delete(ids, progress=p),
                                      deleted=frozenset(ids)))

    def _run(self, answer: object, change: Callable[[Progress], int], *,
             deleted: frozenset[int] = frozenset()) -> None:
        """Run `change` in a worker once its dialog was answered (not cancelled, not empty)."""
        if not answer:
            return
        self._bulk_running = True
        self.bulk_progress("Working…")
        self.bulk_change(change, deleted)

    @work(thread=True, group="customers-bulk")
    def bulk_change(self, change: Callable[[Progress], int], deleted: frozenset[int]) -> None:
        step = 1

        def progress(done: int, total: int) -> None:
            nonlocal step
            step = max(1, total // REPORTS)
            if done % step == 0 or done == total:
                self.post_message(BulkProgress(done, total))

        try:
            changed = change(progress)
        except ValidationError as exc:
            self.post_message(BulkFinished(None, exc.describe()))
        except NotFoundError as exc:
            self.post_message(BulkFinished(None, str(exc)))
        except WRITE_FAILURES as exc:
            self.post_message(BulkFinished(None, failure_message(exc)))
        else:
            label = self.crm.changes.undo_labels[0] if changed else "Nothing to change"
            self.post_message(BulkFinished(f"{label} ({changed:,} changed)", deleted=deleted))

    def ask_export(self, ids: list[int], title: str) -> None:
        """Ask where to export these customers (csv, xlsx or json by the extension), and
        whether to replace the file already there, then export them."""
        path = default_export_path(self.crm.ctx.as_of())

        def replace_asked(target: str | None) -> None:
            if not target:
                return
            if not os.path.lexists(Path(target).expanduser()):
                self._export(ids, target)
                return
            self.app.push_screen(ConfirmScreen(f"{target} exists. Replace it?"),
                                 lambda yes: self._export(ids, target) if yes else None)

        self.app.push_screen(TextDialog(f"{title} (.csv, .xlsx or .json)", value=path),
                             replace_asked)

    def _export(self, ids: list[int], target: str) -> None:
        self._bulk_running = True
        self.bulk_progress("Exporting…")
        self.bulk_export(ids, target)

    @work(thread=True, group="customers-bulk")
    def bulk_export(self, ids: list[int], target: str) -> None:
        try:
            count = export_customers(self.crm, ids, target)
        except click.ClickException as exc:
            self.post_message(BulkFinished(None, exc.format_message()))
        except WRITE_FAILURES as exc:
            self.post_message(BulkFinished(None, failure_message(exc)))
        else:
            self.post_message(BulkFinished(f"Exported {counted(count, 'customer')} to {target}"))

    @on(BulkProgress)
    def _bulk_progressed(self, event: BulkProgress) -> None:
        self.bulk_progress(f"{event.done:,}/{event.total:,}")

    @on(BulkFinished)
    def _bulk_finished(self, event: BulkFinished) -> None:
        self._bulk_running = False
        self.bulk_progress(None)
        if event.error is not None:
            self.notify(event.error, title="Not saved", severity="error", timeout=10)
            return
        self.notify(event.report or "", timeout=4)
        self.bulk_done(event.deleted)
        self.crm_app.data_changed()

    def bulk_done(self, deleted: frozenset[int]) -> None:
        """After a change: forget the marks of deleted customers."""

